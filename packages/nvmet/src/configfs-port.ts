/**
 * configfs.c: `ports/<portid>/` with the `addr_*` and `param_*` attributes, the
 * `subsystems/` links that enable the port, `referrals/` and `ana_groups/`.
 */
import { EACCES, EEXIST, EINVAL } from "@p2pdma/pci-core";
import type { Nvmet } from "./core";
import type { CfsAttr, CfsGroup, CfsType } from "./configfs";
import { CfsGroup as Group } from "./configfs";
import { portDiscChanged, referralDisable, referralEnable } from "./discovery";
import { kstrtobool, kstrtoint, kstrtou, scanToken, sysfsStreq } from "./kstr";
import { NVMET_MAX_ANAGRPS, NvmetPort } from "./nvmet";
import type { NvmetSubsys } from "./nvmet";
import {
  NVME_ANA,
  NVME_TREQ_SECURE_CHANNEL_MASK,
  NVMF_ADDR_FAMILY,
  NVMF_RDMA_CMS_RDMA_CM,
  NVMF_RDMA_PRTYPE_NOT_SPECIFIED,
  NVMF_RDMA_QPTYPE,
  NVMF_TCP_SECTYPE,
  NVMF_TRADDR_SIZE,
  NVMF_TREQ,
  NVMF_TRSVCID_SIZE,
  NVMF_TRTYPE,
} from "./spec/nvme";

/** `nvmet_transport[]`. */
export const TRTYPE_NAMES: readonly (readonly [number, string])[] = [
  [NVMF_TRTYPE.RDMA, "rdma"], [NVMF_TRTYPE.FC, "fc"], [NVMF_TRTYPE.TCP, "tcp"], [NVMF_TRTYPE.LOOP, "loop"],
];
/** `nvmet_addr_family[]` (index 0, `pcie`, is never shown nor accepted). */
const ADRFAM_NAMES: readonly (readonly [number, string])[] = [
  [NVMF_ADDR_FAMILY.PCI, "pcie"], [NVMF_ADDR_FAMILY.IP4, "ipv4"], [NVMF_ADDR_FAMILY.IP6, "ipv6"],
  [NVMF_ADDR_FAMILY.IB, "ib"], [NVMF_ADDR_FAMILY.FC, "fc"], [NVMF_ADDR_FAMILY.LOOP, "loop"],
];
const TREQ_NAMES: readonly (readonly [number, string])[] = [
  [NVMF_TREQ.NOT_SPECIFIED, "not specified"], [NVMF_TREQ.REQUIRED, "required"], [NVMF_TREQ.NOT_REQUIRED, "not required"],
];
const ANA_NAMES: readonly (readonly [number, string])[] = [
  [NVME_ANA.OPTIMIZED, "optimized"], [NVME_ANA.NONOPTIMIZED, "non-optimized"], [NVME_ANA.INACCESSIBLE, "inaccessible"],
  [NVME_ANA.PERSISTENT_LOSS, "persistent-loss"], [NVME_ANA.CHANGE, "change"],
];

function enabledCheck(t: Nvmet, p: NvmetPort, caller: string): boolean {
  if (p.enabled) t.pr("err", `Disable port '${p.discAddr.portid}' before changing attribute in ${caller}`);
  return p.enabled;
}

/** The address attributes shared by ports and referrals. */
function addrAttrs(t: Nvmet, p: NvmetPort): Record<string, CfsAttr> {
  const a = p.discAddr;
  return {
    addr_adrfam: {
      show: () => `${ADRFAM_NAMES.slice(1).find(([v]) => v === a.adrfam)?.[1] ?? ""}\n`,
      store: (page) => {
        if (enabledCheck(t, p, "nvmet_addr_adrfam_store")) return -EACCES;
        const f = ADRFAM_NAMES.slice(1).find(([, n]) => sysfsStreq(page, n));
        if (!f) {
          t.pr("err", `Invalid value '${page}' for adrfam`);
          return -EINVAL;
        }
        a.adrfam = f[0];
        return page.length;
      },
    },
    addr_treq: {
      show: () => `${TREQ_NAMES.find(([v]) => v === (a.treq & NVME_TREQ_SECURE_CHANNEL_MASK))?.[1] ?? ""}\n`,
      store: (page) => {
        if (enabledCheck(t, p, "nvmet_addr_treq_store")) return -EACCES;
        const f = TREQ_NAMES.find(([, n]) => sysfsStreq(page, n));
        if (!f) {
          t.pr("err", `Invalid value '${page}' for treq`);
          return -EINVAL;
        }
        a.treq = (a.treq & ~NVME_TREQ_SECURE_CHANNEL_MASK) | f[0];
        return page.length;
      },
    },
    addr_traddr: {
      show: () => `${a.traddr}\n`,
      store: (page) => {
        if (page.length > NVMF_TRADDR_SIZE) {
          t.pr("err", `Invalid value '${page}' for traddr`);
          return -EINVAL;
        }
        if (enabledCheck(t, p, "nvmet_addr_traddr_store")) return -EACCES;
        const tok = scanToken(page);
        if (tok === null) return -EINVAL;
        a.traddr = tok;
        return page.length;
      },
    },
    addr_trsvcid: {
      show: () => `${a.trsvcid}\n`,
      store: (page) => {
        if (page.length > NVMF_TRSVCID_SIZE) {
          t.pr("err", `Invalid value '${page}' for trsvcid`);
          return -EINVAL;
        }
        if (enabledCheck(t, p, "nvmet_addr_trsvcid_store")) return -EACCES;
        const tok = scanToken(page);
        if (tok === null) return -EINVAL;
        a.trsvcid = tok;
        return page.length;
      },
    },
    addr_trtype: {
      show: () => `${TRTYPE_NAMES.find(([v]) => v === a.trtype)?.[1] ?? ""}\n`,
      store: (page) => {
        if (enabledCheck(t, p, "nvmet_addr_trtype_store")) return -EACCES;
        const f = TRTYPE_NAMES.find(([, n]) => sysfsStreq(page, n));
        if (!f) {
          t.pr("err", `Invalid value '${page}' for trtype`);
          return -EINVAL;
        }
        a.tsas = { qptype: 0, prtype: 0, cms: 0, sectype: 0 };
        a.trtype = f[0];
        if (f[0] === NVMF_TRTYPE.RDMA) a.tsas = { qptype: NVMF_RDMA_QPTYPE.CONNECTED, prtype: NVMF_RDMA_PRTYPE_NOT_SPECIFIED, cms: NVMF_RDMA_CMS_RDMA_CM, sectype: 0 };
        else if (f[0] === NVMF_TRTYPE.TCP) a.tsas.sectype = NVMF_TCP_SECTYPE.NONE;
        return page.length;
      },
    },
  };
}

function portAttrs(t: Nvmet, p: NvmetPort): Record<string, CfsAttr> {
  const a = p.discAddr;
  return {
    ...addrAttrs(t, p),
    addr_tsas: {
      show: () => {
        if (a.trtype === NVMF_TRTYPE.TCP) return a.tsas.sectype === NVMF_TCP_SECTYPE.NONE ? "none\n" : a.tsas.sectype === NVMF_TCP_SECTYPE.TLS13 ? "tls1.3\n" : "\n";
        if (a.trtype === NVMF_TRTYPE.RDMA) return a.tsas.qptype === NVMF_RDMA_QPTYPE.CONNECTED ? "connected\n" : a.tsas.qptype === NVMF_RDMA_QPTYPE.DATAGRAM ? "datagram\n" : "\n";
        return "\n";
      },
      store: (page) => {
        if (enabledCheck(t, p, "nvmet_addr_tsas_store")) return -EACCES;
        if (a.trtype === NVMF_TRTYPE.RDMA) {
          const q = sysfsStreq(page, "connected") ? NVMF_RDMA_QPTYPE.CONNECTED : sysfsStreq(page, "datagram") ? NVMF_RDMA_QPTYPE.DATAGRAM : -1;
          if (q === a.tsas.qptype) return page.length;
        } else if (a.trtype === NVMF_TRTYPE.TCP) {
          if (sysfsStreq(page, "none")) {
            a.tsas.sectype = NVMF_TCP_SECTYPE.NONE;
            a.treq = (a.treq & ~NVME_TREQ_SECURE_CHANNEL_MASK) | NVMF_TREQ.NOT_SPECIFIED;
            return page.length;
          }
          if (sysfsStreq(page, "tls1.3")) {
            t.pr("err", "TLS is not supported");
            return -EINVAL;
          }
        }
        t.pr("err", `Invalid value '${page}' for tsas`);
        return -EINVAL;
      },
    },
    param_inline_data_size: {
      show: () => `${p.inlineDataSize}\n`,
      store: (page) => {
        if (enabledCheck(t, p, "nvmet_param_inline_data_size_store")) return -EACCES;
        const r = kstrtoint(page);
        if ("errno" in r) {
          t.pr("err", `Invalid value '${page}' for inline_data_size`);
          return -EINVAL;
        }
        p.inlineDataSize = r.value;
        return page.length;
      },
    },
    param_max_queue_size: {
      show: () => `${p.maxQueueSize}\n`,
      store: (page) => {
        if (enabledCheck(t, p, "nvmet_param_max_queue_size_store")) return -EACCES;
        const r = kstrtoint(page);
        if ("errno" in r) {
          t.pr("err", `Invalid value '${page}' for max_queue_size`);
          return -EINVAL;
        }
        p.maxQueueSize = r.value;
        return page.length;
      },
    },
    param_pi_enable: {
      show: () => `${p.piEnable ? 1 : 0}\n`,
      store: (page) => {
        const v = kstrtobool(page);
        if (v === null) return -EINVAL;
        if (enabledCheck(t, p, "nvmet_param_pi_enable_store")) return -EACCES;
        p.piEnable = v;
        return page.length;
      },
    },
  };
}

/** `nvmet_port_subsys_type`: linking the first subsystem enables the port. */
function portSubsysType(t: Nvmet, port: NvmetPort): CfsType {
  return {
    kind: "port_subsystems",
    allowLink: (_parent, target) => {
      if (target.type.kind !== "subsys") {
        t.pr("err", "can only link subsystems into the subsystems dir.!");
        return -EINVAL;
      }
      const s = target.obj as NvmetSubsys;
      if (port.subsystems.includes(s)) return -EEXIST;
      if (port.subsystems.length === 0) {
        const r = t.enablePort(port);
        if (r) return r;
      }
      port.subsystems.push(s);
      portDiscChanged(t, port, s);
      return 0;
    },
    dropLink: (_parent, target) => {
      const s = target.obj as NvmetSubsys;
      const i = port.subsystems.indexOf(s);
      if (i < 0) return;
      port.subsystems.splice(i, 1);
      t.portDelCtrls(port, s);
      portDiscChanged(t, port, s);
      if (port.subsystems.length === 0) t.disablePort(port);
    },
  };
}

function referralType(t: Nvmet, parent: NvmetPort): CfsType {
  return {
    kind: "referral",
    attrs: (g) => {
      const r = g.obj as NvmetPort;
      return {
        ...addrAttrs(t, r),
        addr_portid: {
          show: () => `${r.discAddr.portid}\n`,
          store: (page) => {
            const v = kstrtou(page, 16);
            if ("errno" in v) {
              t.pr("err", `Invalid value '${page}' for portid`);
              return -EINVAL;
            }
            if (enabledCheck(t, r, "nvmet_addr_portid_store")) return -EACCES;
            r.discAddr.portid = v.value;
            return page.length;
          },
        },
        enable: {
          show: () => `${r.enabled ? 1 : 0}\n`,
          store: (page) => {
            const v = kstrtobool(page);
            if (v === null) {
              t.pr("err", `Invalid value '${page}' for enable`);
              return -EINVAL;
            }
            if (v) referralEnable(t, parent, r);
            else referralDisable(t, parent, r);
            return page.length;
          },
        },
      };
    },
    disconnect: (g) => referralDisable(t, parent, g.obj as NvmetPort),
  };
}

function anaGroupType(t: Nvmet, port: NvmetPort): CfsType {
  return {
    kind: "ana_group",
    attrs: (g) => {
      const grpid = g.obj as number;
      return {
        ana_state: {
          show: () => `${ANA_NAMES.find(([v]) => v === port.anaState[grpid])?.[1] ?? ""}\n`,
          store: (page) => {
            const f = ANA_NAMES.find(([, n]) => sysfsStreq(page, n));
            if (!f) {
              t.pr("err", `Invalid value '${page}' for ana_state`);
              return -EINVAL;
            }
            port.anaState[grpid] = f[0];
            t.anaChgcnt++;
            t.portSendAnaEvent(port);
            return page.length;
          },
        },
      };
    },
    release: (g) => {
      const grpid = g.obj as number;
      if (grpid === 1) return;
      port.anaState[grpid] = NVME_ANA.INACCESSIBLE;
      t.anaGroupEnabled[grpid]!--;
      port.anaGroups.delete(grpid);
      t.portSendAnaEvent(port);
    },
  };
}

/** `nvmet_port_type`. */
function portType(t: Nvmet): CfsType {
  return {
    kind: "port",
    attrs: (g) => portAttrs(t, g.obj as NvmetPort),
    release: (g) => {
      const i = t.ports.indexOf(g.obj as NvmetPort);
      if (i >= 0) t.ports.splice(i, 1);
    },
  };
}

/** `nvmet_ports_type`: `mkdir ports/<portid>`. */
export function portsType(t: Nvmet): CfsType {
  return {
    kind: "ports",
    makeGroup: (parent: CfsGroup, name: string) => {
      const id = kstrtou(name, 16);
      if ("errno" in id) return -EINVAL;
      const port = new NvmetPort(id.value);
      t.ports.unshift(port);
      const g = new Group(name, portType(t), parent, false, port);
      g.addDefault("subsystems", portSubsysType(t, port));
      g.addDefault("referrals", {
        kind: "referrals",
        makeGroup: (rp, rname) => new Group(rname, referralType(t, port), rp, false, new NvmetPort(0, true)),
      });
      const ana = g.addDefault("ana_groups", {
        kind: "ana_groups",
        makeGroup: (ap, aname) => {
          const r = kstrtou(aname, 32);
          if ("errno" in r) return r.errno;
          if (r.value <= 1 || r.value > NVMET_MAX_ANAGRPS) return -EINVAL;
          t.anaGroupEnabled[r.value]!++;
          port.anaGroups.add(r.value);
          t.portSendAnaEvent(port);
          return new Group(aname, anaGroupType(t, port), ap, false, r.value);
        },
      });
      ana.addDefault("1", anaGroupType(t, port), 1);
      return g;
    },
  };
}
