/**
 * Request handling (core.c): `nvmet_req_init` with the command dispatch, completion with the
 * error log, transfer-length checks, SGL copy helpers, and SGL allocation with P2P memory and
 * silent fallback (spec 6.6), counted per namespace and controller.
 */
import { EIO, ENODATA, ENOSPC, EOPNOTSUPP, EREMOTEIO } from "@p2pdma/pci-core";
import type { Nvmet } from "./core";
import { parseAdminCmd } from "./admin-cmd";
import { parseConnectCmd, parseFabricsIoCmd } from "./fabrics-cmd";
import { bdevParseIoCmd } from "./io-cmd-bdev";
import { fileParseIoCmd } from "./io-cmd-file";
import { NVMET_ERROR_LOG_SLOTS, NVMET_NO_ERROR_LOC } from "./nvmet";
import type { NvmetFabricsOps, NvmetPort, NvmetReq, NvmetSq } from "./nvmet";
import type { P2pProvider } from "./p2p";
import type { FallbackReason, P2pCounters } from "./p2p-stats";
import type { SgEntry } from "./sgl";
import { sgCopyFrom, sgCopyTo, sglAlloc, sgZero } from "./sgl";
import {
  NVME_ANA,
  NVME_CC_ENABLE,
  NVME_CMD,
  NVME_CMD_FUSE_FIRST,
  NVME_CMD_FUSE_SECOND,
  NVME_CMD_SGL_ALL,
  NVME_CMD_SGL_METABUF,
  NVME_CSTS_RDY,
  NVME_FABRICS_COMMAND,
  NVME_SC,
  NVME_STATUS_DNR,
  SQE,
} from "./spec/nvme";

const MAX_FALLBACK_EVENTS = 1024;

/** The target a queue belongs to; transports set it on the request before init. */
const targets = new WeakMap<NvmetSq, Nvmet>();

/** Binds a queue to its target (done once by the transport at queue creation). */
export function bindSq(t: Nvmet, sq: NvmetSq): void {
  targets.set(sq, t);
}

/** The target of a request's queue. */
export function reqTarget(req: NvmetReq): Nvmet {
  const t = targets.get(req.sq);
  if (!t) throw new Error("nvmet: queue not bound to a target");
  return t;
}

/** Models `nvmet_report_invalid_opcode`. */
export function reportInvalidOpcode(req: NvmetReq): number {
  req.errorLoc = SQE.opcode;
  return NVME_SC.INVALID_OPCODE | NVME_STATUS_DNR;
}

/** Models `errno_to_nvme_status`. */
export function errnoToNvmeStatus(req: NvmetReq, errno: number): number {
  switch (errno) {
    case 0:
      return NVME_SC.SUCCESS;
    case -ENOSPC:
      req.errorLoc = SQE.length;
      return NVME_SC.CAP_EXCEEDED | NVME_STATUS_DNR;
    case -EREMOTEIO:
      req.errorLoc = SQE.slba;
      return NVME_SC.LBA_RANGE | NVME_STATUS_DNR;
    case -EOPNOTSUPP:
      req.errorLoc = SQE.opcode;
      return NVME_SC.INVALID_OPCODE | NVME_STATUS_DNR;
    case -ENODATA:
      req.errorLoc = SQE.nsid;
      return NVME_SC.ACCESS_DENIED;
    case -EIO:
    default:
      req.errorLoc = SQE.opcode;
      return NVME_SC.INTERNAL | NVME_STATUS_DNR;
  }
}

/**
 * Models `nvmet_req_init`: resets the request, checks flags, dispatches to the connect, I/O or
 * admin parser. On failure the request is completed with the status and false is returned.
 */
export function nvmetReqInit(req: NvmetReq, sq: NvmetSq, ops: NvmetFabricsOps, port: NvmetPort): boolean {
  req.sq = sq;
  req.ops = ops;
  req.port = port;
  req.sg = null;
  req.transferLen = 0;
  req.metadataLen = 0;
  req.cqe.result = 0n;
  req.cqe.status = 0;
  req.cqe.sqHead = 0;
  req.ns = null;
  req.errorLoc = NVMET_NO_ERROR_LOC;
  req.errorSlba = 0n;
  req.execute = null;
  req.p2pDev = null;
  const flags = req.flags;
  let status: number;
  if (flags & (NVME_CMD_FUSE_FIRST | NVME_CMD_FUSE_SECOND)) {
    req.errorLoc = SQE.flags;
    status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  } else if ((flags & NVME_CMD_SGL_ALL) !== NVME_CMD_SGL_METABUF) {
    req.errorLoc = SQE.flags;
    status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  } else if (!sq.ctrl) status = parseConnectCmd(req);
  else if (sq.qid !== 0) status = parseIoCmd(req);
  else status = parseAdminCmd(req);
  if (!status && !sq.live) status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  if (status) {
    completeInner(req, status);
    return false;
  }
  sq.inflight++;
  if (sq.ctrl) sq.ctrl.resetTbkas = true;
  return true;
}

/** Models `nvmet_req_uninit` (a transport gives up on an initialised request). */
export function nvmetReqUninit(req: NvmetReq): void {
  req.sq.inflight--;
}

function updateSqHead(req: NvmetReq): void {
  const sq = req.sq;
  if (sq.size) sq.sqhd = (sq.sqhd + 1) % sq.size;
  req.cqe.sqHead = sq.sqhd & 0xffff;
}

/** Models `nvmet_set_error`: status field, error log slot, More bit. */
function setError(req: NvmetReq, status: number): void {
  const ctrl = req.sq.ctrl;
  req.cqe.status = (status << 1) & 0xffff;
  if (!ctrl || req.errorLoc === NVMET_NO_ERROR_LOC) return;
  ctrl.errCounter++;
  ctrl.slots[Number(ctrl.errCounter % BigInt(NVMET_ERROR_LOG_SLOTS))] = {
    errorCount: ctrl.errCounter,
    sqid: req.sq.qid,
    cmdid: req.commandId,
    statusField: (status << 1) & 0xffff,
    paramErrorLocation: req.errorLoc,
    lba: req.errorSlba,
    nsid: req.nsid,
  };
  req.cqe.status |= 1 << 14;
}

function completeInner(req: NvmetReq, status: number): void {
  if (!req.sq.sqhdDisabled) updateSqHead(req);
  req.cqe.sqId = req.sq.qid;
  req.cqe.commandId = req.commandId;
  if (status) setError(req, status);
  req.ops.queueResponse(req);
}

/** Models `nvmet_req_complete`. */
export function nvmetReqComplete(req: NvmetReq, status: number): void {
  completeInner(req, status);
  req.sq.inflight--;
}

/** Models `nvmet_check_transfer_len`: completes with SGL Invalid Data on mismatch. */
export function checkTransferLen(req: NvmetReq, len: number): boolean {
  if (len !== req.transferLen) {
    req.errorLoc = SQE.dptr;
    nvmetReqComplete(req, NVME_SC.SGL_INVALID_DATA | NVME_STATUS_DNR);
    return false;
  }
  return true;
}

/** Models `nvmet_check_data_len_lte`. */
export function checkDataLenLte(req: NvmetReq, len: number): boolean {
  if (len > req.transferLen) {
    req.errorLoc = SQE.dptr;
    nvmetReqComplete(req, NVME_SC.SGL_INVALID_DATA | NVME_STATUS_DNR);
    return false;
  }
  return true;
}

/** Models `nvmet_copy_to_sgl`. */
export function copyToSgl(req: NvmetReq, off: number, buf: Uint8Array): number {
  if (!req.sg || sgCopyFrom(req.sg, off, buf) !== buf.length) {
    req.errorLoc = SQE.dptr;
    return NVME_SC.SGL_INVALID_DATA | NVME_STATUS_DNR;
  }
  return 0;
}

/** Models `nvmet_copy_from_sgl`. */
export function copyFromSgl(req: NvmetReq, off: number, buf: Uint8Array): number {
  if (!req.sg || sgCopyTo(req.sg, off, buf) !== buf.length) {
    req.errorLoc = SQE.dptr;
    return NVME_SC.SGL_INVALID_DATA | NVME_STATUS_DNR;
  }
  return 0;
}

/** Models `nvmet_zero_sgl`. */
export function zeroSgl(req: NvmetReq, off: number, len: number): number {
  if (len === 0) return 0;
  if (!req.sg || sgZero(req.sg, off, len) !== len) {
    req.errorLoc = SQE.dptr;
    return NVME_SC.SGL_INVALID_DATA | NVME_STATUS_DNR;
  }
  return 0;
}

/** Models `nvmet_req_find_ns`. */
export function reqFindNs(req: NvmetReq): number {
  const subsys = req.sq.ctrl!.subsys;
  const nsid = req.nsid;
  const ns = subsys.namespaces.get(nsid);
  if (!ns) {
    req.errorLoc = SQE.nsid;
    if (subsys.nsItems.has(String(nsid))) return NVME_SC.INTERNAL_PATH_ERROR;
    return NVME_SC.INVALID_NS | NVME_STATUS_DNR;
  }
  req.ns = ns;
  return 0;
}

/** Models `nvmet_check_ctrl_status`. */
export function checkCtrlStatus(req: NvmetReq): number {
  const ctrl = req.sq.ctrl!;
  if (!(ctrl.cc & NVME_CC_ENABLE)) {
    reqTarget(req).pr("err", `got cmd ${req.opcode} while CC.EN == 0 on qid = ${req.sq.qid}`);
    return NVME_SC.CMD_SEQ_ERROR | NVME_STATUS_DNR;
  }
  if (!(ctrl.csts & NVME_CSTS_RDY)) {
    reqTarget(req).pr("err", `got cmd ${req.opcode} while CSTS.RDY == 0 on qid = ${req.sq.qid}`);
    return NVME_SC.CMD_SEQ_ERROR | NVME_STATUS_DNR;
  }
  return 0;
}

/** Models `nvmet_parse_io_cmd`. */
function parseIoCmd(req: NvmetReq): number {
  if (req.opcode === NVME_FABRICS_COMMAND) return parseFabricsIoCmd(req);
  let ret = checkCtrlStatus(req);
  if (ret) return ret;
  ret = reqFindNs(req);
  if (ret) return ret;
  const ns = req.ns!;
  const state = req.port.anaState[ns.anagrpid];
  ret = state === NVME_ANA.INACCESSIBLE ? NVME_SC.ANA_INACCESSIBLE
    : state === NVME_ANA.PERSISTENT_LOSS ? NVME_SC.ANA_PERSISTENT_LOSS
    : state === NVME_ANA.CHANGE ? NVME_SC.ANA_TRANSITION : 0;
  if (ret) {
    req.errorLoc = SQE.nsid;
    return ret;
  }
  if (ns.readonly && req.opcode !== NVME_CMD.READ && req.opcode !== NVME_CMD.FLUSH) {
    req.errorLoc = SQE.nsid;
    return NVME_SC.NS_WRITE_PROTECTED;
  }
  return ns.file ? fileParseIoCmd(req) : bdevParseIoCmd(req);
}

/** `nvmet_rw_data_len`: (NLB + 1) << LBA shift. */
export function rwDataLen(req: NvmetReq): number {
  return (req.u16(SQE.length) + 1) * 2 ** req.ns!.blksizeShift;
}

/** `nvmet_dsm_len`: (NR + 1) ranges of 16 bytes. */
export function dsmLen(req: NvmetReq): number {
  return ((req.u32(SQE.dsmNr) & 0xff) + 1) * 16;
}

/** Models `nvmet_req_find_p2p_dev` with the reason when there is none. */
function findP2pDev(t: Nvmet, req: NvmetReq): P2pProvider | FallbackReason {
  const ctrl = req.sq.ctrl;
  if (!t.p2p) return "p2pdma-disabled";
  if (!ctrl) return "no-controller";
  if (!req.sq.qid) return "admin-queue";
  const ns = req.ns;
  if (!ns) return "no-namespace";
  const p = ctrl.p2pNsMap.get(ns.nsid);
  if (p) return p;
  if (!ns.useP2pmem) return "p2pmem-off";
  if (!ns.bdev) return "not-block-backed";
  if (!ctrl.p2pClient) return "no-p2p-client";
  return "no-provider";
}

function count(c: P2pCounters | null | undefined, p2p: boolean, len: number, reason: FallbackReason | null): void {
  if (!c) return;
  if (p2p) {
    c.p2pSgls++;
    c.p2pBytes += len;
  } else {
    c.systemSgls++;
    c.systemBytes += len;
    if (reason) c.fallbacks[reason]++;
  }
}

/**
 * Models `nvmet_req_alloc_sgls` (spec 6.6): P2P memory for I/O queues of namespaces mapped
 * for this controller, else system memory, silently. Returns 0 or -ENOMEM.
 */
export function nvmetReqAllocSgls(req: NvmetReq): number {
  const t = reqTarget(req);
  const len = req.transferLen - req.metadataLen;
  const found = findP2pDev(t, req);
  let reason: FallbackReason;
  if (typeof found === "object") {
    const sg = t.p2p!.allocSgl(found, len);
    if (sg) {
      req.sg = sg;
      req.p2pDev = found;
      count(req.ns?.counters, true, len, null);
      count(req.sq.ctrl?.counters, true, len, null);
      return 0;
    }
    reason = "pool-exhausted";
  } else reason = found;
  req.sg = sglAlloc(len);
  count(req.ns?.counters, false, len, reason);
  count(req.sq.ctrl?.counters, false, len, reason);
  t.fallbackEvents.push({ cntlid: req.sq.ctrl?.cntlid ?? null, nsid: req.ns?.nsid ?? null, qid: req.sq.qid, length: len, reason });
  if (t.fallbackEvents.length > MAX_FALLBACK_EVENTS) t.fallbackEvents.shift();
  return 0;
}

/** Models `nvmet_req_free_sgls`. */
export function nvmetReqFreeSgls(req: NvmetReq): void {
  if (req.p2pDev && req.sg) {
    reqTarget(req).p2p?.freeSgl(req.p2pDev, req.sg);
  }
  req.p2pDev = null;
  req.sg = null;
}

/** The entries of a request's data list (empty when none). */
export function reqSg(req: NvmetReq): readonly SgEntry[] {
  return req.sg ?? [];
}

/** The execute handlers of one NVM I/O backend (block device or file). */
export interface NvmIoHandlers {
  readonly rw: (req: NvmetReq) => void;
  readonly flush: (req: NvmetReq) => void;
  readonly dsm: (req: NvmetReq) => void;
  readonly writeZeroes: (req: NvmetReq) => void;
}

/**
 * The opcode dispatch `nvmet_bdev_parse_io_cmd` and `nvmet_file_parse_io_cmd` share: Read and
 * Write, Flush, Dataset Management and Write Zeroes get the backend's handler; any other
 * opcode is reported invalid.
 */
export function parseNvmIoCmd(req: NvmetReq, h: NvmIoHandlers): number {
  switch (req.opcode) {
    case NVME_CMD.READ:
    case NVME_CMD.WRITE:
      req.execute = h.rw;
      return 0;
    case NVME_CMD.FLUSH:
      req.execute = h.flush;
      return 0;
    case NVME_CMD.DSM:
      req.execute = h.dsm;
      return 0;
    case NVME_CMD.WRITE_ZEROES:
      req.execute = h.writeZeroes;
      return 0;
    default:
      return reportInvalidOpcode(req);
  }
}
