/**
 * Sparse memory (architecture.md "Memory and addresses"): pages are allocated on first write,
 * so a 64 GiB CMB or a 1 TiB namespace costs nothing until touched. Unwritten bytes read 0.
 */

export const SPARSE_PAGE = 4096;

/** Access outside the memory's size: a broken invariant of the caller (routing checks first). */
export class MemoryRangeError extends RangeError {
  readonly code = "EMEMRANGE";
}

export class SparseMemory {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(readonly size: bigint) {}

  /** Byte offsets stay far below 2^53 (a 1 TiB namespace is 2^40), so page math uses numbers. */
  private check(offset: bigint, length: number): number {
    if (offset < 0n || length < 0 || offset + BigInt(length) > this.size) {
      throw new MemoryRangeError(`access [${offset}, +${length}) outside ${this.size} bytes`);
    }
    return Number(offset);
  }

  /** Reads `length` bytes at `offset`. */
  read(offset: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.readInto(offset, out);
    return out;
  }

  /** Reads `out.length` bytes at `offset` into `out` (no allocation). */
  readInto(offset: bigint, out: Uint8Array): void {
    const base = this.check(offset, out.length);
    let done = 0;
    while (done < out.length) {
      const at = base + done;
      const page = Math.floor(at / SPARSE_PAGE);
      const inPage = at - page * SPARSE_PAGE;
      const n = Math.min(SPARSE_PAGE - inPage, out.length - done);
      const p = this.pages.get(page);
      if (p) out.set(p.subarray(inPage, inPage + n), done);
      else out.fill(0, done, done + n);
      done += n;
    }
  }

  /** Writes `data` at `offset`, allocating pages as needed. */
  write(offset: bigint, data: Uint8Array): void {
    const base = this.check(offset, data.length);
    let done = 0;
    while (done < data.length) {
      const at = base + done;
      const page = Math.floor(at / SPARSE_PAGE);
      const inPage = at - page * SPARSE_PAGE;
      const n = Math.min(SPARSE_PAGE - inPage, data.length - done);
      let p = this.pages.get(page);
      if (!p) {
        p = new Uint8Array(SPARSE_PAGE);
        this.pages.set(page, p);
      }
      p.set(data.subarray(done, done + n), inPage);
      done += n;
    }
  }

  /** Makes `[offset, offset + length)` read as zeros again, freeing whole pages (a deallocate). */
  discard(offset: bigint, length: number): void {
    const start = this.check(offset, length);
    if (length === 0) return;
    const end = start + length;
    const first = Math.floor(start / SPARSE_PAGE);
    const last = Math.floor((end - 1) / SPARSE_PAGE);
    const zero = (page: number, p: Uint8Array): void => {
      const pageStart = page * SPARSE_PAGE;
      const s = Math.max(start, pageStart) - pageStart;
      const e = Math.min(end, pageStart + SPARSE_PAGE) - pageStart;
      if (s === 0 && e === SPARSE_PAGE) this.pages.delete(page);
      else p.fill(0, s, e);
    };
    // Walk whichever is smaller: the range's pages or the resident ones.
    if (last - first + 1 > this.pages.size) {
      for (const [page, p] of [...this.pages]) if (page >= first && page <= last) zero(page, p);
    } else {
      for (let page = first; page <= last; page++) {
        const p = this.pages.get(page);
        if (p) zero(page, p);
      }
    }
  }

  /** Bytes actually backed (touched pages x page size). */
  get residentBytes(): number {
    return this.pages.size * SPARSE_PAGE;
  }
}
