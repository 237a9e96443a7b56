/**
 * configfs.c: `subsystems/<nqn>/namespaces/<nsid>/` attributes, including `p2pmem`
 * (spec 6.2), present only when P2PDMA is compiled in.
 */
import { EBUSY, EINVAL } from "@p2pdma/pci-core";
import type { Nvmet } from "./core";
import type { CfsAttr, CfsType } from "./configfs";
import { formatUuid, kstrtobool, kstrtou, lineLength, uuidParse } from "./kstr";
import { NVMET_MAX_ANAGRPS } from "./nvmet";
import type { NvmetNs } from "./nvmet";

/** Models the nguid store loop: 16 hex pairs, each optionally followed by `-` or `:`. */
function parseNguid(page: string): Uint8Array | null {
  const out = new Uint8Array(16);
  let p = 0;
  for (let i = 0; i < 16; i++) {
    if (p + 2 > page.length) return null;
    if (!/[0-9a-fA-F]{2}/.test(page.slice(p, p + 2))) return null;
    out[i] = parseInt(page.slice(p, p + 2), 16);
    p += 2;
    if (page[p] === "-" || page[p] === ":") p++;
  }
  return out;
}

function nsAttrs(t: Nvmet, ns: NvmetNs): Record<string, CfsAttr> {
  const attrs: Record<string, CfsAttr> = {
    device_path: {
      show: () => `${ns.devicePath}\n`,
      store: (page) => {
        if (ns.enabled) return -EBUSY;
        const len = lineLength(page);
        if (!len) return -EINVAL;
        ns.devicePath = page.slice(0, len);
        return page.length;
      },
    },
    device_nguid: {
      show: () => `${formatUuid(ns.nguid)}\n`,
      store: (page) => {
        if (ns.enabled) return -EBUSY;
        const v = parseNguid(page);
        if (!v) return -EINVAL;
        ns.nguid.set(v);
        return page.length;
      },
    },
    device_uuid: {
      show: () => `${formatUuid(ns.uuid)}\n`,
      store: (page) => {
        if (ns.enabled) return -EBUSY;
        const v = uuidParse(page);
        if (!v) return -EINVAL;
        ns.uuid = v;
        return page.length;
      },
    },
    ana_grpid: {
      show: () => `${ns.anagrpid}\n`,
      store: (page) => {
        const r = kstrtou(page, 32);
        if ("errno" in r) return r.errno;
        if (r.value < 1 || r.value > NVMET_MAX_ANAGRPS) return -EINVAL;
        t.anaGroupEnabled[r.value]!++;
        t.anaGroupEnabled[ns.anagrpid]!--;
        ns.anagrpid = r.value;
        t.anaChgcnt++;
        t.sendAnaEvent(ns.subsys, null);
        return page.length;
      },
    },
    enable: {
      show: () => `${ns.enabled ? 1 : 0}\n`,
      store: (page) => {
        const v = kstrtobool(page);
        if (v === null) return -EINVAL;
        const ret = v ? t.nsEnable(ns) : (t.nsDisable(ns), 0);
        return ret ? ret : page.length;
      },
    },
    buffered_io: {
      show: () => `${ns.bufferedIo ? 1 : 0}\n`,
      store: (page) => {
        const v = kstrtobool(page);
        if (v === null) return -EINVAL;
        if (ns.enabled) {
          t.pr("err", "disable ns before setting buffered_io value.");
          return -EINVAL;
        }
        ns.bufferedIo = v;
        return page.length;
      },
    },
    revalidate_size: {
      store: (page) => {
        const v = kstrtobool(page);
        if (v === null || !v) return -EINVAL;
        if (!ns.enabled) {
          t.pr("err", "enable ns before revalidate.");
          return -EINVAL;
        }
        if (t.nsRevalidate(ns)) t.nsChanged(ns.subsys, ns.nsid);
        return page.length;
      },
    },
  };
  const p2p = t.p2p;
  if (p2p) {
    attrs["p2pmem"] = {
      show: () => p2p.enableShow(ns.p2pDev, ns.useP2pmem),
      store: (page) => {
        if (ns.enabled) return -EBUSY;
        const r = p2p.enableStore(page);
        t.log.append(...r.log);
        if (r.errno !== 0 || !("use" in r)) return r.errno;
        ns.useP2pmem = r.use;
        p2p.put(ns.p2pDev);
        ns.p2pDev = r.provider;
        return page.length;
      },
    };
  }
  return attrs;
}

/** `nvmet_ns_type`; rmdir frees the namespace (`nvmet_ns_release`). */
export function nsType(t: Nvmet): CfsType {
  return {
    kind: "ns",
    attrs: (g) => nsAttrs(t, g.obj as NvmetNs),
    release: (g) => {
      const ns = g.obj as NvmetNs;
      t.nsFree(ns);
      ns.subsys.nsItems.delete(g.name);
    },
  };
}
