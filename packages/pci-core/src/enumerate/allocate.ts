/**
 * Memory address assignment the way firmware does it before the OS boots (SeaBIOS/EDK2 style,
 * the layout Linux then keeps): bottom-up, each bridge's windows are sized from what sits
 * below it (BARs, VF BAR resources, child bridge windows), largest alignment first, rounded to
 * the 1 MiB granularity of bridge windows and aligned to at least 1 MiB; then top-down the
 * windows and BARs get addresses. Non-prefetchable BARs (32- or 64-bit) go into the memory
 * window below 4 GiB; prefetchable BARs into the prefetchable window, which is placed above
 * 4 GiB when everything in it is 64-bit. BARs and bridge base/limit registers (with the upper
 * 32 bits of the prefetchable window) are programmed through config writes.
 */
import type { BridgeWindow, PlanHostBridge, PlanNode, SizedBar } from "./plan";
import type { MemoryWindowSpec } from "../topology/schema";
import {
  PCI_COMMAND,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  PCI_MEMORY_BASE,
  PCI_MEMORY_LIMIT,
  PCI_PREF_BASE_UPPER32,
  PCI_PREF_LIMIT_UPPER32,
  PCI_PREF_MEMORY_BASE,
  PCI_PREF_MEMORY_LIMIT,
} from "../spec/header";
import { specError } from "../topology/errors";
import { alignUp, formatSize } from "../topology/units";
import { isBridgeRole } from "./device-config";

/** Bridge window granularity and minimum alignment (PCI-to-PCI Bridge 1.2 §3.2.5.8). */
export const WINDOW_GRANULE = 1n << 20n;
const FOUR_G = 1n << 32n;
const TOP = 1n << 64n;

/** Where default host-bridge windows go when a topology gives none (CPU = bus addresses). */
export const DEFAULT_WINDOWS = {
  /** The 32-bit MMIO hole: from 2 GiB up to just below the IOAPIC/LAPIC/flash area. */
  lowStart: 0x8000_0000n,
  lowEnd: 0xfc00_0000n,
  /** 64-bit MMIO, as Intel Xeon platforms place it. */
  highStart: 0x3800_0000_0000n,
  highGranule: 1n << 30n,
} as const;

interface Item {
  readonly size: bigint;
  readonly align: bigint;
  readonly is64: boolean;
  readonly place: (base: bigint) => void;
}

interface Packed {
  readonly size: bigint;
  readonly align: bigint;
  readonly offsets: readonly bigint[];
  readonly items: readonly Item[];
}

/** Packs items largest alignment first (stable: devfn order among equals) from offset 0. */
function pack(items: readonly Item[]): Packed {
  const sorted = [...items].sort((a, b) => (a.align === b.align ? 0 : a.align > b.align ? -1 : 1));
  let cur = 0n;
  let align = 1n;
  const offsets: bigint[] = [];
  for (const it of sorted) {
    cur = alignUp(cur, it.align);
    offsets.push(cur);
    cur += it.size;
    if (it.align > align) align = it.align;
  }
  return { size: cur, align, offsets, items: sorted };
}

function placePacked(p: Packed, base: bigint): void {
  p.items.forEach((it, i) => it.place(base + p.offsets[i]!));
}

function barItem(bar: SizedBar): Item {
  return { size: bar.size, align: bar.align, is64: bar.is64, place: (b) => (bar.address = b) };
}

function windowItem(items: readonly Item[], is64: boolean, set: (w: BridgeWindow) => void): Item {
  const p = pack(items);
  const w: BridgeWindow = {
    size: alignUp(p.size, WINDOW_GRANULE),
    align: p.align > WINDOW_GRANULE ? p.align : WINDOW_GRANULE,
    is64,
    base: null,
  };
  set(w);
  return {
    size: w.size,
    align: w.align,
    is64,
    place: (b) => {
      w.base = b;
      placePacked(p, b);
    },
  };
}

/** Collects what the devices on one bus need, sizing bridge windows on the way (bottom-up). */
function collect(nodes: readonly PlanNode[]): { mem: Item[]; pref: Item[] } {
  const mem: Item[] = [];
  const pref: Item[] = [];
  for (const n of nodes) {
    for (const bar of n.bars) (bar.prefetchable && bar.is64 ? pref : mem).push(barItem(bar));
    if (!isBridgeRole(n.role)) continue;
    const below = collect(n.children);
    if (below.mem.length > 0) mem.push(windowItem(below.mem, false, (w) => (n.memWindow = w)));
    if (below.pref.length > 0) pref.push(windowItem(below.pref, true, (w) => (n.prefWindow = w)));
  }
  return { mem, pref };
}

/** Cursors for default host-bridge windows, shared by the host bridges of one machine. */
export interface WindowCursors {
  low: bigint;
  high: bigint;
}

/** A fresh set of default-window cursors. */
export function defaultCursors(): WindowCursors {
  return { low: DEFAULT_WINDOWS.lowStart, high: DEFAULT_WINDOWS.highStart };
}

interface Region {
  readonly base: bigint;
  readonly end: bigint; // exclusive
  cur: bigint;
}

function fail(hb: PlanHostBridge, key: string | null, problem: string): never {
  throw specError(hb.spec, key, key ? `${hb.path}.${key}` : hb.path, problem);
}

/**
 * Sizes and assigns every window and BAR below one host bridge. Returns the host bridge's
 * windows in CPU addresses (the given ones, or defaults sized to fit from `cursors`).
 */
export function assignAddresses(hb: PlanHostBridge, cursors: WindowCursors): MemoryWindowSpec[] {
  const { mem, pref } = collect(hb.nodes);
  const lowItems = mem;
  const highItems = pref;
  const given = hb.spec.memoryWindows;
  if (given === undefined) {
    const lp = pack(lowItems);
    const hp = pack(highItems);
    const lowAlign = lp.align > WINDOW_GRANULE ? lp.align : WINDOW_GRANULE;
    const lowBase = alignUp(cursors.low, lowAlign);
    const lowSize = lp.size === 0n ? WINDOW_GRANULE : alignUp(lp.size, WINDOW_GRANULE);
    if (lowBase + lowSize > DEFAULT_WINDOWS.lowEnd) {
      fail(hb, null, `the 32-bit MMIO hole (0x80000000-0xfbffffff) cannot hold the non-prefetchable BARs below this host bridge (${formatSize(lp.size)} needed, ${formatSize(DEFAULT_WINDOWS.lowEnd - cursors.low)} left); give memoryWindows or use 64-bit prefetchable BARs`);
    }
    const g = DEFAULT_WINDOWS.highGranule;
    const highBase = alignUp(cursors.high, hp.align > g ? hp.align : g);
    const highSize = hp.size === 0n ? g : alignUp(hp.size, g);
    if (highBase + highSize > TOP) fail(hb, null, `the 64-bit address space cannot hold the prefetchable BARs below this host bridge (${formatSize(hp.size)})`);
    placePacked(lp, lowBase);
    placePacked(hp, highBase);
    cursors.low = lowBase + lowSize;
    cursors.high = highBase + highSize;
    return [
      { base: lowBase, size: lowSize },
      { base: highBase, size: highSize },
    ];
  }
  // Explicit windows (CPU addresses): classify by bus address, first fit, largest first.
  const regions = given.map((w): Region & { high: boolean } => {
    const bus = w.base + hb.busOffset;
    return { base: bus, end: bus + w.size, cur: bus, high: bus >= FOUR_G };
  });
  const low = regions.filter((r) => !r.high);
  const high = regions.filter((r) => r.high);
  const put = (items: readonly Item[], into: readonly Region[], what: string): void => {
    for (const it of pack(items).items) {
      const r = into.find((x) => alignUp(x.cur, it.align) + it.size <= x.end);
      if (!r) {
        fail(hb, "memoryWindows", `no window has room for a ${formatSize(it.size)} ${what} range (aligned to ${formatSize(it.align)})`);
      }
      const at = alignUp(r.cur, it.align);
      it.place(at);
      r.cur = at + it.size;
    }
  };
  if (high.length > 0) {
    put(lowItems, low, "32-bit");
    put(highItems, high, "64-bit prefetchable");
  } else {
    put([...lowItems, ...highItems], low, "memory");
  }
  return [...given];
}

const lo32 = (v: bigint): number => Number(v & 0xffff_ffffn);

/** Programs the assigned BARs and bridge windows of a subtree through config writes. */
export function programAddresses(nodes: readonly PlanNode[]): void {
  for (const n of nodes) {
    const cs = n.config;
    let cmd = 0;
    for (const bar of n.bars) {
      if (bar.address === null) continue;
      cs.write32(bar.reg, lo32(bar.address));
      if (bar.is64) cs.write32(bar.reg + 4, Number(bar.address >> 32n));
      if (bar.resource < 7) cmd |= PCI_COMMAND_MEMORY;
    }
    if (isBridgeRole(n.role)) {
      const m = n.memWindow;
      if (m && m.base !== null) {
        cs.write16(PCI_MEMORY_BASE, (lo32(m.base) >>> 16) & 0xfff0);
        cs.write16(PCI_MEMORY_LIMIT, (lo32(m.base + m.size - 1n) >>> 16) & 0xfff0);
      }
      const p = n.prefWindow;
      if (p && p.base !== null) {
        const limit = p.base + p.size - 1n;
        cs.write16(PCI_PREF_MEMORY_BASE, (lo32(p.base) >>> 16) & 0xfff0);
        cs.write16(PCI_PREF_MEMORY_LIMIT, (lo32(limit) >>> 16) & 0xfff0);
        cs.write32(PCI_PREF_BASE_UPPER32, Number(p.base >> 32n));
        cs.write32(PCI_PREF_LIMIT_UPPER32, Number(limit >> 32n));
      }
      if (m || p) cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
      programAddresses(n.children);
    }
    if (cmd) cs.write16(PCI_COMMAND, cs.read16(PCI_COMMAND) | cmd);
  }
}
