/**
 * `rdma_rw_ctx_signature_init` / `rdma_rw_ctx_destroy_signature` (T10-PI offload), reduced to
 * what the P2P story needs: they never look at P2P pages (spec 4.1), so a P2P list is mapped
 * with the ordinary `ib_dma_map_sg` (4.20: CPU physical addresses, not bus addresses) or the
 * table mapping (6.12, where the DMA API handles P2P). Protection information itself is not
 * computed; the signature MR covers the data list only.
 */
import type { ScatterEntry } from "@p2pdma/p2pdma";
import type { Qp } from "./qp";
import type { RwCtx, RwInitResult, RwOptions } from "./rw";
import type { DmaDirection } from "./spec/verbs";
import type { RdmaWr, RegMrWr, Sge } from "./wr";
import { EAGAIN, EINVAL, ENOMEM } from "@p2pdma/pci-core";
import { ibDmaMapSg, ibDmaMapSgtable, ibDmaUnmapSg } from "./dma";
import { RdmaError } from "./errors";
import { mapMrSg } from "./mr";
import { rwFrPageListLen } from "./rw-caps";
import { DMA_TO_DEVICE, IB_ACCESS_LOCAL_WRITE, IB_ACCESS_REMOTE_WRITE } from "./spec/verbs";

/** Models `rdma_rw_ctx_signature_init`: WR count or -errno (-EINVAL too long, -ENOMEM, -EAGAIN). */
export function rwCtxSignatureInit(
  qp: Qp,
  _portNum: number,
  sg: ScatterEntry[],
  sgCnt: number,
  protSg: ScatterEntry[],
  protSgCnt: number,
  remoteAddr: bigint,
  rkey: number,
  dir: DmaDirection,
  opts: RwOptions = {},
): RwInitResult {
  const dev = qp.pd.device;
  const kernel = opts.kernel ?? dev.kernel;
  const ppm = rwFrPageListLen(dev);
  if (sgCnt > ppm || protSgCnt > ppm) {
    dev.host.system.log.append({ level: "err", text: `SG count too large: sg_cnt=${sgCnt}, prot_sg_cnt=${protSgCnt}, pages_per_mr=${ppm}` });
    return { ret: -EINVAL, ctx: null };
  }
  const map = (list: ScatterEntry[], n: number): number => {
    if (kernel === "4.20") return ibDmaMapSg(dev, list, n, dir, kernel) ? 0 : -ENOMEM;
    return ibDmaMapSgtable(dev, list, n, dir, kernel);
  };
  let r = map(sg, sgCnt);
  if (r) return { ret: r, ctx: null };
  if (protSgCnt) {
    r = map(protSg, protSgCnt);
    if (r) {
      ibDmaUnmapSg(dev, sg, sgCnt, dir, kernel);
      return { ret: r, ctx: null };
    }
  }
  const fail = (ret: number): RwInitResult => {
    if (protSgCnt) ibDmaUnmapSg(dev, protSg, protSgCnt, dir, kernel);
    ibDmaUnmapSg(dev, sg, sgCnt, dir, kernel);
    return { ret, ctx: null };
  };
  const mr = qp.sigMrs.get();
  if (!mr) return fail(-EAGAIN);
  if (mapMrSg(mr, sg, sgCnt) < sgCnt) {
    qp.sigMrs.put(mr);
    return fail(-EINVAL);
  }
  const access = IB_ACCESS_LOCAL_WRITE | (dev.protocol === "iwarp" ? IB_ACCESS_REMOTE_WRITE : 0);
  const sge: Sge = { addr: mr.iova, length: mr.length, lkey: mr.lkey };
  const wr: RdmaWr = { opcode: dir === DMA_TO_DEVICE ? "RDMA_WRITE" : "RDMA_READ", sgList: [sge], remoteAddr, rkey, next: null };
  const regWr: RegMrWr = { opcode: "REG_MR", mr, key: mr.lkey, access, next: wr };
  const ctx: RwCtx = { type: "SIG_MR", nrOps: 1, wrs: [], reg: [{ mr, sge, invWr: null, regWr, wr }], kernel, destroyed: false };
  return { ret: 2, ctx };
}

/** Models `rdma_rw_ctx_destroy_signature`: the MR back, both lists unmapped the ordinary way. */
export function rwCtxDestroySignature(ctx: RwCtx, qp: Qp, _portNum: number, sg: ScatterEntry[], sgCnt: number, protSg: ScatterEntry[], protSgCnt: number, dir: DmaDirection): void {
  if (ctx.type !== "SIG_MR" || ctx.destroyed) throw new RdmaError("not a live signature context", "ERDMA_STATE");
  ctx.destroyed = true;
  for (const r of ctx.reg) qp.sigMrs.put(r.mr);
  const dev = qp.pd.device;
  ibDmaUnmapSg(dev, sg, sgCnt, dir, ctx.kernel);
  if (protSgCnt) ibDmaUnmapSg(dev, protSg, protSgCnt, dir, ctx.kernel);
}
