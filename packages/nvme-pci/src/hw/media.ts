/**
 * Media backends of a namespace and the controller's volatile write cache (NVMe 1.4 §5.21.1.4
 * Volatile Write Cache, §6.8 Flush): a non-volatile {@link BlockStore} (sparse memory or a
 * file) under a {@link Media} that holds written pages in volatile memory while the cache is
 * enabled. Flush and normal shutdown write them back; a power loss drops them.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { SparseMemory } from "@p2pdma/pci-core";
import { NvmeModelError } from "./errors";

/** Granule of the sparse store and of the write cache. */
export const MEDIA_PAGE = 4096;

/** Non-volatile storage of one namespace. */
export interface BlockStore {
  readonly size: bigint;
  /** Reads `out.length` bytes at `offset` into `out`. */
  read(offset: number, out: Uint8Array): void;
  write(offset: number, data: Uint8Array): void;
  /** Makes the range read as zeros (deallocate). */
  discard(offset: number, length: number): void;
  /** Makes written data durable (fsync for a file). */
  sync(): void;
  close(): void;
}

/** Sparse memory (pci-core's {@link SparseMemory}): pages allocated on first write, freed on deallocate. */
export class MemoryStore implements BlockStore {
  private readonly mem: SparseMemory;
  constructor(readonly size: bigint) {
    this.mem = new SparseMemory(size);
  }

  read(offset: number, out: Uint8Array): void {
    this.mem.readInto(BigInt(offset), out);
  }

  write(offset: number, data: Uint8Array): void {
    this.mem.write(BigInt(offset), data);
  }

  discard(offset: number, length: number): void {
    this.mem.discard(BigInt(offset), length);
  }

  sync(): void {}
  close(): void {}

  /** Bytes backed by pages. */
  get residentBytes(): number {
    return this.mem.residentBytes;
  }
}

const ZERO_CHUNK = new Uint8Array(1 << 20);

/** A file: the namespace's bytes at the same offsets; created (sparse) at `size` when missing. */
export class FileStore implements BlockStore {
  private fd: number;

  constructor(
    readonly path: string,
    readonly size: bigint,
  ) {
    try {
      this.fd = openSync(path, "a+");
      closeSync(this.fd);
      this.fd = openSync(path, "r+");
      if (BigInt(fstatSync(this.fd).size) < size) ftruncateSync(this.fd, Number(size));
    } catch (e) {
      throw new NvmeModelError("EMEDIA", `cannot open media file ${path}: ${(e as Error).message}`);
    }
  }

  read(offset: number, out: Uint8Array): void {
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.fd, out, done, out.length - done, offset + done);
      if (n <= 0) {
        out.fill(0, done);
        return;
      }
      done += n;
    }
  }

  write(offset: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, offset + done);
  }

  discard(offset: number, length: number): void {
    let done = 0;
    while (done < length) {
      const n = Math.min(ZERO_CHUNK.length, length - done);
      this.write(offset + done, ZERO_CHUNK.subarray(0, n));
      done += n;
    }
  }

  sync(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * A namespace's media as the controller sees it: the store plus the volatile write cache.
 * With the cache enabled, writes land in cache pages (oldest written back first once
 * `cacheBytes` is exceeded); reads see the cache over the store.
 */
export class Media {
  private readonly dirty = new Map<number, Uint8Array>();
  /** Feature 06h WCE as it applies to this media. */
  cacheEnabled: boolean;

  constructor(
    readonly store: BlockStore,
    cacheEnabled: boolean,
    private readonly cacheBytes: number,
  ) {
    this.cacheEnabled = cacheEnabled;
  }

  /** Reads `length` bytes at byte `offset`. */
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.store.read(offset, out);
    if (this.dirty.size > 0) {
      const first = Math.floor(offset / MEDIA_PAGE);
      const last = Math.floor((offset + length - 1) / MEDIA_PAGE);
      for (let page = first; page <= last; page++) {
        const p = this.dirty.get(page);
        if (!p) continue;
        const base = page * MEDIA_PAGE;
        const s = Math.max(offset, base);
        const e = Math.min(offset + length, base + MEDIA_PAGE);
        out.set(p.subarray(s - base, e - base), s - offset);
      }
    }
    return out;
  }

  /** Writes `data` at byte `offset`; `forceUnitAccess` bypasses the cache (FUA). */
  write(offset: number, data: Uint8Array, forceUnitAccess = false): void {
    if (!this.cacheEnabled || forceUnitAccess) {
      this.dropCached(offset, data.length, data);
      this.store.write(offset, data);
      return;
    }
    let done = 0;
    while (done < data.length) {
      const at = offset + done;
      const page = Math.floor(at / MEDIA_PAGE);
      const inPage = at - page * MEDIA_PAGE;
      const n = Math.min(MEDIA_PAGE - inPage, data.length - done);
      let p = this.dirty.get(page);
      if (p) {
        this.dirty.delete(page); // re-insert: most recently written last
      } else {
        p = new Uint8Array(MEDIA_PAGE);
        if (n !== MEDIA_PAGE) this.store.read(page * MEDIA_PAGE, p);
      }
      p.set(data.subarray(done, done + n), inPage);
      this.dirty.set(page, p);
      done += n;
    }
    while (this.dirty.size * MEDIA_PAGE > this.cacheBytes) {
      const [page, p] = this.dirty.entries().next().value as [number, Uint8Array];
      this.dirty.delete(page);
      this.store.write(page * MEDIA_PAGE, p);
    }
  }

  /** Keeps cached pages coherent with a write that bypasses the cache. */
  private dropCached(offset: number, length: number, data: Uint8Array | null): void {
    if (this.dirty.size === 0) return;
    const first = Math.floor(offset / MEDIA_PAGE);
    const last = Math.floor((offset + length - 1) / MEDIA_PAGE);
    for (let page = first; page <= last; page++) {
      const p = this.dirty.get(page);
      if (!p) continue;
      const base = page * MEDIA_PAGE;
      const s = Math.max(offset, base);
      const e = Math.min(offset + length, base + MEDIA_PAGE);
      if (data) p.set(data.subarray(s - offset, e - offset), s - base);
      else p.fill(0, s - base, e - base);
    }
  }

  /** Deallocates a byte range (Dataset Management AD, Write Zeroes): it reads as zeros. */
  discard(offset: number, length: number): void {
    this.dropCached(offset, length, null);
    this.store.discard(offset, length);
  }

  /** Writes every cached page back and syncs the store (Flush, normal shutdown). */
  flush(): void {
    for (const [page, p] of this.dirty) this.store.write(page * MEDIA_PAGE, p);
    this.dirty.clear();
    this.store.sync();
  }

  /** Power loss: the volatile cache's contents are gone. Returns the bytes lost. */
  powerLoss(): number {
    const lost = this.dirty.size * MEDIA_PAGE;
    this.dirty.clear();
    return lost;
  }

  /** Bytes waiting in the volatile cache. */
  get dirtyBytes(): number {
    return this.dirty.size * MEDIA_PAGE;
  }
}

/** Creates the store an option names. */
export function openStore(backend: { readonly kind: "memory" } | { readonly kind: "file"; readonly path: string }, size: bigint): BlockStore {
  return backend.kind === "memory" ? new MemoryStore(size) : new FileStore(backend.path, size);
}
