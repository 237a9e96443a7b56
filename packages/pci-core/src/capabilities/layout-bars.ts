/**
 * BAR and expansion ROM layout with the read-write masks real BARs have (PCI 3.0 §6.2.5):
 * the address bits at and above log2(size) are writable, the rest read as their fixed type
 * bits, so firmware's "write all-ones, read back" sizing yields the size (for 64-bit BARs
 * across both dwords, sizes above 4 GiB included).
 */
import type { ConfigSpace } from "../config-space";
import * as B from "../spec/bridge";
import * as H from "../spec/header";
import { ConfigBuildError } from "./errors";
import { defineRegister } from "./register";
import type { BarSpec, RomSpec, VfBarSpec } from "./types";

const U32 = 0xffffffffn;

function isPow2(n: bigint): boolean {
  return n > 0n && (n & (n - 1n)) === 0n;
}

/** Checks one BAR description against the BAR count; returns the number of slots it takes. */
export function validateBar(bar: BarSpec | VfBarSpec, count: number, what: string): number {
  const slots = bar.kind === "mem64" ? 2 : 1;
  if (!Number.isInteger(bar.index) || bar.index < 0 || bar.index + slots > count) {
    throw new ConfigBuildError("EBAR_INDEX", `${what} ${bar.index} (${bar.kind}) does not fit in ${count} BAR slots`);
  }
  const { size } = bar;
  const min = bar.kind === "io" ? 4n : 16n;
  const max = bar.kind === "io" ? 256n : bar.kind === "mem32" ? 1n << 31n : 1n << 63n;
  if (!isPow2(size) || size < min || size > max) {
    throw new ConfigBuildError("EBAR_SIZE", `${what} ${bar.index}: size ${size} is not a power of two in [${min}, ${max}]`);
  }
  if (bar.kind === "io" && bar.prefetchable === true) {
    throw new ConfigBuildError("EBAR_SIZE", `${what} ${bar.index}: an I/O BAR cannot be prefetchable`);
  }
  const addr = bar.address ?? 0n;
  const top = bar.kind === "mem64" ? 1n << 64n : 1n << 32n;
  if (addr < 0n || addr % size !== 0n || addr + size > top) {
    throw new ConfigBuildError("EBAR_ADDRESS", `${what} ${bar.index}: address 0x${addr.toString(16)} not aligned to its size or out of range`);
  }
  return slots;
}

/** Lays out one BAR (or VF BAR) whose first dword is at `reg`. */
export function layoutBar(cs: ConfigSpace, reg: number, bar: BarSpec | VfBarSpec): void {
  const addr = bar.address ?? 0n;
  const sizeMask = ~(bar.size - 1n) & ((1n << 64n) - 1n);
  if (bar.kind === "io") {
    const lowRw = Number(sizeMask & U32) & H.PCI_BASE_ADDRESS_IO_MASK;
    defineRegister(cs, reg, 4, (Number(addr) & H.PCI_BASE_ADDRESS_IO_MASK) | H.PCI_BASE_ADDRESS_SPACE_IO, { rw: lowRw });
    return;
  }
  const flags =
    (bar.kind === "mem64" ? H.PCI_BASE_ADDRESS_MEM_TYPE_64 : H.PCI_BASE_ADDRESS_MEM_TYPE_32) |
    (bar.prefetchable === true ? H.PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
  const lowRw = Number(sizeMask & U32) & H.PCI_BASE_ADDRESS_MEM_MASK;
  defineRegister(cs, reg, 4, (Number(addr & U32) & H.PCI_BASE_ADDRESS_MEM_MASK) | flags, { rw: lowRw });
  if (bar.kind === "mem64") {
    defineRegister(cs, reg + 4, 4, Number(addr >> 32n), { rw: Number(sizeMask >> 32n) });
  }
}

/** Lays out every BAR of a header with `count` slots, refusing overlapping slots. */
export function layoutBars(cs: ConfigSpace, bars: readonly (BarSpec | VfBarSpec)[], base: number, count: number, what: string): void {
  const used = new Set<number>();
  for (const bar of bars) {
    const slots = validateBar(bar, count, what);
    for (let s = bar.index; s < bar.index + slots; s++) {
      if (used.has(s)) throw new ConfigBuildError("EBAR_OVERLAP", `${what} slot ${s} declared twice`);
      used.add(s);
    }
    layoutBar(cs, base + 4 * bar.index, bar);
  }
}

/** Lays out the expansion ROM BAR at `reg` (0x30 for type 0, 0x38 for type 1). */
export function layoutRom(cs: ConfigSpace, reg: number, rom: RomSpec): void {
  const size = rom.size;
  if (!isPow2(size) || size < BigInt(B.PCI_ROM_MIN_SIZE) || size > BigInt(B.PCI_ROM_MAX_SIZE)) {
    throw new ConfigBuildError("EBAR_SIZE", `expansion ROM size ${size} is not a power of two in [2 KiB, 16 MiB]`);
  }
  const addr = rom.address ?? 0n;
  if (addr < 0n || addr % size !== 0n || addr + size > 1n << 32n) {
    throw new ConfigBuildError("EBAR_ADDRESS", `expansion ROM address 0x${addr.toString(16)} not aligned or out of range`);
  }
  const rw = (Number(~(size - 1n) & U32) & B.PCI_ROM_ADDRESS_MASK) | H.PCI_ROM_ADDRESS_ENABLE;
  defineRegister(cs, reg, 4, Number(addr) | (rom.enabled === true ? H.PCI_ROM_ADDRESS_ENABLE : 0), { rw });
}
