/**
 * lib/genalloc.c as P2PDMA uses it (spec 2.1): a pool of chunks, one per registered range,
 * each a bitmap of 4 KiB granules (`min_alloc_order` = PAGE_SHIFT). New chunks go to the head
 * of the list; allocation is first fit over chunks in list order; `virt_to_phys` returns
 * all-ones on a miss. Freeing memory that is not allocated hits the kernel's BUG_ON/BUG, which
 * the model raises as a {@link KernelBugError} (it never silently corrupts the pool).
 */
import { KernelBugError } from "./errors";
import { PAGE_SHIFT } from "./spec/constants";

/** `(phys_addr_t)-1`: what `gen_pool_virt_to_phys` returns for an address outside every chunk. */
export const PHYS_ALL_ONES = 0xffffffffffffffffn;

/** One `struct gen_pool_chunk`. `T` is the chunk owner (6.12: the page map's ref). */
export class PoolChunk<T = unknown> {
  readonly granules: number;
  private readonly bits: Uint32Array;
  /** Free bytes (`chunk->avail`). */
  avail: bigint;

  constructor(
    /** Kernel virtual start (`start_addr`). */
    readonly start: bigint,
    /** The "phys" start; P2PDMA stores the PCI bus address here. */
    readonly phys: bigint,
    readonly size: bigint,
    readonly owner: T | null,
    readonly order: number,
  ) {
    this.granules = Number(size >> BigInt(order));
    this.bits = new Uint32Array(Math.ceil(this.granules / 32));
    this.avail = size;
  }

  /** `end_addr`: the last byte of the chunk. */
  get end(): bigint {
    return this.start + this.size - 1n;
  }

  isSet(bit: number): boolean {
    return ((this.bits[bit >>> 5]! >>> (bit & 31)) & 1) === 1;
  }

  /** `bitmap_find_next_zero_area(map, end, start, nr, 0)`: first run of `nr` clear bits at or after `from`. */
  findZeroArea(from: number, nr: number): number {
    const end = this.granules;
    let start = from;
    while (start + nr <= end) {
      start = this.nextZero(start);
      if (start + nr > end) return end;
      const set = this.nextSet(start, start + nr);
      if (set >= start + nr) return start;
      start = set + 1;
    }
    return end;
  }

  private nextZero(from: number): number {
    let i = from;
    while (i < this.granules) {
      const w = this.bits[i >>> 5]!;
      if ((i & 31) === 0 && w === 0xffffffff) {
        i += 32;
        continue;
      }
      if (((w >>> (i & 31)) & 1) === 0) return i;
      i++;
    }
    return this.granules;
  }

  private nextSet(from: number, limit: number): number {
    let i = from;
    while (i < limit) {
      const w = this.bits[i >>> 5]!;
      if ((i & 31) === 0 && w === 0 && i + 32 <= limit) {
        i += 32;
        continue;
      }
      if (((w >>> (i & 31)) & 1) === 1) return i;
      i++;
    }
    return limit;
  }

  /** Sets (or clears) `nr` bits from `start`; returns how many were already in the target state. */
  change(start: number, nr: number, set: boolean): number {
    let wrong = 0;
    for (let b = start; b < start + nr; b++) {
      const word = b >>> 5;
      const mask = 1 << (b & 31);
      const cur = (this.bits[word]! & mask) !== 0;
      if (cur === set) wrong++;
      this.bits[word] = set ? this.bits[word]! | mask : this.bits[word]! & ~mask;
    }
    return wrong;
  }
}

/** One `struct gen_pool` (`gen_pool_create(PAGE_SHIFT, node)`). */
export class GenPool<T = unknown> {
  /** Chunks in list order: the most recently added first. */
  readonly chunks: PoolChunk<T>[] = [];
  destroyed = false;

  constructor(
    readonly minAllocOrder: number = PAGE_SHIFT,
    readonly nid: number = -1,
  ) {}

  /** `gen_pool_add_owner`: adds a chunk at the head of the list. Returns 0 (allocation of the chunk never fails here). */
  addOwner(virt: bigint, phys: bigint, size: bigint, owner: T | null): number {
    this.chunks.unshift(new PoolChunk<T>(virt, phys, size, owner, this.minAllocOrder));
    return 0;
  }

  /**
   * `gen_pool_alloc_owner` with the first-fit algorithm: 0n (NULL) for size 0 or when no chunk
   * has a free run; else the virtual address, with the chunk's owner.
   */
  allocOwner(size: bigint): { addr: bigint; owner: T | null } {
    if (size <= 0n) return { addr: 0n, owner: null };
    const order = BigInt(this.minAllocOrder);
    const nbits = (size + (1n << order) - 1n) >> order;
    for (const chunk of this.chunks) {
      if (size > chunk.avail) continue;
      if (nbits > BigInt(chunk.granules)) continue;
      const n = Number(nbits);
      const startBit = chunk.findZeroArea(0, n);
      if (startBit >= chunk.granules) continue;
      chunk.change(startBit, n, true);
      chunk.avail -= nbits << order;
      return { addr: chunk.start + (BigInt(startBit) << order), owner: chunk.owner };
    }
    return { addr: 0n, owner: null };
  }

  /** `gen_pool_alloc`. */
  alloc(size: bigint): bigint {
    return this.allocOwner(size).addr;
  }

  /** The chunk holding `addr` in list order (`addr >= start_addr && addr <= end_addr`), if any. */
  chunkOf(addr: bigint): PoolChunk<T> | undefined {
    return this.chunks.find((c) => addr >= c.start && addr <= c.end);
  }

  /**
   * `gen_pool_free_owner`: clears ceil(size / granule) granules at `addr` and returns the
   * chunk's owner. The kernel BUGs when no chunk holds `addr`, when the range runs past the
   * chunk, or when a granule was not allocated; the model throws {@link KernelBugError}.
   */
  freeOwner(addr: bigint, size: bigint): T | null {
    const order = BigInt(this.minAllocOrder);
    const nbits = (size + (1n << order) - 1n) >> order;
    const chunk = this.chunkOf(addr);
    if (!chunk) throw new KernelBugError(`gen_pool_free: 0x${addr.toString(16)} is in no chunk of the pool`);
    if (addr + size - 1n > chunk.end) {
      throw new KernelBugError(`gen_pool_free: 0x${addr.toString(16)}+${size} runs past the chunk end`);
    }
    const startBit = Number((addr - chunk.start) >> order);
    // The kernel clears word by word and BUGs on the first word holding an already-clear bit;
    // the model checks first so a refused free leaves the pool intact.
    for (let b = startBit; b < startBit + Number(nbits); b++) {
      if (!chunk.isSet(b)) {
        throw new KernelBugError(`gen_pool_free: granule ${b} of the chunk at 0x${chunk.start.toString(16)} is not allocated`);
      }
    }
    chunk.change(startBit, Number(nbits), false);
    chunk.avail += nbits << order;
    return chunk.owner;
  }

  /** `gen_pool_free`. */
  free(addr: bigint, size: bigint): void {
    this.freeOwner(addr, size);
  }

  /** `gen_pool_virt_to_phys`: the chunk's phys + offset, or all-ones. */
  virtToPhys(addr: bigint): bigint {
    const c = this.chunkOf(addr);
    return c ? c.phys + (addr - c.start) : PHYS_ALL_ONES;
  }

  /** `gen_pool_size`: sum of chunk sizes. */
  size(): bigint {
    return this.chunks.reduce((s, c) => s + c.size, 0n);
  }

  /** `gen_pool_avail`: sum of free bytes. */
  avail(): bigint {
    return this.chunks.reduce((s, c) => s + c.avail, 0n);
  }

  /** `gen_pool_destroy`: the kernel BUGs if anything is still allocated. */
  destroy(): void {
    for (const c of this.chunks) {
      if (c.avail !== c.size) throw new KernelBugError("gen_pool_destroy: memory still allocated");
    }
    this.chunks.length = 0;
    this.destroyed = true;
  }
}
