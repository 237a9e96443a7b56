/**
 * `struct ib_mr`: a memory region over DMA-mapped memory with an lkey/rkey (index in bits
 * 31..8, an 8-bit key in bits 7..0) and access flags. Fast-registration MRs start invalid
 * (`ib_alloc_mr`), get their page list from `ib_map_mr_sg`, become valid by an IB_WR_REG_MR work
 * request and invalid again by IB_WR_LOCAL_INV (or READ_WITH_INV). `regMr` is the one-shot
 * equivalent (allocate, map, register) that ULP tests and benchmarks use.
 */
import type { ScatterEntry } from "@p2pdma/p2pdma";
import type { Errno } from "./errors";
import type { IbDevice } from "./ib-device";
import type { Pd } from "./pd";
import { EINVAL, ENOMEM } from "@p2pdma/pci-core";
import { PAGE_SIZE } from "@p2pdma/p2pdma";
import { RdmaError } from "./errors";
import { IB_ACCESS_LOCAL_WRITE, IB_ACCESS_REMOTE_ATOMIC, IB_ACCESS_REMOTE_WRITE } from "./spec/verbs";

/** A contiguous piece of DMA address space an MR covers. */
export interface MrSegment {
  readonly dma: bigint;
  readonly length: number;
}

export class Mr {
  lkey: number;
  rkey: number;
  access = 0;
  state: "free" | "valid" = "free";
  iova = 0n;
  length = 0;
  segments: MrSegment[] = [];
  /** rdma_rw: the MR must be invalidated before its next registration. */
  needInval = false;

  constructor(
    readonly pd: Pd,
    readonly index: number,
    readonly type: "MEM_REG" | "INTEGRITY",
    readonly maxNumSg: number,
  ) {
    this.lkey = index << 8;
    this.rkey = this.lkey;
  }

  get device(): IbDevice {
    return this.pd.device;
  }

  /** The DMA pieces behind `[addr, addr + length)`, or null when outside the region. */
  translate(addr: bigint, length: number): MrSegment[] | null {
    if (length < 0 || addr < this.iova || addr + BigInt(length) > this.iova + BigInt(this.length)) return null;
    const out: MrSegment[] = [];
    let skip = addr - this.iova;
    let left = length;
    for (const s of this.segments) {
      if (left === 0) break;
      const len = BigInt(s.length);
      if (skip >= len) {
        skip -= len;
        continue;
      }
      const n = Math.min(left, s.length - Number(skip));
      out.push({ dma: s.dma + skip, length: n });
      left -= n;
      skip = 0n;
    }
    return left === 0 ? out : null;
  }
}

/** Models `ib_alloc_mr(pd, IB_MR_TYPE_MEM_REG, max_num_sg)`: an invalid fast-reg MR, or -errno. */
export function allocMr(pd: Pd, maxNumSg: number, type: "MEM_REG" | "INTEGRITY" = "MEM_REG"): Mr | Errno {
  const dev = pd.device;
  if (!Number.isInteger(maxNumSg) || maxNumSg <= 0 || maxNumSg > dev.attrs.maxFastRegPageListLen) return -EINVAL;
  if (dev.mrs.size >= dev.attrs.maxMr) return -ENOMEM;
  const mr = new Mr(pd, dev.allocMrIndex(), type, maxNumSg);
  dev.mrs.set(mr.index, mr);
  pd.usecnt++;
  return mr;
}

/** Models `ib_dereg_mr`. */
export function deregMr(mr: Mr): number {
  const dev = mr.device;
  if (dev.mrs.get(mr.index) !== mr) throw new RdmaError(`MR ${mr.index} is not registered`, "ERDMA_STATE");
  dev.mrs.delete(mr.index);
  mr.state = "free";
  mr.pd.usecnt--;
  return 0;
}

/**
 * Models `ib_map_mr_sg(mr, sg, nents, &offset, page_size)` (`ib_sg_to_pages`): takes DMA-mapped
 * entries while they can be described by a page list (inner boundaries page aligned, at most
 * `max_num_sg` pages) and returns how many it took. Sets iova (first address + offset) and length.
 */
export function mapMrSg(mr: Mr, sgl: readonly ScatterEntry[], nents: number, offset = 0, pageSize = PAGE_SIZE): number {
  const ps = BigInt(pageSize);
  const pagesOf = (list: readonly MrSegment[]): number =>
    list.reduce((n, s) => n + Number((s.dma + BigInt(s.length) + ps - 1n) / ps - s.dma / ps), 0);
  let segs: MrSegment[] = [];
  let mapped = 0;
  for (let i = 0; i < nents; i++) {
    const sg = sgl[i];
    if (!sg || sg.dmaAddress === null) throw new RdmaError("ib_map_mr_sg over an entry that is not DMA mapped");
    const off = i === 0 ? offset : 0;
    const start = sg.dmaAddress + BigInt(off);
    const len = sg.dmaLength - off;
    if (len <= 0) break;
    const last = segs[segs.length - 1];
    let next: MrSegment[];
    if (last && last.dma + BigInt(last.length) === start) {
      next = [...segs.slice(0, -1), { dma: last.dma, length: last.length + len }];
    } else {
      // A new piece must start on a page boundary and the previous one end on one.
      if (last && ((last.dma + BigInt(last.length)) % ps !== 0n || start % ps !== 0n)) break;
      next = [...segs, { dma: start, length: len }];
    }
    if (pagesOf(next) > mr.maxNumSg) break;
    segs = next;
    mapped++;
  }
  mr.segments = segs;
  mr.iova = segs[0]?.dma ?? 0n;
  mr.length = segs.reduce((n, s) => n + s.length, 0);
  return mapped;
}

/** Models `ib_inc_rkey(key)`: the next 8-bit key. */
export function incRkey(key: number): number {
  return ((key & 0xffffff00) | ((key + 1) & 0xff)) >>> 0;
}

/** Models `ib_update_fast_reg_key(mr, newkey)`. */
export function updateFastRegKey(mr: Mr, newKey: number): void {
  mr.lkey = ((mr.lkey & 0xffffff00) | (newKey & 0xff)) >>> 0;
  mr.rkey = ((mr.rkey & 0xffffff00) | (newKey & 0xff)) >>> 0;
}

/** Models `ib_check_mr_access`: remote write or atomic need local write. */
export function checkMrAccess(access: number): number {
  if (access & (IB_ACCESS_REMOTE_ATOMIC | IB_ACCESS_REMOTE_WRITE) && !(access & IB_ACCESS_LOCAL_WRITE)) return -EINVAL;
  return 0;
}

/**
 * Registers DMA-mapped `sgl` in one step (alloc, map, REG_MR completed): a valid MR whose iova is
 * the first DMA address, or -errno (-EINVAL for bad access flags or an unmappable list).
 */
export function regMr(pd: Pd, sgl: readonly ScatterEntry[], access: number): Mr | Errno {
  const err = checkMrAccess(access);
  if (err) return err;
  const pages = sgl.reduce((n, s) => n + Math.ceil((s.offset + s.length) / PAGE_SIZE), 0);
  const mr = allocMr(pd, Math.max(1, Math.min(pages, pd.device.attrs.maxFastRegPageListLen)));
  if (typeof mr === "number") return mr;
  if (mapMrSg(mr, sgl, sgl.length) !== sgl.length) {
    deregMr(mr);
    return -EINVAL;
  }
  mr.access = access;
  mr.state = "valid";
  return mr;
}
