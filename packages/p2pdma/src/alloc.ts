/**
 * Allocating P2P memory (spec 2.10, 2.11): `pci_alloc_p2pmem`, `pci_free_p2pmem`,
 * `pci_p2pmem_virt_to_bus`, and the one-segment scatterlists of `pci_p2pmem_alloc_sgl` /
 * `pci_p2pmem_free_sgl`. Addresses are kernel virtual addresses as bigint; 0n is NULL.
 *
 * References: 4.20 takes the provider's ref before allocating (a dying ref fails at once);
 * 6.12 allocates first, then takes the chunk owner's (page map's) ref, freeing the block again
 * if that range is being torn down.
 */
import type { PciFunction } from "@p2pdma/pci-core";
import type { P2pdmaCore } from "./core";
import type { P2pOptions } from "./options";
import type { Page } from "./page";
import { KernelBugError, P2pdmaError } from "./errors";
import { resolveOptions } from "./options";
import { physToVirt } from "./page";
import { PAGE_SIZE_N } from "./spec/constants";

/** One `struct scatterlist` entry. */
export interface ScatterEntry {
  page: Page;
  /** Offset into the first page. */
  offset: number;
  length: number;
  /** Set by a DMA mapping; null before. */
  dmaAddress: bigint | null;
  dmaLength: number;
  /** 6.x `sg_dma_mark_bus_address`: a P2P bus address unmap must skip. */
  busAddress: boolean;
}

/** `sg_virt(sg)`. */
export function sgVirt(sg: ScatterEntry): bigint {
  return physToVirt(sg.page.phys) + BigInt(sg.offset);
}

/** `sg_phys(sg)`. */
export function sgPhys(sg: ScatterEntry): bigint {
  return sg.page.phys + BigInt(sg.offset);
}

/** `sg_set_buf(sg, addr, length)` on a direct-map address. */
export function sgFromBuf(core: P2pdmaCore, addr: bigint, length: number): ScatterEntry {
  return { page: core.virtToPage(addr), offset: Number(addr % PAGE_SIZE_N), length, dmaAddress: null, dmaLength: 0, busAddress: false };
}

function sizeOf(size: number | bigint): bigint {
  if (typeof size === "number" && (!Number.isSafeInteger(size) || size < 0)) throw new P2pdmaError("size must be a non-negative integer");
  return BigInt(size);
}

/** Models `pci_alloc_p2pmem(pdev, size)`: the block's virtual address, or 0n (NULL). */
export function allocP2pmem(core: P2pdmaCore, pdev: PciFunction, size: number | bigint, opts: P2pOptions = {}): bigint {
  const sz = sizeOf(size);
  if (!resolveOptions(opts).configPciP2pdma) return 0n;
  const st = core.state(pdev);
  if (!st) return 0n;
  if (st.mode === "4.20") {
    if (st.ref.dying) return 0n; // percpu_ref_tryget_live
    st.ref.count++;
    const { addr, owner } = st.pool.allocOwner(sz);
    if (addr === 0n) {
      st.ref.count--;
      return 0n;
    }
    if (owner) owner.ref.count++;
    return addr;
  }
  const { addr, owner } = st.pool.allocOwner(sz);
  if (addr === 0n) return 0n;
  if (!owner || owner.ref.dying) {
    st.pool.free(addr, sz);
    return 0n;
  }
  owner.ref.count++;
  return addr;
}

/**
 * Models `pci_free_p2pmem(pdev, addr, size)`: no validation in the kernel; a free the pool
 * cannot match is a BUG there and a {@link KernelBugError} here (the pool is left intact).
 */
export function freeP2pmem(core: P2pdmaCore, pdev: PciFunction, addr: bigint, size: number | bigint, opts: P2pOptions = {}): void {
  const sz = sizeOf(size);
  if (!resolveOptions(opts).configPciP2pdma) return;
  const st = core.state(pdev);
  if (!st) throw new KernelBugError(`pci_free_p2pmem: ${pdev.name} has no P2PDMA state (NULL dereference)`);
  const owner = st.pool.freeOwner(addr, sz);
  if (owner) owner.ref.count--;
  if (st.mode === "4.20") st.ref.count--;
  st.pump();
}

/** Models `pci_p2pmem_virt_to_bus(pdev, addr)`: 0 for NULL or no state; all-ones outside the pool. */
export function p2pmemVirtToBus(core: P2pdmaCore, pdev: PciFunction, addr: bigint, opts: P2pOptions = {}): bigint {
  if (!resolveOptions(opts).configPciP2pdma) return 0n;
  if (addr === 0n) return 0n;
  const st = core.state(pdev);
  if (!st) return 0n;
  return st.pool.virtToPhys(addr);
}

/** A P2P scatterlist as `pci_p2pmem_alloc_sgl` returns it (always one entry). */
export interface P2pSgl {
  readonly sgl: ScatterEntry[];
  readonly nents: number;
}

/** Models `pci_p2pmem_alloc_sgl(pdev, &nents, length)`: one contiguous segment, or null. */
export function p2pmemAllocSgl(core: P2pdmaCore, pdev: PciFunction, length: number, opts: P2pOptions = {}): P2pSgl | null {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) throw new P2pdmaError("length must be a u32");
  const addr = allocP2pmem(core, pdev, length, opts);
  if (addr === 0n) return null;
  return { sgl: [sgFromBuf(core, addr, length)], nents: 1 };
}

/** Models `pci_p2pmem_free_sgl(pdev, sgl)`: frees every entry's buffer. */
export function p2pmemFreeSgl(core: P2pdmaCore, pdev: PciFunction, sgl: readonly ScatterEntry[] | null, opts: P2pOptions = {}): void {
  if (!resolveOptions(opts).configPciP2pdma || !sgl) return;
  for (const sg of sgl) freeP2pmem(core, pdev, sgVirt(sg), sg.length, opts);
}
