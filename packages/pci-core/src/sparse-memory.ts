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

  private check(offset: bigint, length: number): void {
    if (offset < 0n || length < 0 || offset + BigInt(length) > this.size) {
      throw new MemoryRangeError(`access [${offset}, +${length}) outside ${this.size} bytes`);
    }
  }

  /** Reads `length` bytes at `offset`. */
  read(offset: bigint, length: number): Uint8Array {
    this.check(offset, length);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = offset + BigInt(done);
      const page = Number(at / BigInt(SPARSE_PAGE));
      const inPage = Number(at % BigInt(SPARSE_PAGE));
      const n = Math.min(SPARSE_PAGE - inPage, length - done);
      const p = this.pages.get(page);
      if (p) out.set(p.subarray(inPage, inPage + n), done);
      done += n;
    }
    return out;
  }

  /** Writes `data` at `offset`, allocating pages as needed. */
  write(offset: bigint, data: Uint8Array): void {
    this.check(offset, data.length);
    let done = 0;
    while (done < data.length) {
      const at = offset + BigInt(done);
      const page = Number(at / BigInt(SPARSE_PAGE));
      const inPage = Number(at % BigInt(SPARSE_PAGE));
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

  /** Bytes actually backed (touched pages x page size). */
  get residentBytes(): number {
    return this.pages.size * SPARSE_PAGE;
  }
}
