/**
 * ZONE_DEVICE pages of P2P memory (spec 2.1, 2.13): every registered range gets a page map of
 * type "PCI P2PDMA" that knows its provider and bus offset; a {@link Page} is one 4 KiB page,
 * either of such a map or ordinary (`pgmap` null). Addresses are x86-64 kernel addresses:
 * `virt = PAGE_OFFSET + phys` (the direct map `devm_memremap_pages` returns).
 */
import type { PciFunction } from "@p2pdma/pci-core";
import type { KernelMode } from "@p2pdma/pci-core";
import { PAGE_OFFSET, PAGE_SIZE_N } from "./spec/constants";

/** A percpu_ref reduced to what P2PDMA observes: a count and the "dying" state after kill. */
export interface PercpuRef {
  count: number;
  dying: boolean;
}

/** `struct pci_p2pdma_pagemap` + its `struct dev_pagemap`. */
export interface DevPagemap {
  readonly type: "PCI_P2PDMA";
  readonly provider: PciFunction;
  /** `bus_offset = pci_bus_address(bar) - pci_resource_start(bar)` (spec 1.3). */
  readonly busOffset: bigint;
  /** CPU physical range (inclusive end). */
  readonly start: bigint;
  readonly end: bigint;
  readonly bar: number;
  readonly mode: KernelMode;
  /** 6.12: the page map's own ref (pool chunk owner); 4.20: outstanding references into this range. */
  readonly ref: PercpuRef;
  /** False once memremap teardown removed it. */
  live: boolean;
}

/** One `struct page`. */
export interface Page {
  /** Physical address of the page (page aligned). */
  readonly phys: bigint;
  /** The ZONE_DEVICE page map, or null for ordinary memory. */
  readonly pgmap: DevPagemap | null;
}

/** `__va(phys)`. */
export function physToVirt(phys: bigint): bigint {
  return PAGE_OFFSET + phys;
}

/** `__pa(virt)` for a direct-map address. */
export function virtToPhys(virt: bigint): bigint {
  return virt - PAGE_OFFSET;
}

/** Page-aligns an address downwards. */
export function pageAlign(addr: bigint): bigint {
  return addr - (addr % PAGE_SIZE_N);
}

/**
 * Models `is_pci_p2pdma_page(page)`: a ZONE_DEVICE page whose map type is PCI P2PDMA, and the
 * feature compiled in (`configPciP2pdma`, default true).
 */
export function isPciP2pdmaPage(page: Page | null | undefined, opts: { configPciP2pdma?: boolean } = {}): boolean {
  if (opts.configPciP2pdma === false) return false;
  return page?.pgmap?.type === "PCI_P2PDMA";
}
