/**
 * Data transfer of one command: the segments a data pointer describes, the CMB rules for data
 * and lists (NVMe 1.4 §8.7: CMBSZ.RDS / WDS / LISTS, else Invalid Use of Controller Memory
 * Buffer), and moving bytes to or from them by DMA (a failed DMA is Data Transfer Error).
 */
import { SCT, SC_GENERIC, nvmeStatus } from "@p2pdma/nvme-spec";
import type { Cmb, CmbUse } from "./cmb";
import type { Dma } from "./dma";

/** One contiguous piece of a transfer; a bit bucket discards controller-to-host data. */
export interface Segment {
  readonly addr: bigint;
  readonly len: number;
  readonly bucket: boolean;
}

/** Direction of the data: controller to host (Read) or host to controller (Write). */
export type XferDir = "to-host" | "from-host";

/** What the PRP and SGL walkers need from the controller. */
export interface XferContext {
  readonly dma: Dma;
  readonly cmb: Cmb | null;
  /** CC.MPS memory page size in bytes. */
  readonly pageSize: number;
  /** Identify SGLS bit 16. */
  readonly bitBucket: boolean;
}

/** A status, or a value. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: number };

/** A failed {@link Result} with a generic status and DNR. */
export function genericError(sc: number): { readonly ok: false; readonly status: number } {
  return { ok: false, status: nvmeStatus(SCT.GENERIC, sc, { dnr: true }) };
}

/** Checks that a region in the CMB is used only as CMBSZ allows. */
export function cmbAllows(ctx: XferContext, addr: bigint, len: number, use: CmbUse): boolean {
  const cmb = ctx.cmb;
  if (cmb === null || !cmb.touches(addr, len)) return true;
  return cmb.allows(use);
}

/** Reads a PRP or SGL list from memory, honouring CMBSZ.LISTS. */
export function readList(ctx: XferContext, addr: bigint, len: number): Result<Uint8Array> {
  if (!cmbAllows(ctx, addr, len, "lists")) return genericError(SC_GENERIC.INVALID_USE_OF_CMB);
  const data = ctx.dma.read(addr, len);
  if (data === null) return { ok: false, status: nvmeStatus(SCT.GENERIC, SC_GENERIC.DATA_TRANSFER_ERROR) };
  return { ok: true, value: data };
}

/** Checks data segments against CMBSZ.RDS / WDS. */
export function checkDataInCmb(ctx: XferContext, segs: readonly Segment[], dir: XferDir): number | null {
  const use: CmbUse = dir === "to-host" ? "rds" : "wds";
  for (const s of segs) {
    if (!s.bucket && !cmbAllows(ctx, s.addr, s.len, use)) return nvmeStatus(SCT.GENERIC, SC_GENERIC.INVALID_USE_OF_CMB, { dnr: true });
  }
  return null;
}

const TRANSFER_ERROR = nvmeStatus(SCT.GENERIC, SC_GENERIC.DATA_TRANSFER_ERROR);

/** Controller-to-host: writes `data` across the segments. Returns a status or null. */
export function copyToHost(dma: Dma, segs: readonly Segment[], data: Uint8Array): number | null {
  let done = 0;
  for (const s of segs) {
    if (done >= data.length) break;
    const n = Math.min(s.len, data.length - done);
    if (!s.bucket && !dma.write(s.addr, data.subarray(done, done + n))) return TRANSFER_ERROR;
    done += n;
  }
  return null;
}

/** Host-to-controller: gathers `len` bytes from the segments. */
export function copyFromHost(dma: Dma, segs: readonly Segment[], len: number): Result<Uint8Array> {
  if (segs.length === 1 && segs[0]!.len >= len) {
    const d = dma.read(segs[0]!.addr, len);
    return d === null ? { ok: false, status: TRANSFER_ERROR } : { ok: true, value: d };
  }
  const out = new Uint8Array(len);
  let done = 0;
  for (const s of segs) {
    if (done >= len) break;
    const n = Math.min(s.len, len - done);
    const d = dma.read(s.addr, n);
    if (d === null) return { ok: false, status: TRANSFER_ERROR };
    out.set(d, done);
    done += n;
  }
  return { ok: true, value: out };
}
