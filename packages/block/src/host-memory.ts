/**
 * System RAM of the model (mm/page_alloc.c and dma_alloc_coherent reduced to a first-fit page
 * allocator): a DRAM region of the machine's Fabric from which drivers take queue memory and
 * tests take I/O buffers. DMA addresses of RAM equal physical addresses (no IOMMU). CPU access
 * goes through the Fabric with the CPU as initiator, so it is never counted on a PCIe link.
 */
import type { Fabric, MemoryRegion } from "@p2pdma/pci-core";
import type { Page } from "@p2pdma/p2pdma";
import { BlockError } from "./errors";

const PAGE = 4096n;

/** Default placement: the first GiB of physical memory (below the 32-bit MMIO hole at 2 GiB). */
export const DEFAULT_RAM = { base: 0x0010_0000n, size: 1n << 30n } as const;

/** A page allocator over one DRAM region. */
export class HostMemory {
  private static readonly all = new WeakMap<Fabric, HostMemory>();
  private free: { start: bigint; end: bigint }[];
  private readonly sizes = new Map<bigint, bigint>();
  readonly region: MemoryRegion;

  private constructor(
    readonly fabric: Fabric,
    base: bigint,
    size: bigint,
  ) {
    this.region = fabric.addDram("System RAM", base, size);
    this.free = [{ start: base, end: base + size }];
  }

  /** The machine's RAM (created on first use with {@link DEFAULT_RAM}). */
  static of(fabric: Fabric, base: bigint = DEFAULT_RAM.base, size: bigint = DEFAULT_RAM.size): HostMemory {
    let m = HostMemory.all.get(fabric);
    if (!m) {
      m = new HostMemory(fabric, base, size);
      HostMemory.all.set(fabric, m);
    }
    return m;
  }

  /** Allocates whole pages: the physical (= DMA) address, or null when RAM is exhausted. */
  alloc(bytes: number | bigint, align: bigint = PAGE): bigint | null {
    const want = BigInt(bytes);
    if (want <= 0n) throw new BlockError(`allocation of ${want} bytes`);
    const len = ((want + PAGE - 1n) / PAGE) * PAGE;
    for (let i = 0; i < this.free.length; i++) {
      const r = this.free[i]!;
      const start = ((r.start + align - 1n) / align) * align;
      if (start + len > r.end) continue;
      const pieces: { start: bigint; end: bigint }[] = [];
      if (start > r.start) pieces.push({ start: r.start, end: start });
      if (start + len < r.end) pieces.push({ start: start + len, end: r.end });
      this.free.splice(i, 1, ...pieces);
      this.sizes.set(start, len);
      return start;
    }
    return null;
  }

  /** Frees an allocation made by {@link HostMemory.alloc}. */
  release(addr: bigint): void {
    const len = this.sizes.get(addr);
    if (len === undefined) throw new BlockError(`free of unallocated 0x${addr.toString(16)}`, "EBLOCK_STATE");
    this.sizes.delete(addr);
    this.free.push({ start: addr, end: addr + len });
    this.free.sort((a, b) => (a.start < b.start ? -1 : 1));
    const merged: { start: bigint; end: bigint }[] = [];
    for (const r of this.free) {
      const last = merged[merged.length - 1];
      if (last && last.end === r.start) last.end = r.end;
      else merged.push({ ...r });
    }
    this.free = merged;
  }

  /** Bytes currently allocated. */
  get allocatedBytes(): bigint {
    let n = 0n;
    for (const v of this.sizes.values()) n += v;
    return n;
  }

  /** CPU read. */
  read(addr: bigint, length: number): Uint8Array {
    return this.region.handler.read(addr - this.region.busStart, length);
  }

  /** CPU write. */
  write(addr: bigint, data: Uint8Array): void {
    this.region.handler.write(addr - this.region.busStart, data);
  }

  /** The `struct page` of a RAM address (no page map). */
  page(addr: bigint): Page {
    return { phys: addr - (addr % PAGE), pgmap: null };
  }
}
