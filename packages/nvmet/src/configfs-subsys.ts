/**
 * configfs.c: `subsystems/<nqn>` with its `attr_*` attributes, `allowed_hosts/` links and the
 * `namespaces/` group.
 */
import { EEXIST, EINVAL } from "@p2pdma/pci-core";
import type { Nvmet } from "./core";
import type { CfsAttr, CfsType } from "./configfs";
import { CfsGroup } from "./configfs";
import { nsType } from "./configfs-ns";
import { subsysDiscChanged } from "./discovery";
import { isNvmeAscii, kstrtobool, kstrtou, lineLength, scanHu, scanVersion, sysfsStreq } from "./kstr";
import { NVMET_FR_MAX_SIZE, NVMET_MN_MAX_SIZE, NVMET_NR_QUEUES, NVMET_SN_MAX_SIZE } from "./nvmet";
import type { NvmetHost, NvmetSubsys } from "./nvmet";
import { NVME_DISC_SUBSYS_NAME, NVME_NSID_ALL } from "./spec/nvme";

function verText(ver: number): string {
  const major = ver >>> 16;
  const minor = (ver >>> 8) & 0xff;
  const ter = ver & 0xff;
  return ter ? `${major}.${minor}.${ter}` : `${major}.${minor}`;
}

/** The `attr_*` attributes of a subsystem (`nvmet_subsys_attrs`). */
function subsysAttrs(t: Nvmet, s: NvmetSubsys): Record<string, CfsAttr> {
  return {
    attr_allow_any_host: {
      show: () => `${s.allowAnyHost ? 1 : 0}\n`,
      store: (page) => {
        const v = kstrtobool(page);
        if (v === null) return -EINVAL;
        if (v && s.hosts.length > 0) {
          t.pr("err", "Can't set allow_any_host when explicit hosts are set!");
          return -EINVAL;
        }
        if (s.allowAnyHost !== v) {
          s.allowAnyHost = v;
          subsysDiscChanged(t, s, null);
        }
        return page.length;
      },
    },
    attr_version: {
      show: () => `${verText(s.ver)}\n`,
      store: (page) => {
        if (s.subsysDiscovered) {
          t.pr("err", `Can't set version number. ${verText(s.ver)} is already assigned`);
          return -EINVAL;
        }
        const r = scanVersion(page);
        if (r.count !== 2 && r.count !== 3) return -EINVAL;
        const [ma, mi, te] = [r.values[0]!, r.values[1]!, r.values[2] ?? 0];
        s.ver = ((ma << 16) | (mi << 8) | te) >>> 0;
        return page.length;
      },
    },
    attr_serial: {
      show: () => `${s.serial.slice(0, NVMET_SN_MAX_SIZE)}\n`,
      store: (page) => {
        const len = lineLength(page);
        if (s.subsysDiscovered) {
          t.pr("err", `Can't set serial number. ${s.serial} is already assigned`);
          return -EINVAL;
        }
        if (!len || len > NVMET_SN_MAX_SIZE) {
          t.pr("err", `Serial Number can not be empty or exceed ${NVMET_SN_MAX_SIZE} Bytes`);
          return -EINVAL;
        }
        if (!isNvmeAscii(page.slice(0, len))) {
          t.pr("err", "Serial Number must contain only ASCII strings");
          return -EINVAL;
        }
        s.serial = page.slice(0, len).padEnd(NVMET_SN_MAX_SIZE, " ");
        return page.length;
      },
    },
    attr_cntlid_min: {
      show: () => `${s.cntlidMin}\n`,
      store: (page) => {
        const v = scanHu(page);
        if (v === null || v === 0 || v > s.cntlidMax) return -EINVAL;
        s.cntlidMin = v;
        return page.length;
      },
    },
    attr_cntlid_max: {
      show: () => `${s.cntlidMax}\n`,
      store: (page) => {
        const v = scanHu(page);
        if (v === null || v === 0 || v < s.cntlidMin) return -EINVAL;
        s.cntlidMax = v;
        return page.length;
      },
    },
    attr_model: {
      show: () => `${s.modelNumber}\n`,
      store: (page) => {
        if (s.subsysDiscovered) {
          t.pr("err", `Can't set model number. ${s.modelNumber} is already assigned`);
          return -EINVAL;
        }
        const len = lineLength(page);
        if (!len) return -EINVAL;
        if (len > NVMET_MN_MAX_SIZE) {
          t.pr("err", `Model number size can not exceed ${NVMET_MN_MAX_SIZE} Bytes`);
          return -EINVAL;
        }
        if (!isNvmeAscii(page.slice(0, len))) return -EINVAL;
        s.modelNumber = page.slice(0, len);
        return page.length;
      },
    },
    attr_qid_max: {
      show: () => `${s.maxQid}\n`,
      store: (page) => {
        const v = scanHu(page);
        if (v === null || v < 1 || v > NVMET_NR_QUEUES) return -EINVAL;
        s.maxQid = v;
        t.subsysDelCtrls(s);
        return page.length;
      },
    },
    attr_ieee_oui: {
      show: () => `0x${s.ieeeOui.toString(16).padStart(6, "0")}\n`,
      store: (page) => {
        if (s.subsysDiscovered) {
          t.pr("err", `Can't set IEEE OUI. 0x${s.ieeeOui.toString(16).padStart(6, "0")} is already assigned`);
          return -EINVAL;
        }
        const r = kstrtou(page, 32);
        if ("errno" in r) return r.errno;
        if (r.value >= 0x1000000) return -EINVAL;
        s.ieeeOui = r.value;
        return page.length;
      },
    },
    attr_firmware: {
      show: () => `${s.firmwareRev}\n`,
      store: (page) => {
        if (s.subsysDiscovered) {
          t.pr("err", `Can't set firmware revision. ${s.firmwareRev} is already assigned`);
          return -EINVAL;
        }
        const len = lineLength(page);
        if (!len) return -EINVAL;
        if (len > NVMET_FR_MAX_SIZE) {
          t.pr("err", `Firmware revision size can not exceed ${NVMET_FR_MAX_SIZE} Bytes`);
          return -EINVAL;
        }
        if (!isNvmeAscii(page.slice(0, len))) return -EINVAL;
        s.firmwareRev = page.slice(0, len);
        return page.length;
      },
    },
    attr_pi_enable: {
      show: () => `${s.piSupport ? 1 : 0}\n`,
      store: (page) => {
        const v = kstrtobool(page);
        if (v === null) return -EINVAL;
        s.piSupport = v;
        return page.length;
      },
    },
  };
}

/** `nvmet_allowed_hosts_type`: links to `hosts/<nqn>`. */
function allowedHostsType(t: Nvmet, s: NvmetSubsys): CfsType {
  return {
    kind: "allowed_hosts",
    allowLink: (_parent, target) => {
      if (target.type.kind !== "host") {
        t.pr("err", "can only link hosts into the allowed_hosts directory!");
        return -EINVAL;
      }
      const host = target.obj as NvmetHost;
      if (s.allowAnyHost) {
        t.pr("err", "can't add hosts when allow_any_host is set!");
        return -EINVAL;
      }
      if (s.hosts.some((h) => h.nqn === host.nqn)) return -EEXIST;
      s.hosts.push(host);
      subsysDiscChanged(t, s, host);
      return 0;
    },
    dropLink: (_parent, target) => {
      const host = target.obj as NvmetHost;
      const i = s.hosts.findIndex((h) => h.nqn === host.nqn);
      if (i < 0) return;
      s.hosts.splice(i, 1);
      subsysDiscChanged(t, s, host);
    },
  };
}

/** `nvmet_namespaces_type`: `mkdir namespaces/<nsid>`. */
function namespacesType(t: Nvmet, s: NvmetSubsys): CfsType {
  return {
    kind: "namespaces",
    makeGroup: (parent, name) => {
      const r = kstrtou(name, 32);
      if ("errno" in r) return r.errno;
      if (r.value === 0 || r.value === NVME_NSID_ALL) {
        t.pr("err", `invalid nsid ${r.value === 0 ? "0" : `0x${r.value.toString(16)}`}`);
        return -EINVAL;
      }
      const ns = t.nsAlloc(s, r.value);
      s.nsItems.set(name, ns);
      t.pr("info", `adding nsid ${r.value} to subsystem ${s.nqn}`);
      return new CfsGroup(name, nsType(t), parent, false, ns);
    },
  };
}

/** `nvmet_subsys_type`. */
export function subsysType(t: Nvmet): CfsType {
  return {
    kind: "subsys",
    attrs: (g) => subsysAttrs(t, g.obj as NvmetSubsys),
    release: (g) => {
      const s = g.obj as NvmetSubsys;
      t.subsysDelCtrls(s);
      t.subsystems.delete(g.name);
      s.removed = true;
    },
  };
}

/** `nvmet_subsystems_type`: `mkdir subsystems/<nqn>`. */
export function subsystemsType(t: Nvmet): CfsType {
  return {
    kind: "subsystems",
    makeGroup: (parent, name) => {
      if (sysfsStreq(name, NVME_DISC_SUBSYS_NAME)) {
        t.pr("err", "can't create discovery subsystem through configfs");
        return -EINVAL;
      }
      if (sysfsStreq(name, t.discSubsys.nqn)) {
        t.pr("err", "can't create subsystem using unique discovery NQN");
        return -EINVAL;
      }
      const s = t.subsysAlloc(name, "nvme");
      t.subsystems.set(name, s);
      const g = new CfsGroup(name, subsysType(t), parent, false, s);
      g.addDefault("namespaces", namespacesType(t, s));
      g.addDefault("allowed_hosts", allowedHostsType(t, s));
      return g;
    },
  };
}
