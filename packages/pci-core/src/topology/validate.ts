/**
 * Structural rules of a topology, checked on the spec (parsed or generated) before anything is
 * built: unique labels, host-bridge bus ranges and windows, where each kind of device may sit,
 * free slots, BAR layouts firmware can size (power-of-two sizes of at least 16 bytes, a 64-bit
 * BAR taking two registers), PCIe-only features on conventional functions, SR-IOV limits
 * (NumVFs <= TotalVFs, VF BARs of at least a page as `sriov_init` requires).
 */
import type {
  BarSpec,
  FunctionSpec,
  HostBridgeSpec,
  NodeSpec,
  TopologySpec,
} from "./schema";
import type { BusKind } from "./slots";
import { LINK_SPEEDS, LINK_WIDTHS } from "./schema";
import { specError } from "./errors";
import { placeOnBus } from "./slots";
import { formatSize, isPowerOfTwo } from "./units";

const FOUR_G = 1n << 32n;
const PAGE = 4096n;

interface Ctx {
  readonly labels: Map<string, string>;
}

function checkLabel(ctx: Ctx, obj: object, label: string | undefined, path: string): void {
  if (label === undefined) return;
  const prev = ctx.labels.get(label);
  if (prev !== undefined) throw specError(obj, "label", `${path}.label`, `label "${label}" is already used by ${prev}`);
  ctx.labels.set(label, path);
}

/** Checks one BAR list. `maxIndex` is 5 for type 0 headers and 1 for bridges. */
function checkBars(bars: readonly BarSpec[], path: string, maxIndex: number, minSize: bigint, what: string, minWhy: string): void {
  const taken = new Map<number, number>();
  bars.forEach((bar, i) => {
    const p = `${path}[${i}]`;
    if (bar.index > maxIndex) {
      throw specError(bar, "index", `${p}.index`, `${what} has BARs 0-${maxIndex}, not ${bar.index}`);
    }
    const is64 = bar.bits === 64;
    if (is64 && bar.index === maxIndex) {
      throw specError(bar, "index", `${p}.index`, `a 64-bit BAR takes two registers; BAR ${bar.index} is the last one`);
    }
    for (const reg of is64 ? [bar.index, bar.index + 1] : [bar.index]) {
      const other = taken.get(reg);
      if (other !== undefined) {
        throw specError(bar, "index", `${p}.index`, `BAR register ${reg} is already used by ${path}[${other}]`);
      }
      taken.set(reg, i);
    }
    if (!isPowerOfTwo(bar.size)) throw specError(bar, "size", `${p}.size`, `a BAR size must be a power of two, not ${bar.size}`);
    if (bar.size < minSize) throw specError(bar, "size", `${p}.size`, `${formatSize(bar.size)} is below ${minWhy}`);
    if (!is64 && bar.size > 1n << 31n) throw specError(bar, "size", `${p}.size`, `a 32-bit BAR decodes at most 2G; use bits: 64 for ${formatSize(bar.size)}`);
    if (is64 && bar.size > 1n << 63n) throw specError(bar, "size", `${p}.size`, `${formatSize(bar.size)} is beyond what a 64-bit BAR decodes`);
  });
}

interface FnRole {
  readonly what: string;
  readonly bridge: boolean;
  readonly conventional: boolean;
  readonly hasLink: boolean;
  readonly mayHaveSriov: boolean;
}

function checkFunction(ctx: Ctx, f: FunctionSpec, path: string, role: FnRole, needIds: boolean): void {
  if (needIds) {
    if (f.vendor === undefined) throw specError(f, null, path, `missing "vendor" (${role.what} vendor id)`);
    if (f.device === undefined) throw specError(f, null, path, `missing "device" (${role.what} device id)`);
  }
  if (f.vendor === 0xffff) throw specError(f, "vendor", `${path}.vendor`, "vendor 0xffff means \"no device\" on PCI; use a real vendor id");
  checkLabel(ctx, f, f.label, path);
  if (f.bars) checkBars(f.bars, `${path}.bars`, role.bridge ? 1 : 5, 16n, role.what, "the smallest memory BAR (16 bytes)");
  if (f.link) {
    const l = f.link;
    const p = `${path}.link`;
    if (!role.hasLink) {
      throw specError(f, "link", p, role.conventional ? "a conventional PCI function has no PCIe link" : `${role.what} has no link (it is integrated in the root complex)`);
    }
    if (!(LINK_WIDTHS as readonly number[]).includes(l.width)) throw specError(l, "width", `${p}.width`, `x${l.width} is not a PCIe link width (${LINK_WIDTHS.join(", ")})`);
    if (l.maxWidth !== undefined && !(LINK_WIDTHS as readonly number[]).includes(l.maxWidth)) {
      throw specError(l, "maxWidth", `${p}.maxWidth`, `x${l.maxWidth} is not a PCIe link width (${LINK_WIDTHS.join(", ")})`);
    }
    if (l.maxSpeed !== undefined && LINK_SPEEDS.indexOf(l.speed) > LINK_SPEEDS.indexOf(l.maxSpeed)) {
      throw specError(l, "speed", `${p}.speed`, `current speed ${l.speed} GT/s is above the maximum ${l.maxSpeed} GT/s`);
    }
    if (l.maxWidth !== undefined && l.width > l.maxWidth) {
      throw specError(l, "width", `${p}.width`, `current width x${l.width} is above the maximum x${l.maxWidth}`);
    }
  }
  if (f.acs) {
    if (role.conventional) throw specError(f, "acs", `${path}.acs`, "ACS is a PCIe extended capability; a conventional PCI function cannot have it");
    const extra = f.acs.ctl & ~(f.acs.cap & 0x7f);
    if (extra) {
      throw specError(f.acs, "ctl", `${path}.acs.ctl`, `control bits 0x${extra.toString(16)} are not in the capability (0x${f.acs.cap.toString(16)}); unimplemented controls read as 0`);
    }
  }
  if (f.sriov) {
    const s = f.sriov;
    const p = `${path}.sriov`;
    if (!role.mayHaveSriov) throw specError(f, "sriov", p, `${role.what} cannot be an SR-IOV PF (only PCIe endpoints can)`);
    if ((s.numVFs ?? 0) > s.totalVFs) throw specError(s, "numVFs", `${p}.numVFs`, `${s.numVFs} VFs is above TotalVFs (${s.totalVFs})`);
    if (s.bars) checkBars(s.bars, `${p}.bars`, 5, PAGE, "an SR-IOV PF", "a page (4K): sriov_init refuses VF BARs smaller than the system page");
  }
}

function checkNodes(ctx: Ctx, nodes: readonly NodeSpec[], bus: BusKind, path: string, reserved: ReadonlySet<number>): void {
  const placed = placeOnBus(nodes, bus, path, reserved);
  for (const { node, index } of placed) {
    const p = `${path}[${index}]`;
    const conventional = bus === "conventional";
    switch (node.kind) {
      case "root-port":
        if (bus !== "root") throw specError(node, "kind", `${p}.kind`, "a root port sits on a root bus (directly below a host bridge)");
        checkFunction(ctx, node, p, { what: "a root port", bridge: true, conventional, hasLink: true, mayHaveSriov: false }, true);
        checkNodes(ctx, node.children ?? [], "link", `${p}.children`, new Set());
        break;
      case "switch": {
        if (bus !== "link") {
          throw specError(node, "kind", `${p}.kind`, "a switch hangs below a root port or a switch downstream port (its upstream port is the device at the other end of a link)");
        }
        checkFunction(ctx, node.upstream, `${p}.upstream`, { what: "a switch upstream port", bridge: true, conventional: false, hasLink: true, mayHaveSriov: false }, true);
        if (node.downstream.length === 0) throw specError(node, "downstream", `${p}.downstream`, "a switch needs at least one downstream port");
        const ports = placeOnBus(node.downstream, "switch-internal", `${p}.downstream`);
        for (const dp of ports) {
          const dpPath = `${p}.downstream[${dp.index}]`;
          checkFunction(ctx, dp.node, dpPath, { what: "a switch downstream port", bridge: true, conventional: false, hasLink: true, mayHaveSriov: false }, false);
          checkNodes(ctx, dp.node.children ?? [], "link", `${dpPath}.children`, new Set());
        }
        break;
      }
      case "pci-bridge":
        checkFunction(ctx, node, p, { what: "a PCI bridge", bridge: true, conventional, hasLink: !conventional, mayHaveSriov: false }, true);
        checkNodes(ctx, node.children ?? [], "conventional", `${p}.children`, new Set());
        break;
      case "rc-endpoint":
        if (bus !== "root") throw specError(node, "kind", `${p}.kind`, "a root-complex integrated endpoint sits on a root bus; below a port use kind: endpoint");
        checkFunction(ctx, node, p, { what: "an RC-integrated endpoint", bridge: false, conventional: false, hasLink: false, mayHaveSriov: true }, true);
        break;
      case "endpoint":
        if (bus === "root") throw specError(node, "kind", `${p}.kind`, "an endpoint on a root bus is root-complex integrated: use kind: rc-endpoint (or put it below a root port)");
        if (bus === "switch-internal") throw specError(node, "kind", `${p}.kind`, "only downstream ports sit on a switch's internal bus");
        checkFunction(ctx, node, p, { what: conventional ? "a conventional PCI function" : "an endpoint", bridge: false, conventional, hasLink: !conventional, mayHaveSriov: !conventional }, true);
        break;
      default: {
        const k: never = node;
        throw specError(k, "kind", `${p}.kind`, "unknown kind");
      }
    }
  }
}

function checkHostBridges(hbs: readonly HostBridgeSpec[], spec: TopologySpec): void {
  if (hbs.length === 0) throw specError(spec, "hostBridges", "hostBridges", "a topology needs at least one host bridge");
  const windows: { base: bigint; end: bigint; path: string }[] = [];
  hbs.forEach((hb, i) => {
    const p = `hostBridges[${i}]`;
    const root = hb.rootBus ?? 0;
    const end = hb.busEnd ?? 0xff;
    if (end < root) throw specError(hb, "busEnd", `${p}.busEnd`, `bus range ends (${end}) before the root bus (${root})`);
    hbs.forEach((other, j) => {
      if (j >= i || (other.domain ?? 0) !== (hb.domain ?? 0)) return;
      const oRoot = other.rootBus ?? 0;
      const oEnd = other.busEnd ?? 0xff;
      if (root <= oEnd && oRoot <= end) {
        throw specError(hb, "rootBus", `${p}.rootBus`, `buses ${hex2(root)}-${hex2(end)} of domain ${hb.domain ?? 0} overlap hostBridges[${j}] (${hex2(oRoot)}-${hex2(oEnd)}); set busEnd on the first one`);
      }
    });
    if ((hb.busOffset ?? 0n) !== 0n && hb.memoryWindows === undefined) {
      throw specError(hb, "busOffset", `${p}.busOffset`, "a host bridge with a bus offset needs explicit memoryWindows (CPU addresses)");
    }
    (hb.memoryWindows ?? []).forEach((w, k) => {
      const wp = `${p}.memoryWindows[${k}]`;
      if (w.size === 0n) throw specError(w, "size", `${wp}.size`, "a window cannot be empty");
      const wEnd = w.base + w.size - 1n;
      if (wEnd >= 1n << 64n) throw specError(w, "size", `${wp}.size`, "the window runs past the end of the 64-bit address space");
      const bus = w.base + (hb.busOffset ?? 0n);
      if (bus < 0n || bus + w.size - 1n >= 1n << 64n) throw specError(w, "base", `${wp}.base`, "the window's bus addresses (CPU + busOffset) fall outside 64 bits");
      if (bus < FOUR_G && bus + w.size > FOUR_G) throw specError(w, "size", `${wp}.size`, "a window must lie entirely below or entirely above 4G (bus addresses)");
      for (const o of windows) {
        if (w.base <= o.end && o.base <= wEnd) throw specError(w, "base", `${wp}.base`, `the window overlaps ${o.path}`);
      }
      windows.push({ base: w.base, end: wEnd, path: wp });
    });
  });
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

/**
 * Checks the structural rules of a topology spec. Throws {@link TopologySpecError} pointing at
 * the offending place (with line and column when the spec came from a file).
 */
export function validateTopology(spec: TopologySpec): void {
  const ctx: Ctx = { labels: new Map() };
  checkHostBridges(spec.hostBridges, spec);
  spec.hostBridges.forEach((hb, i) => {
    const p = `hostBridges[${i}]`;
    const reserved = new Set<number>();
    if (hb.hostFunction) {
      checkLabel(ctx, hb.hostFunction, hb.hostFunction.label, `${p}.hostFunction`);
      reserved.add(0);
    }
    checkNodes(ctx, hb.children ?? [], "root", `${p}.children`, reserved);
  });
}
