/**
 * Scatterlists (lib/scatterlist.c) as nvmet uses them: `sgl_alloc` in page-sized entries, copy
 * in and out (`sg_pcopy_from_buffer`, `sg_pcopy_to_buffer`), `sg_zero_buffer`.
 */
import type { P2pProvider } from "./p2p";

export const PAGE_SIZE = 4096;

/** One scatterlist entry: the bytes it covers (a CPU view) and, for P2P pages, their provider. */
export interface SgEntry {
  readonly buf: Uint8Array;
  /** The provider whose page map this page belongs to, or null for system memory. */
  readonly p2p: P2pProvider | null;
}

/** Models `sgl_alloc(length)`: system-memory pages, the last one partly used. */
export function sglAlloc(length: number): SgEntry[] {
  const out: SgEntry[] = [];
  for (let off = 0; off < length; off += PAGE_SIZE) {
    out.push({ buf: new Uint8Array(Math.min(PAGE_SIZE, length - off)), p2p: null });
  }
  return out;
}

/** Total bytes of a scatterlist. */
export function sglLength(sgl: readonly SgEntry[]): number {
  let n = 0;
  for (const e of sgl) n += e.buf.length;
  return n;
}

/** Models `sg_pcopy_from_buffer`: copies `src` into the list at `off`; returns bytes copied. */
export function sgCopyFrom(sgl: readonly SgEntry[], off: number, src: Uint8Array): number {
  let pos = 0;
  let done = 0;
  for (const e of sgl) {
    const end = pos + e.buf.length;
    if (end > off && done < src.length) {
      const start = Math.max(0, off + done - pos);
      const n = Math.min(e.buf.length - start, src.length - done);
      e.buf.set(src.subarray(done, done + n), start);
      done += n;
    }
    pos = end;
    if (done >= src.length) break;
  }
  return done;
}

/** Models `sg_pcopy_to_buffer`: copies `dst.length` bytes out of the list from `off`. */
export function sgCopyTo(sgl: readonly SgEntry[], off: number, dst: Uint8Array): number {
  let pos = 0;
  let done = 0;
  for (const e of sgl) {
    const end = pos + e.buf.length;
    if (end > off && done < dst.length) {
      const start = Math.max(0, off + done - pos);
      const n = Math.min(e.buf.length - start, dst.length - done);
      dst.set(e.buf.subarray(start, start + n), done);
      done += n;
    }
    pos = end;
    if (done >= dst.length) break;
  }
  return done;
}

/** Models `sg_zero_buffer`. */
export function sgZero(sgl: readonly SgEntry[], off: number, len: number): number {
  return sgCopyFrom(sgl, off, new Uint8Array(len));
}
