/**
 * drivers/infiniband/core/rw.c: `rdma_rw_ctx_init`, `rdma_rw_ctx_wrs`, `rdma_rw_ctx_post`,
 * `rdma_rw_ctx_destroy` (spec 4.1-4.3), per kernel mode.
 *
 * 4.20: if the first page is a P2P page the list is mapped with `pci_p2pdma_map_sg` on the
 * device's DMA device (0 for `dma_virt_ops`), else with `ib_dma_map_sg`; 0 mapped -> -ENOMEM.
 * Error paths after mapping call `ib_dma_unmap_sg` unconditionally, on the list position and
 * count as advanced past `sg_offset`; destroy unmaps only lists whose first page is not P2P.
 * 6.12: `ib_dma_map_sgtable_attrs` (the DMA API maps P2P segments; -EREMOTEIO when it cannot),
 * errors unmap the whole table, destroy always unmaps; MR pool exhaustion on the `max_sgl_rd`
 * path falls back to SGEs (iWARP and `force_mr` keep -EAGAIN), as 6.12.117 does.
 * Either mode: an offset at or past the end of the list -> -EIO (the kernel's WARN_ON_ONCE; its
 * walk would step past the list, this model stops at the end).
 */
import type { KernelMode } from "@p2pdma/pci-core";
import type { ScatterEntry } from "@p2pdma/p2pdma";
import type { Mr } from "./mr";
import type { Qp } from "./qp";
import type { DmaDirection } from "./spec/verbs";
import type { LocalInvWr, RdmaWr, RegMrWr, SendWr, Sge } from "./wr";
import { EAGAIN, EINVAL, EIO, ENOMEM } from "@p2pdma/pci-core";
import { ibDmaMapSg, ibDmaMapSgtable, ibDmaUnmapSg, p2pdmaMapSgForIb } from "./dma";
import { RdmaError } from "./errors";
import { incRkey, mapMrSg, updateFastRegKey } from "./mr";
import { postSend } from "./qp";
import { rdmaCapReadInv, rwFrPageListLen, rwIoNeedsMr } from "./rw-caps";
import { DMA_TO_DEVICE, IB_ACCESS_LOCAL_WRITE, IB_ACCESS_REMOTE_WRITE, IB_SEND_SIGNALED } from "./spec/verbs";

export type RwCtxType = "SINGLE_WR" | "MULTI_WR" | "MR" | "SIG_MR";

/** `struct rdma_rw_reg_ctx`. */
export interface RwRegCtx {
  readonly mr: Mr;
  readonly sge: Sge;
  readonly invWr: LocalInvWr | null;
  readonly regWr: RegMrWr;
  readonly wr: RdmaWr;
}

/** `struct rdma_rw_ctx`. */
export interface RwCtx {
  readonly type: RwCtxType;
  readonly nrOps: number;
  /** SINGLE_WR / MULTI_WR: the RDMA WRs. */
  readonly wrs: readonly RdmaWr[];
  /** MR / SIG_MR: one registration context per MR. */
  readonly reg: readonly RwRegCtx[];
  readonly kernel: KernelMode;
  destroyed: boolean;
}

export interface RwOptions {
  /** Kernel semantics (default: the QP's device's). */
  readonly kernel?: KernelMode;
}

/** `rdma_rw_ctx_init` returns the WR count or -errno; the context when it succeeded. */
export interface RwInitResult {
  readonly ret: number;
  readonly ctx: RwCtx | null;
}

function warn(qp: Qp, text: string): void {
  qp.device.host.system.log.append({ level: "warn", text });
}

function rdmaWr(dir: DmaDirection, sgList: Sge[], remoteAddr: bigint, rkey: number): RdmaWr {
  return { opcode: dir === DMA_TO_DEVICE ? "RDMA_WRITE" : "RDMA_READ", sgList, remoteAddr, rkey, next: null };
}

/** `rdma_rw_init_one_mr`: WR count, or -EAGAIN (pool empty) / -EINVAL (list not mappable). */
function initOneMr(qp: Qp, list: readonly ScatterEntry[], nents: number, offset: number): { ret: number; reg?: Omit<RwRegCtx, "wr"> } {
  const mr = qp.rdmaMrs.get();
  if (!mr) return { ret: -EAGAIN };
  let count = 0;
  let invWr: LocalInvWr | null = null;
  if (mr.needInval) {
    invWr = { opcode: "LOCAL_INV", invalidateRkey: mr.lkey, next: null };
    count++;
  }
  if (mapMrSg(mr, list, nents, offset) < nents) {
    qp.rdmaMrs.put(mr);
    return { ret: -EINVAL };
  }
  const access = IB_ACCESS_LOCAL_WRITE | (qp.device.protocol === "iwarp" ? IB_ACCESS_REMOTE_WRITE : 0);
  const regWr: RegMrWr = { opcode: "REG_MR", mr, key: mr.lkey, access, next: null };
  count++;
  const sge: Sge = { addr: mr.iova, length: mr.length, lkey: mr.lkey };
  if (invWr) invWr.next = regWr;
  return { ret: count, reg: { mr, sge, invWr, regWr } };
}

/** `rdma_rw_init_mr_wrs`. */
function initMrWrs(qp: Qp, list: readonly ScatterEntry[], cnt: number, offset: number, remoteAddr: bigint, rkey: number, dir: DmaDirection): { ret: number; reg: RwRegCtx[] } {
  const ppm = rwFrPageListLen(qp.device);
  const nrOps = Math.ceil(cnt / ppm);
  const reg: RwRegCtx[] = [];
  let count = 0;
  let at = 0;
  let off = offset;
  let raddr = remoteAddr;
  for (let i = 0; i < nrOps; i++) {
    const nents = Math.min(cnt, ppm);
    const r = initOneMr(qp, list.slice(at), nents, off);
    if (r.ret < 0 || !r.reg) {
      for (const x of reg) qp.rdmaMrs.put(x.mr);
      return { ret: r.ret, reg: [] };
    }
    count += r.ret;
    const wr = rdmaWr(dir, [r.reg.sge], raddr, rkey);
    if (dir !== DMA_TO_DEVICE && rdmaCapReadInv(qp.device)) {
      wr.opcode = "RDMA_READ_WITH_INV";
      wr.invalidateRkey = r.reg.mr.lkey;
    }
    r.reg.regWr.next = wr;
    const prev = reg[reg.length - 1];
    if (prev) prev.wr.next = r.reg.invWr ?? r.reg.regWr;
    reg.push({ ...r.reg, wr });
    count++;
    raddr += BigInt(r.reg.sge.length);
    cnt -= nents;
    at += nents;
    off = 0;
  }
  return { ret: count, reg };
}

/** `rdma_rw_init_map_wrs`: one WR per `max_sge` entries, SGEs under the local DMA lkey. */
function initMapWrs(qp: Qp, list: readonly ScatterEntry[], cnt: number, offset: number, remoteAddr: bigint, rkey: number, dir: DmaDirection): RdmaWr[] {
  const maxSge = dir === DMA_TO_DEVICE ? qp.maxWriteSge : qp.maxReadSge;
  const nrOps = Math.ceil(cnt / maxSge);
  const wrs: RdmaWr[] = [];
  let total = 0n;
  let at = 0;
  let off = offset;
  for (let i = 0; i < nrOps; i++) {
    const n = Math.min(cnt, maxSge);
    const sges: Sge[] = [];
    const base = remoteAddr + total;
    for (let j = 0; j < n; j++, at++, cnt--) {
      const sg = list[at]!;
      const sge = { addr: sg.dmaAddress! + BigInt(off), length: sg.dmaLength - off, lkey: qp.pd.localDmaLkey };
      total += BigInt(sge.length);
      sges.push(sge);
      off = 0;
    }
    const wr = rdmaWr(dir, sges, base, rkey);
    const prev = wrs[wrs.length - 1];
    if (prev) prev.next = wr;
    wrs.push(wr);
  }
  return wrs;
}

/**
 * Models `rdma_rw_ctx_init(ctx, qp, port_num, sg, sg_cnt, sg_offset, remote_addr, rkey, dir)`:
 * the number of WRs the context needs, or -errno (-ENOMEM nothing mapped, -EREMOTEIO an
 * unreachable P2P segment in 6.12, -EIO offset past the list, -EAGAIN MR pool exhausted,
 * -EINVAL list not registrable).
 */
export function rwCtxInit(
  qp: Qp,
  _portNum: number,
  sg: ScatterEntry[],
  sgCnt: number,
  sgOffset: number,
  remoteAddr: bigint,
  rkey: number,
  dir: DmaDirection,
  opts: RwOptions = {},
): RwInitResult {
  const dev = qp.pd.device;
  const kernel = opts.kernel ?? dev.kernel;
  if (!Number.isInteger(sgOffset) || sgOffset < 0) throw new RdmaError(`sg_offset ${sgOffset}`);
  let cnt: number;
  if (kernel === "4.20") {
    const mapped = dev.host.p2p.isP2pdmaPage(sg[0]?.page) ? p2pdmaMapSgForIb(dev, sg, sgCnt, dir) : ibDmaMapSg(dev, sg, sgCnt, dir, kernel);
    if (!mapped) return { ret: -ENOMEM, ctx: null };
    cnt = mapped;
  } else {
    const r = ibDmaMapSgtable(dev, sg, sgCnt, dir, kernel);
    if (r) return { ret: r, ctx: null };
    cnt = sgCnt;
  }
  // Skip to the entry sg_offset falls into.
  let at = 0;
  let off = sgOffset;
  while (cnt > 0) {
    const len = sg[at]!.dmaLength;
    if (off < len) break;
    at++;
    off -= len;
    cnt--;
  }
  const unmap = (): void => {
    if (kernel === "4.20") ibDmaUnmapSg(dev, sg.slice(at), cnt, dir, kernel);
    else ibDmaUnmapSg(dev, sg, sgCnt, dir, kernel);
  };
  if (cnt === 0) {
    warn(qp, "WARNING: rdma_rw_ctx_init: sg_offset beyond the scatterlist (WARN_ON_ONCE(sg_cnt == 0))");
    unmap();
    return { ret: -EIO, ctx: null };
  }
  const list = sg.slice(at);
  let ctx: RwCtx | null = null;
  let ret = 0;
  let tryWrs = true;
  if (rwIoNeedsMr(dev, kernel, dir, cnt)) {
    const r = initMrWrs(qp, list, cnt, off, remoteAddr, rkey, dir);
    ret = r.ret;
    if (r.ret >= 0) ctx = { type: "MR", nrOps: r.reg.length, wrs: [], reg: r.reg, kernel, destroyed: false };
    tryWrs = kernel !== "4.20" && r.ret === -EAGAIN && dev.protocol !== "iwarp" && !dev.rwForceMr;
  }
  if (!ctx && tryWrs) {
    if (cnt > 1) {
      const wrs = initMapWrs(qp, list, cnt, off, remoteAddr, rkey, dir);
      ctx = { type: "MULTI_WR", nrOps: wrs.length, wrs, reg: [], kernel, destroyed: false };
      ret = wrs.length;
    } else {
      const s = list[0]!;
      const wr = rdmaWr(dir, [{ addr: s.dmaAddress! + BigInt(off), length: s.dmaLength - off, lkey: qp.pd.localDmaLkey }], remoteAddr, rkey);
      ctx = { type: "SINGLE_WR", nrOps: 1, wrs: [wr], reg: [], kernel, destroyed: false };
      ret = 1;
    }
  }
  if (!ctx || ret < 0) {
    unmap();
    return { ret, ctx: null };
  }
  return { ret, ctx };
}

/** `rdma_rw_update_lkey`: a fresh key byte at post time. */
function updateLkey(reg: RwRegCtx, needInval: boolean): void {
  reg.mr.needInval = needInval;
  updateFastRegKey(reg.mr, incRkey(reg.mr.lkey));
  reg.regWr.key = reg.mr.lkey;
  reg.sge.lkey = reg.mr.lkey;
}

/**
 * Models `rdma_rw_ctx_wrs(ctx, qp, port_num, cqe, chain_wr)`: the first WR of the chain; the
 * last WR gets `chainWr` appended, or, without one, `cqe` as its wr_id and IB_SEND_SIGNALED.
 */
export function rwCtxWrs(ctx: RwCtx, _qp: Qp, _portNum: number, cqe: unknown, chainWr: SendWr | null = null): SendWr {
  if (ctx.destroyed) throw new RdmaError("rdma_rw context already destroyed", "ERDMA_STATE");
  let first: SendWr;
  let last: RdmaWr;
  if (ctx.type === "MR" || ctx.type === "SIG_MR") {
    for (const r of ctx.reg) updateLkey(r, r.wr.opcode !== "RDMA_READ_WITH_INV");
    const r0 = ctx.reg[0]!;
    first = r0.invWr ?? r0.regWr;
    last = ctx.reg[ctx.reg.length - 1]!.wr;
  } else {
    first = ctx.wrs[0]!;
    last = ctx.wrs[ctx.wrs.length - 1]!;
  }
  if (chainWr) {
    last.next = chainWr;
  } else {
    last.wrId = cqe;
    last.sendFlags = (last.sendFlags ?? 0) | IB_SEND_SIGNALED;
  }
  return first;
}

/** Models `rdma_rw_ctx_post`: `ib_post_send` of the context's chain; 0 or -errno. */
export function rwCtxPost(ctx: RwCtx, qp: Qp, portNum: number, cqe: unknown, chainWr: SendWr | null = null): number {
  return postSend(qp, rwCtxWrs(ctx, qp, portNum, cqe, chainWr)).ret;
}

/**
 * Models `rdma_rw_ctx_destroy(ctx, qp, port_num, sg, sg_cnt, dir)`: MRs back to the pool, then
 * the unmap: 4.20 only when the first page is not P2P (P2P mappings are never unmapped), 6.12
 * always (the DMA API skips bus-address segments).
 */
export function rwCtxDestroy(ctx: RwCtx, qp: Qp, _portNum: number, sg: ScatterEntry[], sgCnt: number, dir: DmaDirection): void {
  if (ctx.destroyed) throw new RdmaError("rdma_rw context destroyed twice", "ERDMA_STATE");
  if (ctx.type === "SIG_MR") throw new RdmaError("a signature context is destroyed by rdma_rw_ctx_destroy_signature", "ERDMA_STATE");
  ctx.destroyed = true;
  if (ctx.type === "MR") for (const r of ctx.reg) qp.rdmaMrs.put(r.mr);
  const dev = qp.pd.device;
  if (ctx.kernel === "4.20" && dev.host.p2p.isP2pdmaPage(sg[0]?.page)) return;
  ibDmaUnmapSg(dev, sg, sgCnt, dir, ctx.kernel);
}
