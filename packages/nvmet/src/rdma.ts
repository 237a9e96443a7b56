/**
 * nvmet-rdma transport logic (rdma.c) over a narrow RDMA interface ({@link RdmaRwApi}) that the
 * `@p2pdma/rdma-rw` adapter implements: `p2p_client` per kernel mode, in-capsule data (never
 * P2P), keyed SGLs with the 24-bit length, `rdma_rw_ctx` init with "Internal Error" on failure
 * (spec 6.5), RDMA READ before executing writes, RDMA WRITE before answering reads, and SGL
 * release.
 */
import type { KDevice } from "@p2pdma/pci-core";
import type { Nvmet } from "./core";
import { nvmetSqDestroy } from "./ctrl";
import { NVMF_KEYED_SGLS, NVMF_METADATA_SUPPORTED, NvmetReq, NvmetSq } from "./nvmet";
import type { NvmetCtrl, NvmetFabricsOps, NvmetPort } from "./nvmet";
import { bindSq, nvmetReqAllocSgls, nvmetReqComplete, nvmetReqFreeSgls, nvmetReqInit } from "./req";
import { PAGE_SIZE } from "./sgl";
import type { SgEntry } from "./sgl";
import { NVME_KEY_SGL_FMT_DATA_DESC, NVME_SC, NVME_SGL_FMT_ADDRESS, NVME_SGL_FMT_DATA_DESC, NVME_SGL_FMT_INVALIDATE, NVME_SGL_FMT_OFFSET, NVME_STATUS_DNR, NVMF_TRTYPE, SQE, SQE_SIZE } from "./spec/nvme";

/** `NVMET_RDMA_DEFAULT_INLINE_DATA_SIZE`, `..._MAX_...`, queue sizes and MDTS. */
export const NVMET_RDMA_DEFAULT_INLINE_DATA_SIZE = PAGE_SIZE;
export const NVMET_RDMA_MAX_INLINE_DATA_SIZE = 16384;
export const NVME_RDMA_DEFAULT_QUEUE_SIZE = 128;
export const NVME_RDMA_MAX_QUEUE_SIZE = 256;
export const NVMET_RDMA_MAX_MDTS = 8;

/** The RDMA device a queue runs on (`struct ib_device`). */
export interface RdmaDevice {
  /** `&ib_device.dev`: its parent chain leads to the NIC's PCI function. */
  readonly dev: KDevice;
  /** `ib_dma_pci_p2p_dma_supported()`: false for virtual-DMA (software RDMA) devices. */
  readonly p2pDmaSupported: boolean;
}

/** What nvmet-rdma needs from the RDMA core (`rdma_rw_ctx_init/post/destroy`). */
export interface RdmaRwApi {
  /** `rdma_rw_ctx_init` over `sgl`: the number of work requests, or a negative errno (e.g. -EREMOTEIO when P2P mapping is refused). */
  rwCtxInit(sgl: readonly SgEntry[], remoteAddr: bigint, rkey: number, toHost: boolean): number;
  /** Posts the context: RDMA READ (host -> sgl) or WRITE (sgl -> host). Resolves 0 or a negative errno. */
  rwCtxPost(sgl: readonly SgEntry[], remoteAddr: bigint, rkey: number, toHost: boolean): Promise<number>;
}

/** The nvmet-rdma transport (`nvmet_rdma_ops`). */
export class NvmetRdmaTransport implements NvmetFabricsOps {
  readonly type = NVMF_TRTYPE.RDMA;
  readonly name = "rdma";
  readonly flags = NVMF_KEYED_SGLS | NVMF_METADATA_SUPPORTED;
  readonly msdbd = 1;
  readonly queuesByCtrl = new Map<NvmetCtrl, NvmetRdmaQueue[]>();
  constructor(readonly t: Nvmet) {}

  /** Models `nvmet_rdma_add_port`'s parameter defaults and clamps. */
  addPort(port: NvmetPort): number {
    if (port.inlineDataSize < 0) port.inlineDataSize = NVMET_RDMA_DEFAULT_INLINE_DATA_SIZE;
    else if (port.inlineDataSize > NVMET_RDMA_MAX_INLINE_DATA_SIZE) {
      this.t.pr("warn", `inline_data_size ${port.inlineDataSize} is too large, reducing to ${NVMET_RDMA_MAX_INLINE_DATA_SIZE}`, "nvmet_rdma: ");
      port.inlineDataSize = NVMET_RDMA_MAX_INLINE_DATA_SIZE;
    }
    if (port.maxQueueSize < 0) port.maxQueueSize = NVME_RDMA_DEFAULT_QUEUE_SIZE;
    else if (port.maxQueueSize > NVME_RDMA_MAX_QUEUE_SIZE) {
      this.t.pr("warn", `max_queue_size ${port.maxQueueSize} is too large, reducing to ${NVME_RDMA_MAX_QUEUE_SIZE}`, "nvmet_rdma: ");
      port.maxQueueSize = NVME_RDMA_MAX_QUEUE_SIZE;
    }
    return 0;
  }
  removePort(_port: NvmetPort): void {}
  queueResponse(req: NvmetReq): void {
    req.done?.(req);
  }
  deleteCtrl(ctrl: NvmetCtrl): void {
    for (const q of this.queuesByCtrl.get(ctrl) ?? []) q.destroy();
    this.queuesByCtrl.delete(ctrl);
  }
  getMdts(_ctrl: NvmetCtrl): number {
    return NVMET_RDMA_MAX_MDTS;
  }
  getMaxQueueSize(_ctrl: NvmetCtrl): number {
    return NVME_RDMA_MAX_QUEUE_SIZE;
  }
}

/** A completed RDMA command as the host sees it. */
export interface RdmaCompletion {
  readonly status: number;
  readonly result: bigint;
}

/** One RDMA queue pair's target side (`struct nvmet_rdma_queue`). */
export class NvmetRdmaQueue {
  readonly sq = new NvmetSq();
  constructor(
    readonly tr: NvmetRdmaTransport,
    readonly port: NvmetPort,
    readonly device: RdmaDevice,
    readonly rw: RdmaRwApi,
  ) {
    bindSq(tr.t, this.sq);
  }

  /** Models `nvmet_rdma_alloc_rsp`'s p2p_client: 4.20 always, 6.12 only with P2P-capable DMA. */
  p2pClient(): KDevice | null {
    if (this.tr.t.kernel === "4.20") return this.device.dev;
    return this.device.p2pDmaSupported ? this.device.dev : null;
  }

  /** Models `nvmet_rdma_handle_command` for one received capsule (SQE + in-capsule data). */
  handleCommand(capsule: Uint8Array): Promise<RdmaCompletion> {
    const req = new NvmetReq(capsule.slice(0, SQE_SIZE));
    const inline = capsule.subarray(SQE_SIZE);
    req.p2pClient = this.p2pClient();
    return new Promise((resolve) => {
      let inlineSg = false;
      let keyed: { addr: bigint; key: number } | null = null;
      const finish = (r: NvmetReq): void => {
        if (r.sg && !inlineSg) nvmetReqFreeSgls(r);
        resolve({ status: (r.cqe.status >> 1) & 0x5fff, result: r.cqe.result });
      };
      req.done = (r) => {
        // queue_response: RDMA WRITE of read data before the response
        if (keyed && r.sg && !r.cqe.status && !nvmeIsWrite(r) && r.transferLen) {
          void this.rw.rwCtxPost(r.sg, keyed.addr, keyed.key, true).then(() => finish(r));
        } else finish(r);
      };
      if (!nvmetReqInit(req, this.sq, this.tr, this.port)) return;
      if (this.sq.ctrl && !this.tr.queuesByCtrl.get(this.sq.ctrl)?.includes(this)) {
        const l = this.tr.queuesByCtrl.get(this.sq.ctrl) ?? [];
        l.push(this);
        this.tr.queuesByCtrl.set(this.sq.ctrl, l);
      }
      const type = req.u8(SQE.dptr + 15);
      let status = 0;
      switch (type >> 4) {
        case NVME_SGL_FMT_DATA_DESC:
          if ((type & 0xf) === NVME_SGL_FMT_OFFSET) {
            status = this.mapInline(req, inline);
            inlineSg = true;
          } else {
            this.tr.t.pr("err", `invalid SGL subtype: 0x${type.toString(16)}`, "nvmet_rdma: ");
            req.errorLoc = SQE.dptr;
            status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
          }
          break;
        case NVME_KEY_SGL_FMT_DATA_DESC:
          if ((type & 0xf) === NVME_SGL_FMT_ADDRESS || (type & 0xf) === NVME_SGL_FMT_INVALIDATE) {
            const addr = req.u64(SQE.dptr);
            const len = req.u8(SQE.dptr + 8) | (req.u8(SQE.dptr + 9) << 8) | (req.u8(SQE.dptr + 10) << 16);
            const key = req.u32(SQE.dptr + 11);
            status = this.mapKeyed(req, addr, len, key);
            keyed = { addr, key };
          } else {
            this.tr.t.pr("err", `invalid SGL subtype: 0x${type.toString(16)}`, "nvmet_rdma: ");
            req.errorLoc = SQE.dptr;
            status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
          }
          break;
        default:
          this.tr.t.pr("err", `invalid SGL type: 0x${type.toString(16)}`, "nvmet_rdma: ");
          req.errorLoc = SQE.dptr;
          status = NVME_SC.SGL_INVALID_TYPE | NVME_STATUS_DNR;
      }
      if (status) {
        nvmetReqComplete(req, status);
        return;
      }
      if (keyed && req.sg && req.transferLen && nvmeIsWrite(req)) {
        const k = keyed;
        void this.rw.rwCtxPost(req.sg, k.addr, k.key, false).then((r) => {
          if (r < 0) nvmetReqComplete(req, NVME_SC.DATA_XFER_ERROR);
          else req.execute!(req);
        });
      } else req.execute!(req);
    });
  }

  /** Models `nvmet_rdma_map_sgl_inline`: the receive buffer, never P2P. */
  private mapInline(req: NvmetReq, inline: Uint8Array): number {
    const off = Number(req.u64(SQE.dptr));
    const len = req.u32(SQE.dptr + 8);
    if (!isWrite(req)) {
      req.errorLoc = SQE.opcode;
      return NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
    }
    if (off + len > this.port.inlineDataSize) {
      this.tr.t.pr("err", "invalid inline data offset!", "nvmet_rdma: ");
      return NVME_SC.SGL_INVALID_OFFSET | NVME_STATUS_DNR;
    }
    if (!len) return 0;
    req.sg = [{ buf: inline.slice(off, off + len), p2p: null }];
    req.transferLen += len;
    return 0;
  }

  /** Models `nvmet_rdma_map_sgl_keyed` (spec 6.5). */
  private mapKeyed(req: NvmetReq, addr: bigint, len: number, key: number): number {
    req.transferLen = len;
    if (!req.transferLen) return 0;
    if (nvmetReqAllocSgls(req) < 0 || this.rw.rwCtxInit(req.sg!, addr, key, !isWrite(req)) < 0) {
      if (req.sg) nvmetReqFreeSgls(req);
      req.transferLen = 0;
      return NVME_SC.INTERNAL;
    }
    return 0;
  }

  /** Queue teardown (`nvmet_rdma_free_queue` -> `nvmet_sq_destroy`). */
  destroy(): void {
    nvmetSqDestroy(this.tr.t, this.sq);
  }
}

/** `nvme_is_write`: opcode bit 0 (host to controller data). */
function isWrite(req: NvmetReq): boolean {
  return (req.opcode & 1) === 1;
}

/**
 * Models `nvme_is_write()` (include/linux/nvme.h): data flows host to controller when bit 0 of
 * the opcode is set, or, for a Fabrics command, bit 0 of its fctype (Connect carries data in).
 */
function nvmeIsWrite(req: NvmetReq): boolean {
  const FABRICS_OPCODE = 0x7f;
  const FCTYPE_OFFSET = 4;
  if (req.opcode === FABRICS_OPCODE) return (req.u8(FCTYPE_OFFSET) & 1) === 1;
  return (req.opcode & 1) === 1;
}
