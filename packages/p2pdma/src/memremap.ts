/**
 * The part of `devm_memremap_pages` P2PDMA's errors come from (spec 2.2 step 7): which ranges
 * already have page maps, and the mode's conflict and alignment rules.
 * - 4.20 rounds the range out to whole 128 MiB sections; a page map already covering the
 *   rounded start or end gives -ENOMEM ("Conflicting mapping in same section"); system RAM in
 *   the rounded range -ENXIO; another page map elsewhere in the same sections -EEXIST (the
 *   section is already present when memory is added).
 * - 6.12 (mm/memremap.c `pagemap_range`, checked in 6.12.117): a page map covering the start or
 *   end pfn -> -ENOMEM with the same warning; RAM -> -ENXIO; start or size not 2 MiB
 *   (sub-section) aligned -> -EINVAL; sub-sections already present -> -EEXIST.
 */
import type { KernelMode, LogLine, PciFunction } from "@p2pdma/pci-core";
import { devLog, EEXIST, EINVAL, ENOMEM, ENXIO } from "@p2pdma/pci-core";
import type { DevPagemap, Page } from "./page";
import { PAGE_SIZE_N, SECTION_SIZE, SUBSECTION_SIZE } from "./spec/constants";

/** A CPU-physical range of system RAM (for the -ENXIO check). */
export interface RamRange {
  readonly start: bigint;
  readonly end: bigint;
}

export class PagemapRegistry {
  readonly maps: DevPagemap[] = [];

  constructor(readonly systemRam: readonly RamRange[] = []) {}

  /** `get_dev_pagemap(pfn)`: the live page map covering the page of `phys`. */
  lookup(phys: bigint): DevPagemap | null {
    const pfnStart = phys - (phys % PAGE_SIZE_N);
    for (const m of this.maps) if (m.live && pfnStart >= m.start - (m.start % PAGE_SIZE_N) && pfnStart <= m.end) return m;
    return null;
  }

  /** The page at `phys`: of a P2P page map, or ordinary. */
  page(phys: bigint): Page {
    const aligned = phys - (phys % PAGE_SIZE_N);
    return { phys: aligned, pgmap: this.lookup(aligned) };
  }

  private ramIntersects(start: bigint, end: bigint): "none" | "ram" | "mixed" {
    let covered = false;
    for (const r of this.systemRam) {
      if (r.start <= end && r.end >= start) {
        if (r.start <= start && r.end >= end) return "ram";
        covered = true;
      }
    }
    return covered ? "mixed" : "none";
  }

  /**
   * Checks a new range (inclusive `end`) for `mode`; 0 if it may be mapped, else the negative
   * errno and the warning lines the kernel prints on the way.
   */
  check(dev: PciFunction, start: bigint, end: bigint, mode: KernelMode): { err: number; lines: LogLine[] } {
    const warnLine = (msg: string): LogLine => (mode === "4.20" ? devLog(dev, "warn", msg) : { level: "warn", text: msg });
    const hex = (n: bigint): string => `0x${n.toString(16)}`;
    const size = end - start + 1n;
    if (mode === "4.20") {
      const alignStart = start - (start % SECTION_SIZE);
      const alignEnd = ((end + SECTION_SIZE) / SECTION_SIZE) * SECTION_SIZE - 1n;
      if (this.lookup(alignStart) || this.lookup(alignEnd)) {
        return { err: -ENOMEM, lines: [warnLine("Conflicting mapping in same section")] };
      }
      const ram = this.ramIntersects(alignStart, alignEnd);
      if (ram !== "none") return { err: -ENXIO, lines: [warnLine(`devm_memremap_pages attempted on ${ram} region`)] };
      if (this.maps.some((m) => m.live && m.start <= alignEnd && m.end >= alignStart)) return { err: -EEXIST, lines: [] };
      return { err: 0, lines: [] };
    }
    if (this.lookup(start) || this.lookup(end)) return { err: -ENOMEM, lines: [warnLine("Conflicting mapping in same section")] };
    const ram = this.ramIntersects(start, end);
    if (ram !== "none") return { err: -ENXIO, lines: [warnLine(`attempted on ${ram} region ${hex(start)}-${hex(end)}`)] };
    if (start % SUBSECTION_SIZE !== 0n || size % SUBSECTION_SIZE !== 0n) return { err: -EINVAL, lines: [] };
    if (this.maps.some((m) => m.live && m.start <= end && m.end >= start)) return { err: -EEXIST, lines: [] };
    return { err: 0, lines: [] };
  }

  add(map: DevPagemap): void {
    this.maps.push(map);
  }

  /** Memremap teardown: the range no longer has struct pages. */
  remove(map: DevPagemap): void {
    map.live = false;
    const i = this.maps.indexOf(map);
    if (i >= 0) this.maps.splice(i, 1);
  }
}
