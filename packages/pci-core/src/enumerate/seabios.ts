/**
 * Memory address assignment the way SeaBIOS does it on a QEMU q35 machine (src/fw/pciinit.c,
 * `pci_bios_check_devices` and `pci_bios_map_devices`), the layout Linux then keeps:
 *
 * - every memory BAR becomes an entry of its bus's MEM or PREFMEM region (prefetchable BARs of
 *   either width go to PREFMEM), at least 4 KiB, aligned to its size; the BARs of all root
 *   buses share one root region;
 * - each region is a list kept sorted by alignment, then size, both descending; an entry goes
 *   after the entries equal to it, so ties keep creation order: BARs in probe order (bus by
 *   bus, devfn order, BAR order), then bridge windows by secondary bus number, highest first;
 * - a bridge's window needs the sum of its entries, aligned to the largest of their alignments
 *   and 2 MiB; an empty window of a port with a hot-plug slot (QEMU's root ports and x3130
 *   downstream ports) still gets 2 MiB, an empty one of any other bridge is closed;
 * - the root regions go top-down below the 32-bit PCI hole's end (0xfec00000): the one with
 *   the smaller alignment at the top, the other right below it, each base aligned down;
 *   when that does not fit above the hole's start (0xc0000000 on q35, after the ECAM), the
 *   64-bit entries move above 4 GiB (from 4 GiB, 1 GiB aligned: MEM first, then PREFMEM);
 * - inside a region the entries get addresses upward in list order, with no padding.
 *
 * The host bridge's windows are the ones QEMU's ACPI tables give q35: 0xc0000000-0xfebfffff
 * and 32 GiB from 4 GiB (widened when the 64-bit entries need more). SR-IOV VF BAR resources,
 * which SeaBIOS does not assign, are placed like BARs of their total size and per-VF alignment.
 */
import type { BridgeWindow, PlanHostBridge, PlanNode, SizedBar } from "./plan";
import type { MemoryWindowSpec } from "../topology/schema";
import { specError } from "../topology/errors";
import { alignUp, formatSize } from "../topology/units";
import { isBridgeRole } from "./device-config";

/** The constants of SeaBIOS's PCI allocation on QEMU q35. */
export const SEABIOS = {
  /** pcimem_start on q35: the end of the 256 MiB ECAM at 0xb0000000. */
  memStart: 0xc000_0000n,
  /** pcimem_end: the IOAPIC and what follows it stay out. */
  memEnd: 0xfec0_0000n,
  /** PCI_DEVICE_MEM_MIN: memory BARs take at least a page. */
  deviceMemMin: 0x1000n,
  /** PCI_BRIDGE_MEM_MIN: bridge memory windows (2 MiB, the huge-page size). */
  bridgeMemMin: 1n << 21n,
  /** Where the 64-bit entries go when the 32-bit hole is too small (no RAM above 4 GiB). */
  mem64Start: 1n << 32n,
  mem64Granule: 1n << 30n,
  /** QEMU q35's default 64-bit PCI hole (pci-hole64-size). */
  mem64Size: 32n << 30n,
} as const;

interface Entry {
  readonly size: bigint;
  readonly align: bigint;
  readonly is64: boolean;
  readonly place: (base: bigint) => void;
}

/** One region of a bus: the sorted list of what it holds. */
class Region {
  readonly entries: Entry[] = [];

  add(e: Entry): void {
    const at = this.entries.findIndex((p) => p.align < e.align || (p.align === e.align && p.size < e.size));
    if (at < 0) this.entries.push(e);
    else this.entries.splice(at, 0, e);
  }

  sum(): bigint {
    return this.entries.reduce((s, e) => s + e.size, 0n);
  }

  /** The first entry's alignment (the largest), 1 when empty. */
  align(): bigint {
    return this.entries[0]?.align ?? 1n;
  }

  map(base: bigint): void {
    let cur = base;
    for (const e of this.entries) {
      e.place(cur);
      cur += e.size;
    }
  }
}

interface BusRegions {
  readonly mem: Region;
  readonly pref: Region;
}

const alignDown = (v: bigint, a: bigint): bigint => v - (v % a);

/** Ports QEMU gives a hot-plug slot (PCIe Slot Implemented on a root or downstream port). */
const hasHotplugSlot = (n: PlanNode): boolean => n.role === "root-port" || n.role === "downstream-port";

/** Places the root MEM and PREFMEM regions top-down in the 32-bit hole; false if they do not fit. */
function initRootRegions(root: BusRegions): { mem: bigint; pref: bigint } | null {
  let end = root.pref;
  let start = root.mem;
  if (start.align() < end.align()) [start, end] = [end, start];
  const endBase = alignDown(SEABIOS.memEnd - end.sum(), end.align());
  const startBase = alignDown(endBase - start.sum(), start.align());
  if (startBase < SEABIOS.memStart || startBase > SEABIOS.memEnd) return null;
  return end === root.pref ? { pref: endBase, mem: startBase } : { mem: endBase, pref: startBase };
}

/**
 * Sizes and assigns every window and BAR below the host bridges of a q35 machine the way
 * SeaBIOS does (bus numbers must be assigned and BARs sized). Returns the host bridges' windows.
 */
export function assignSeabios(plans: readonly PlanHostBridge[]): MemoryWindowSpec[] {
  for (const hb of plans) {
    if (hb.spec.memoryWindows !== undefined) {
      throw specError(hb.spec, "memoryWindows", `${hb.path}.memoryWindows`, "firmware seabios places the windows itself (QEMU q35's); drop memoryWindows");
    }
  }
  const root: BusRegions = { mem: new Region(), pref: new Region() };
  const busRegions = new Map<number, BusRegions>();
  const bridges: PlanNode[] = [];
  const devices: { node: PlanNode; regions: BusRegions }[] = [];
  const walk = (nodes: readonly PlanNode[], regions: BusRegions): void => {
    for (const n of nodes) {
      devices.push({ node: n, regions });
      if (!isBridgeRole(n.role)) continue;
      const below: BusRegions = { mem: new Region(), pref: new Region() };
      busRegions.set(n.secondary, below);
      bridges.push(n);
      walk(n.children, below);
    }
  };
  for (const hb of plans) walk(hb.nodes, root);

  // BARs, in SeaBIOS's probe order: bus by bus, devfn order.
  devices.sort((a, b) => a.node.bus - b.node.bus || a.node.devfn - b.node.devfn);
  const barEntry = (bar: SizedBar): Entry => {
    const size = bar.size < SEABIOS.deviceMemMin ? SEABIOS.deviceMemMin : bar.size;
    const align = bar.resource >= 7 ? bar.align : size;
    return { size, align, is64: bar.is64, place: (b) => (bar.address = b) };
  };
  for (const { node, regions } of devices) {
    for (const bar of node.bars) (bar.prefetchable ? regions.pref : regions.mem).add(barEntry(bar));
  }

  // Bridge windows, secondary bus numbers highest first.
  bridges.sort((a, b) => b.secondary - a.secondary);
  const parentOf = new Map<PlanNode, BusRegions>();
  for (const { node, regions } of devices) parentOf.set(node, regions);
  for (const br of bridges) {
    const below = busRegions.get(br.secondary)!;
    const parent = parentOf.get(br)!;
    for (const type of ["mem", "pref"] as const) {
      const r = below[type];
      const align = r.align() > SEABIOS.bridgeMemMin ? r.align() : SEABIOS.bridgeMemMin;
      let sum = r.sum();
      if (sum === 0n && hasHotplugSlot(br)) sum = align;
      const size = alignUp(sum, align);
      if (size === 0n) continue;
      const is64 = type === "pref" && r.entries.every((e) => e.is64);
      const w: BridgeWindow = { size, align, is64, base: null };
      if (type === "mem") br.memWindow = w;
      else br.prefWindow = w;
      parent[type].add({
        size,
        align,
        is64,
        place: (b) => {
          w.base = b;
          r.map(b);
        },
      });
    }
  }

  let high: { base: bigint; end: bigint } | null = null;
  let bases = initRootRegions(root);
  if (bases === null) {
    // Move the 64-bit entries above 4 GiB, keeping their order.
    const move = (from: Region): Region => {
      const to = new Region();
      for (const e of from.entries.filter((x) => x.is64)) to.entries.push(e);
      from.entries.splice(0, from.entries.length, ...from.entries.filter((x) => !x.is64));
      return to;
    };
    const mem64 = move(root.mem);
    const pref64 = move(root.pref);
    bases = initRootRegions(root);
    if (bases === null) {
      const hb = plans[0]!;
      throw specError(hb.spec, null, hb.path, `SeaBIOS: out of 32-bit address space (the 32-bit BARs below the host bridge need ${formatSize(root.mem.sum() + root.pref.sum())})`);
    }
    const g = SEABIOS.mem64Granule;
    const memBase = alignUp(alignUp(SEABIOS.mem64Start, mem64.align()), g);
    const prefBase = alignUp(alignUp(memBase + mem64.sum(), pref64.align()), g);
    mem64.map(memBase);
    pref64.map(prefBase);
    high = { base: memBase, end: alignUp(prefBase + pref64.sum(), g) };
  }
  root.mem.map(bases.mem);
  root.pref.map(bases.pref);

  const highEnd = high !== null && high.end > SEABIOS.mem64Start + SEABIOS.mem64Size ? high.end : SEABIOS.mem64Start + SEABIOS.mem64Size;
  return [
    { base: SEABIOS.memStart, size: SEABIOS.memEnd - SEABIOS.memStart },
    { base: SEABIOS.mem64Start, size: highEnd - SEABIOS.mem64Start },
  ];
}
