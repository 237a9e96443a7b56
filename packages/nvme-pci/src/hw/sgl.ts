/**
 * SGL walking (NVMe 1.4 §4.4, Figures 113-120) for NVMe over PCIe: the first descriptor is in
 * DPTR; Data Block (sub type Address) and Bit Bucket (controller-to-host only) carry data;
 * Segment and Last Segment descriptors point to the next list of descriptors, a Segment's
 * pointer only as its list's last entry and never inside a Last Segment's list (Invalid SGL
 * Segment Descriptor); Keyed and transport descriptors do not exist on PCIe (SGL Descriptor
 * Type Invalid). The described length must equal the transfer length (Identify SGLS bit 18
 * clear: Data SGL Length Invalid).
 */
import { readLE, readLE64 } from "@p2pdma/pci-core";
import { SCT, SC_GENERIC, SGL_DESC, SGL_DESC_SIZE, SGL_SUBTYPE, SGL_TYPE, nvmeStatus } from "@p2pdma/nvme-spec";
import type { Result, Segment, XferContext, XferDir } from "./xfer";
import { genericError, readList } from "./xfer";

/** The most descriptors one command may use before the walk gives up (a loop guard). */
export const SGL_MAX_DESCRIPTORS = 1 << 16;

function bad(sc: number): { readonly ok: false; readonly status: number } {
  return { ok: false, status: nvmeStatus(SCT.GENERIC, sc, { dnr: true }) };
}

/** The segments an SGL (first descriptor `dptr`, 16 bytes) describes for `len` bytes. */
export function sglSegments(ctx: XferContext, dptr: Uint8Array, len: number, dir: XferDir): Result<Segment[]> {
  const segs: Segment[] = [];
  let total = 0;
  let list: Uint8Array = dptr;
  let isLast = false;
  let used = 0;
  for (;;) {
    const n = list.length / SGL_DESC_SIZE;
    let next: { addr: bigint; len: number; last: boolean } | null = null;
    for (let i = 0; i < n; i++) {
      if (++used > SGL_MAX_DESCRIPTORS) return bad(SC_GENERIC.INVALID_NUMBER_OF_SGL_DESCRIPTORS);
      const o = i * SGL_DESC_SIZE;
      const id = list[o + SGL_DESC.IDENTIFIER]!;
      const type = id >> 4;
      const sub = id & 0xf;
      const addr = readLE64(list, o + SGL_DESC.ADDRESS);
      const dlen = readLE(list, o + SGL_DESC.LENGTH, 4);
      switch (type) {
        case SGL_TYPE.DATA_BLOCK:
        case SGL_TYPE.BIT_BUCKET: {
          if (sub !== SGL_SUBTYPE.ADDRESS) return bad(SC_GENERIC.SGL_DESCRIPTOR_TYPE_INVALID);
          const bucket = type === SGL_TYPE.BIT_BUCKET;
          if (bucket && (!ctx.bitBucket || dir !== "to-host")) return bad(SC_GENERIC.SGL_DESCRIPTOR_TYPE_INVALID);
          if (dlen > 0) segs.push({ addr, len: dlen, bucket });
          total += dlen;
          break;
        }
        case SGL_TYPE.SEGMENT:
        case SGL_TYPE.LAST_SEGMENT: {
          if (sub !== SGL_SUBTYPE.ADDRESS) return bad(SC_GENERIC.SGL_DESCRIPTOR_TYPE_INVALID);
          if (i !== n - 1 || isLast) return bad(SC_GENERIC.INVALID_SGL_SEGMENT_DESCRIPTOR);
          if (dlen === 0 || dlen % SGL_DESC_SIZE !== 0) return bad(SC_GENERIC.INVALID_SGL_SEGMENT_DESCRIPTOR);
          next = { addr, len: dlen, last: type === SGL_TYPE.LAST_SEGMENT };
          break;
        }
        default:
          return bad(SC_GENERIC.SGL_DESCRIPTOR_TYPE_INVALID);
      }
      if (total > len) return bad(SC_GENERIC.DATA_SGL_LENGTH_INVALID);
    }
    if (next === null) break;
    const r = readList(ctx, next.addr, next.len);
    if (!r.ok) return r;
    list = r.value;
    isLast = next.last;
  }
  if (total !== len) return genericError(SC_GENERIC.DATA_SGL_LENGTH_INVALID);
  return { ok: true, value: segs };
}
