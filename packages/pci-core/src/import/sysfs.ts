/**
 * Importer for a snapshot of `/sys/bus/pci/devices` (drivers/pci/pci-sysfs.c attribute
 * formats), as a pure function over a {@link VirtualTree}: the tree may be the devices
 * directory itself or a sysfs root holding `bus/pci/devices` (and `devices/`), possibly under
 * a leading directory as tar archives have.
 *
 * Each `<bdf>` entry is normally a symlink into `devices/pciDDDD:BB/.../<bdf>`; that path
 * gives the parent chain (the previous segment is the upstream bridge, or the root bus). An
 * entry that is a plain directory (a dereferenced copy) gives no parent.
 *
 * Read per function: vendor, device, subsystem_vendor, subsystem_device, class, revision,
 * config (64 bytes without root: capabilities then stay unknown), resource, numa_node, irq,
 * local_cpulist, current/max link speed and width, and the driver, physfn and iommu_group links.
 */
import { parseBdf } from "../bdf";
import { factsFromConfig } from "./config-facts";
import type { BarFacts, FunctionFacts, HostBridgeFacts, LinkFacts, MachineFacts } from "./facts";
import { CaptureParseError } from "./facts";
import type { VirtualTree } from "./virtual-tree";
import { realPath, resolveLink } from "./virtual-tree";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The attribute names the importer reads; a directory reader should read these only. */
export const SYSFS_ATTRIBUTES: readonly string[] = [
  "vendor",
  "device",
  "subsystem_vendor",
  "subsystem_device",
  "class",
  "revision",
  "config",
  "resource",
  "numa_node",
  "irq",
  "local_cpulist",
  "current_link_speed",
  "current_link_width",
  "max_link_speed",
  "max_link_width",
];

/** The symlink attributes the importer reads. */
export const SYSFS_LINKS: readonly string[] = ["driver", "physfn", "iommu_group"];

const BDF_NAME = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;
const ROOT_BUS = /^pci([0-9a-f]{4}):([0-9a-f]{2})$/;

/** IORESOURCE_* flag bits (include/linux/ioport.h) as `resource` prints them. */
const IORESOURCE_IO = 0x100;
const IORESOURCE_MEM = 0x200;
const IORESOURCE_PREFETCH = 0x2000;
const IORESOURCE_MEM_64 = 0x100000;
const IORESOURCE_DISABLED = 0x10000000;
const IORESOURCE_UNSET = 0x20000000;

/** The directories whose children are PCI function names, with those names. */
function deviceDirs(tree: VirtualTree): Map<string, Set<string>> {
  const dirs = new Map<string, Set<string>>();
  for (const path of tree.keys()) {
    const segs = path.split("/");
    for (let i = 0; i < segs.length; i++) {
      if (!BDF_NAME.test(segs[i]!)) continue;
      const parentName = i > 0 ? segs[i - 1]! : "";
      // Device directories nest under devices/pciDDDD:BB/...: those parents are not listings.
      if (BDF_NAME.test(parentName) || ROOT_BUS.test(parentName)) continue;
      const dir = segs.slice(0, i).join("/");
      let set = dirs.get(dir);
      if (!set) dirs.set(dir, (set = new Set()));
      set.add(segs[i]!);
    }
  }
  return dirs;
}

/** Finds the devices directory: prefer one ending in `bus/pci/devices`, then the shortest path. */
export function findDevicesDir(tree: VirtualTree): string | null {
  const rank = (d: string): [number, number] => [d === "bus/pci/devices" || d.endsWith("/bus/pci/devices") ? 0 : 1, d.length];
  let best: string | null = null;
  for (const dir of deviceDirs(tree).keys()) {
    if (best === null) {
      best = dir;
      continue;
    }
    const [a, b] = [rank(dir), rank(best)];
    if (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])) best = dir;
  }
  return best;
}

/**
 * Imports a sysfs snapshot. Throws {@link CaptureParseError} naming `<bdf>/<attribute>` (and
 * the line for `resource`) when an attribute does not hold what the kernel prints.
 */
export function importSysfsTree(source: string, tree: VirtualTree, format: "sysfs-dir" | "sysfs-tar" = "sysfs-dir"): MachineFacts {
  const devicesDir = findDevicesDir(tree);
  if (devicesDir === null) throw new CaptureParseError(source, "/", "no directory of PCI functions (bus/pci/devices/DDDD:BB:DD.F) found");
  const prefix = devicesDir === "" ? "" : `${devicesDir}/`;
  const names = [...(deviceDirs(tree).get(devicesDir) ?? [])].sort();
  const functions: FunctionFacts[] = [];
  const roots = new Map<string, HostBridgeFacts>();
  for (const bdf of names) {
    const entryPath = `${prefix}${bdf}`;
    const node = tree.get(entryPath) ?? { type: "dir" as const };
    const f: Mutable<FunctionFacts> = { bdf };
    const real = node.type === "symlink" ? resolveLink(entryPath, node.target) : entryPath;
    if (node.type === "symlink") {
      const parts = real.split("/");
      const up = parts[parts.length - 2];
      if (up !== undefined && BDF_NAME.test(up)) f.parent = up;
      else if (up !== undefined && ROOT_BUS.test(up)) {
        f.parent = null;
        const m = ROOT_BUS.exec(up)!;
        roots.set(up, { domain: Number.parseInt(m[1]!, 16), rootBus: Number.parseInt(m[2]!, 16) });
      }
    }
    const dir = realPath(tree, real) ?? real;
    readAttributes(source, tree, dir, bdf, f);
    functions.push(f);
  }
  return {
    functions,
    hostBridges: [...roots.values()].sort((a, b) => a.domain - b.domain || a.rootBus - b.rootBus),
    sources: [{ name: source, format }],
  };
}

function text(tree: VirtualTree, path: string): string | undefined {
  const n = tree.get(realPath(tree, path) ?? path);
  return n?.type === "file" ? new TextDecoder("utf-8").decode(n.data).trim() : undefined;
}

function readAttributes(source: string, tree: VirtualTree, dir: string, bdf: string, f: Mutable<FunctionFacts>): void {
  const bad = (attr: string, problem: string): never => {
    throw new CaptureParseError(source, `${bdf}/${attr}`, problem);
  };
  const hexAttr = (attr: string, max: number): number | undefined => {
    const t = text(tree, `${dir}/${attr}`);
    if (t === undefined) return undefined;
    if (!/^0x[0-9a-fA-F]+$/.test(t)) bad(attr, `expected a 0x-prefixed hex number, found ${JSON.stringify(t.slice(0, 30))}`);
    const v = Number.parseInt(t.slice(2), 16);
    if (v > max) bad(attr, `value ${t} is out of range`);
    return v;
  };
  const decAttr = (attr: string): number | undefined => {
    const t = text(tree, `${dir}/${attr}`);
    if (t === undefined) return undefined;
    if (!/^-?\d+$/.test(t)) bad(attr, `expected a decimal number, found ${JSON.stringify(t.slice(0, 30))}`);
    return Number.parseInt(t, 10);
  };
  const configNode = tree.get(realPath(tree, `${dir}/config`) ?? "");
  if (configNode?.type === "file") {
    const bytes = configNode.data;
    if (bytes.length < 64) bad("config", `holds ${bytes.length} bytes; at least 64 expected`);
    if (bytes.length > 4096) bad("config", `holds ${bytes.length} bytes; at most 4096 expected`);
    const c = factsFromConfig(bytes);
    Object.assign(f, c, { config: bytes.slice() });
  }
  const set = <K extends keyof FunctionFacts>(key: K, value: FunctionFacts[K] | undefined): void => {
    if (value !== undefined) f[key] = value;
  };
  set("vendor", hexAttr("vendor", 0xffff));
  set("device", hexAttr("device", 0xffff));
  set("subsystemVendor", hexAttr("subsystem_vendor", 0xffff));
  set("subsystemDevice", hexAttr("subsystem_device", 0xffff));
  set("classCode", hexAttr("class", 0xffffff));
  set("revision", hexAttr("revision", 0xff));
  set("numaNode", decAttr("numa_node"));
  set("irq", decAttr("irq"));
  set("localCpulist", text(tree, `${dir}/local_cpulist`));
  const link: Mutable<LinkFacts> = { ...(f.link ?? {}) };
  const speed = (attr: string): number | undefined => {
    const t = text(tree, `${dir}/${attr}`);
    if (t === undefined) return undefined;
    const m = /^(\d+(?:\.\d+)?) GT\/s/.exec(t);
    if (m) return Number(m[1]);
    if (/^Unknown/.test(t)) return undefined;
    return bad(attr, `expected "N GT/s", found ${JSON.stringify(t.slice(0, 30))}`);
  };
  const cs = speed("current_link_speed");
  const ms = speed("max_link_speed");
  const cw = decAttr("current_link_width");
  const mw = decAttr("max_link_width");
  if (cs !== undefined) link.speedGTs = cs;
  if (ms !== undefined) link.maxSpeedGTs = ms;
  if (cw !== undefined) link.width = cw;
  if (mw !== undefined) link.maxWidth = mw;
  if (Object.keys(link).length > 0) f.link = link;
  const res = text(tree, `${dir}/resource`);
  if (res !== undefined) f.bars = parseResource(source, bdf, res);
  for (const name of SYSFS_LINKS) {
    const n = tree.get(`${dir}/${name}`);
    if (n?.type !== "symlink") continue;
    const base = n.target.split("/").filter((s) => s !== "").pop() ?? "";
    if (name === "driver") f.driver = base;
    else if (name === "physfn") {
      if (!parseBdf(base)) bad("physfn", `link target ${JSON.stringify(n.target)} does not end in a PCI function name`);
      f.physfn = base;
    } else {
      if (!/^\d+$/.test(base)) bad("iommu_group", `link target ${JSON.stringify(n.target)} does not end in a group number`);
      f.iommuGroup = Number(base);
    }
  }
}

/** Parses the `resource` attribute: `0x%016llx 0x%016llx 0x%016llx` (start end flags) per line. */
export function parseResource(source: string, bdf: string, textValue: string): BarFacts[] {
  const bars: BarFacts[] = [];
  const lines = textValue.split("\n");
  lines.forEach((line, i) => {
    const m = /^0x([0-9a-f]{1,16}) 0x([0-9a-f]{1,16}) 0x([0-9a-f]{1,16})$/.exec(line.trim());
    if (!m) throw new CaptureParseError(source, `${bdf}/resource line ${i + 1}`, `expected "0xSTART 0xEND 0xFLAGS", found ${JSON.stringify(line.slice(0, 60))}`);
    if (i > 6) return; // bridge windows and VF BARs follow the six BARs and the ROM
    const start = BigInt(`0x${m[1]}`);
    const end = BigInt(`0x${m[2]}`);
    const flags = Number(BigInt(`0x${m[3]}`) & 0xffffffffn);
    if (flags === 0 && start === 0n && end === 0n) return;
    const kind: BarFacts["kind"] =
      (flags & IORESOURCE_IO) !== 0 ? "io" : (flags & IORESOURCE_MEM_64) !== 0 ? "mem64" : (flags & IORESOURCE_MEM) !== 0 ? "mem32" : "mem-unknown";
    const bar: Mutable<BarFacts> = { index: i, kind };
    if (kind !== "io") bar.prefetchable = (flags & IORESOURCE_PREFETCH) !== 0;
    if ((flags & IORESOURCE_UNSET) === 0) bar.address = start;
    if (end >= start && end !== 0n) bar.size = end - start + 1n;
    if ((flags & IORESOURCE_DISABLED) !== 0) bar.disabled = true;
    bars.push(bar);
  });
  return bars;
}
