/**
 * `struct ib_qp` of type RC: creation with its capabilities (and rdma_rw's extra send WRs and
 * MR pool, `rdma_rw_init_qp` / `rdma_rw_init_mrs`), `ib_modify_qp` through the state table
 * (invalid transitions or attribute masks -> -EINVAL), `ib_query_qp`, `ib_destroy_qp`, and
 * `ib_post_send` / `ib_post_recv`. The NIC's execution of the queues is in `hw/engine.ts`.
 */
import type { KernelMode } from "@p2pdma/pci-core";
import type { Cq } from "./cq";
import type { Errno } from "./errors";
import type { IbDevice } from "./ib-device";
import type { MrSegment } from "./mr";
import type { Pd } from "./pd";
import type { QpState, SigType } from "./spec/verbs";
import type { RecvWr, SendWr, Sge } from "./wr";
import { EINVAL, ENOMEM } from "@p2pdma/pci-core";
import { MrPool } from "./mr-pool";
import { modifyQpIsOk } from "./qp-table";
import { rwCanUseMr, rwFrPageListLen } from "./rw-caps";
import {
  IB_QP_ACCESS_FLAGS,
  IB_QP_AV,
  IB_QP_CUR_STATE,
  IB_QP_DEST_QPN,
  IB_QP_EN_SQD_ASYNC_NOTIFY,
  IB_QP_MAX_DEST_RD_ATOMIC,
  IB_QP_MAX_QP_RD_ATOMIC,
  IB_QP_MIN_RNR_TIMER,
  IB_QP_PATH_MTU,
  IB_QP_PKEY_INDEX,
  IB_QP_PORT,
  IB_QP_RETRY_CNT,
  IB_QP_RNR_RETRY,
  IB_QP_RQ_PSN,
  IB_QP_SQ_PSN,
  IB_QP_STATE,
  IB_QP_TIMEOUT,
  IB_QPS,
  IB_SEND_SIGNALED,
} from "./spec/verbs";
import { chainToArray } from "./wr";
import { flushRecv, flushSend, moveToError, resumeParked, submit } from "./hw/engine";

/** `struct ib_qp_cap`. */
export interface QpCap {
  maxSendWr: number;
  maxRecvWr: number;
  maxSendSge: number;
  maxRecvSge: number;
  /** rdma_rw contexts this QP will carry (`max_rdma_ctxs`). */
  maxRdmaCtxs: number;
}

/** `struct ib_qp_init_attr`. */
export interface QpInitAttr {
  readonly sendCq: Cq;
  readonly recvCq: Cq;
  readonly cap: Partial<QpCap> & { readonly maxSendWr: number; readonly maxRecvWr: number };
  readonly sqSigType?: SigType;
  /** Port for rdma_rw sizing (`port_num`, default 1). */
  readonly portNum?: number;
  /** IB_QP_CREATE_INTEGRITY_EN: a signature MR pool for `rdma_rw_ctx_signature_init`. */
  readonly integrityEn?: boolean;
  /** Kernel semantics of rdma_rw sizing (default: the device's). */
  readonly kernel?: KernelMode;
}

/** The address vector of a connected QP: only "which port" matters here (port 1's wire). */
export interface AhAttr {
  readonly portNum: number;
}

/** `struct ib_qp_attr`, the fields this model keeps. */
export interface QpAttr {
  qpState: QpState;
  curQpState: QpState;
  qpAccessFlags: number;
  pkeyIndex: number;
  portNum: number;
  pathMtu: number;
  destQpNum: number;
  rqPsn: number;
  sqPsn: number;
  maxDestRdAtomic: number;
  maxRdAtomic: number;
  /** IBA Table 48 encoding. */
  minRnrTimer: number;
  /** Local ACK timeout exponent: 4.096 us * 2^timeout; 0 = wait forever. */
  timeout: number;
  retryCnt: number;
  /** 0..7; 7 = retry forever. */
  rnrRetry: number;
  ahAttr: AhAttr | null;
  enSqdAsyncNotify: boolean;
}

/** A send queue entry as the NIC tracks it. */
export interface SqEntry {
  readonly wr: SendWr;
  readonly sgList: readonly Sge[];
  readonly signaled: boolean;
  seq: number;
  state: "pending" | "inflight" | "done";
  status: number;
  vendorErr: string;
  byteLen: number;
  rnrLeft: number;
  flushed: boolean;
  /** RDMA READ: where the returned data lands. */
  sinks: MrSegment[] | null;
}

/** A request waiting at the responder for a receive (RNR with infinite retry). */
export interface ParkedRequest {
  readonly run: () => void;
  readonly onDrop: () => void;
}

export class Qp {
  readonly qpNum: number;
  state: QpState = IB_QPS.RESET;
  readonly attr: QpAttr;
  readonly cap: QpCap;
  readonly sigType: SigType;
  /** `qp->max_write_sge` / `qp->max_read_sge` as rdma_rw sizes its WRs. */
  readonly maxWriteSge: number;
  readonly maxReadSge: number;
  readonly integrityEn: boolean;
  readonly rdmaMrs = new MrPool();
  readonly sigMrs = new MrPool();
  sq: SqEntry[] = [];
  rq: RecvWr[] = [];
  /** Requester: next sequence number; responder: the one expected next. */
  sendSeq = 0;
  recvSeq = 0;
  /** A local error stopped the send queue until the error completes. */
  sqHalted = false;
  parked: ParkedRequest[] = [];
  destroyed = false;

  constructor(
    readonly device: IbDevice,
    readonly pd: Pd,
    readonly sendCq: Cq,
    readonly recvCq: Cq,
    init: QpInitAttr,
    cap: QpCap,
  ) {
    this.qpNum = device.allocQpn();
    this.cap = cap;
    this.sigType = init.sqSigType ?? "ALL_WR";
    this.integrityEn = init.integrityEn ?? false;
    this.maxWriteSge = cap.maxSendSge;
    this.maxReadSge = Math.min(cap.maxSendSge, device.attrs.maxSgeRd);
    this.attr = {
      qpState: IB_QPS.RESET,
      curQpState: IB_QPS.RESET,
      qpAccessFlags: 0,
      pkeyIndex: 0,
      portNum: 0,
      pathMtu: 5,
      destQpNum: 0,
      rqPsn: 0,
      sqPsn: 0,
      maxDestRdAtomic: 0,
      maxRdAtomic: 0,
      minRnrTimer: 0,
      timeout: 0,
      retryCnt: 0,
      rnrRetry: 0,
      ahAttr: null,
      enSqdAsyncNotify: false,
    };
  }

  get kernel(): KernelMode {
    return this.device.kernel;
  }
}

/**
 * Models `ib_create_qp(pd, init_attr)` for IB_QPT_RC with `rdma_rw_init_qp` and
 * `rdma_rw_init_mrs`: the QP (in RESET), or -EINVAL when the capabilities exceed the device's,
 * or the MR pool's error.
 */
export function createQp(pd: Pd, init: QpInitAttr): Qp | Errno {
  const dev = pd.device;
  const kernel = init.kernel ?? dev.kernel;
  const port = init.portNum ?? 1;
  const c = init.cap;
  const cap: QpCap = {
    maxSendWr: c.maxSendWr,
    maxRecvWr: c.maxRecvWr,
    maxSendSge: c.maxSendSge ?? 1,
    maxRecvSge: c.maxRecvSge ?? 1,
    maxRdmaCtxs: c.maxRdmaCtxs ?? 0,
  };
  if (init.sendCq.device !== dev || init.recvCq.device !== dev) return -EINVAL;
  if (cap.maxRdmaCtxs > 0) {
    const factor = 1 + (init.integrityEn || rwCanUseMr(dev, kernel) ? 2 : 0);
    cap.maxSendWr = Math.min(cap.maxSendWr + factor * cap.maxRdmaCtxs, dev.attrs.maxQpWr);
  }
  const bad = (n: number, max: number): boolean => !Number.isInteger(n) || n < 0 || n > max;
  if (bad(cap.maxSendWr, dev.attrs.maxQpWr) || bad(cap.maxRecvWr, dev.attrs.maxQpWr)) return -EINVAL;
  if (bad(cap.maxSendSge, dev.attrs.maxSge) || bad(cap.maxRecvSge, dev.attrs.maxSge)) return -EINVAL;
  const qp = new Qp(dev, pd, init.sendCq, init.recvCq, { ...init, portNum: port }, cap);
  if (cap.maxRdmaCtxs > 0) {
    let nrMrs = 0;
    let nrSig = 0;
    let maxNumSg = 0;
    if (init.integrityEn) {
      nrSig = cap.maxRdmaCtxs;
      nrMrs = cap.maxRdmaCtxs;
      maxNumSg = rwFrPageListLen(dev);
    } else if (rwCanUseMr(dev, kernel)) {
      nrMrs = cap.maxRdmaCtxs;
      maxNumSg = rwFrPageListLen(dev);
    }
    if (nrMrs) {
      const r = qp.rdmaMrs.init(pd, nrMrs, "MEM_REG", maxNumSg);
      if (r) return r;
    }
    if (nrSig) {
      const r = qp.sigMrs.init(pd, nrSig, "INTEGRITY", maxNumSg);
      if (r) {
        qp.rdmaMrs.destroy();
        return r;
      }
    }
  }
  dev.qps.set(qp.qpNum, qp);
  init.sendCq.qps.add(qp);
  init.recvCq.qps.add(qp);
  pd.usecnt++;
  return qp;
}

/** What `ib_modify_qp` takes: the attributes named by `mask`. */
export type QpAttrInput = Partial<QpAttr>;

/**
 * Models `ib_modify_qp(qp, attr, mask)`: 0, or -EINVAL for a transition the table refuses, a
 * missing required or a disallowed optional attribute, or a port other than 1.
 */
export function modifyQp(qp: Qp, attr: QpAttrInput, mask: number): number {
  if (qp.destroyed) return -EINVAL;
  const cur = mask & IB_QP_CUR_STATE ? (attr.curQpState ?? qp.state) : qp.state;
  const next = mask & IB_QP_STATE ? attr.qpState : cur;
  if (next === undefined || !modifyQpIsOk(cur, next, mask)) return -EINVAL;
  if (mask & IB_QP_PORT && attr.portNum !== 1) return -EINVAL;
  if (mask & IB_QP_AV && (!attr.ahAttr || attr.ahAttr.portNum !== 1)) return -EINVAL;
  if (mask & IB_QP_RNR_RETRY && !(Number.isInteger(attr.rnrRetry) && attr.rnrRetry! >= 0 && attr.rnrRetry! <= 7)) return -EINVAL;
  if (mask & IB_QP_MIN_RNR_TIMER && !(Number.isInteger(attr.minRnrTimer) && attr.minRnrTimer! >= 0 && attr.minRnrTimer! <= 31)) return -EINVAL;
  const a = qp.attr;
  const set = <K extends keyof QpAttr>(bit: number, key: K): void => {
    const v = attr[key];
    if (mask & bit && v !== undefined) a[key] = v as QpAttr[K];
  };
  set(IB_QP_ACCESS_FLAGS, "qpAccessFlags");
  set(IB_QP_PKEY_INDEX, "pkeyIndex");
  set(IB_QP_PORT, "portNum");
  set(IB_QP_AV, "ahAttr");
  set(IB_QP_PATH_MTU, "pathMtu");
  set(IB_QP_DEST_QPN, "destQpNum");
  set(IB_QP_RQ_PSN, "rqPsn");
  set(IB_QP_SQ_PSN, "sqPsn");
  set(IB_QP_MAX_DEST_RD_ATOMIC, "maxDestRdAtomic");
  set(IB_QP_MAX_QP_RD_ATOMIC, "maxRdAtomic");
  set(IB_QP_MIN_RNR_TIMER, "minRnrTimer");
  set(IB_QP_TIMEOUT, "timeout");
  set(IB_QP_RETRY_CNT, "retryCnt");
  set(IB_QP_RNR_RETRY, "rnrRetry");
  set(IB_QP_EN_SQD_ASYNC_NOTIFY, "enSqdAsyncNotify");
  const prev = qp.state;
  if (next === IB_QPS.ERR) {
    moveToError(qp);
  } else if (next === IB_QPS.RESET) {
    qp.state = IB_QPS.RESET;
    qp.sq = [];
    qp.rq = [];
    qp.parked = [];
    qp.sendSeq = 0;
    qp.recvSeq = 0;
    qp.sqHalted = false;
  } else {
    qp.state = next;
    if (next === IB_QPS.RTS && prev !== IB_QPS.RTS) {
      for (const e of qp.sq.filter((x) => x.state === "pending")) submit(qp, e);
    }
    if (next === IB_QPS.SQD && !qp.sq.some((e) => e.state === "inflight") && qp.attr.enSqdAsyncNotify) {
      qp.device.raise("IB_EVENT_SQ_DRAINED", qp.qpNum);
    }
  }
  a.qpState = qp.state;
  a.curQpState = qp.state;
  return 0;
}

/** Models `ib_query_qp`: a copy of the attributes with the current state. */
export function queryQp(qp: Qp): QpAttr {
  return { ...qp.attr, qpState: qp.state, curQpState: qp.state };
}

/** Models `ib_destroy_qp`: the QP disappears (nothing more completes); its MR pools are freed. */
export function destroyQp(qp: Qp): number {
  if (qp.destroyed) return -EINVAL;
  qp.destroyed = true;
  qp.state = IB_QPS.ERR;
  for (const e of qp.sq) e.flushed = true;
  qp.sq = [];
  qp.rq = [];
  for (const p of qp.parked.splice(0)) p.onDrop();
  qp.rdmaMrs.destroy();
  qp.sigMrs.destroy();
  qp.device.qps.delete(qp.qpNum);
  qp.sendCq.qps.delete(qp);
  qp.recvCq.qps.delete(qp);
  qp.pd.usecnt--;
  return 0;
}

/** The result of a post: 0 or -errno, and the first WR not posted. */
export interface PostResult<W> {
  readonly ret: number;
  readonly badWr: W | null;
}

/**
 * Models `ib_post_send(qp, wr, &bad_wr)`: -EINVAL in RESET/INIT/RTR, for too many SGEs or a WR
 * that cannot be valid; -ENOMEM when the send queue is full. On a QP in ERR every WR completes
 * at once with IB_WC_WR_FLUSH_ERR.
 */
export function postSend(qp: Qp, first: SendWr): PostResult<SendWr> {
  const wrs = chainToArray(first);
  for (const wr of wrs) {
    if (qp.destroyed || qp.state === IB_QPS.RESET || qp.state === IB_QPS.INIT || qp.state === IB_QPS.RTR) {
      return { ret: -EINVAL, badWr: wr };
    }
    const sgList = "sgList" in wr ? wr.sgList.map((s) => ({ ...s })) : [];
    if (sgList.length > qp.cap.maxSendSge || sgList.some((s) => !Number.isInteger(s.length) || s.length < 0)) {
      return { ret: -EINVAL, badWr: wr };
    }
    const signaled = qp.sigType === "ALL_WR" || ((wr.sendFlags ?? 0) & IB_SEND_SIGNALED) !== 0;
    const e: SqEntry = {
      wr: { ...wr, next: null },
      sgList,
      signaled,
      seq: -1,
      state: "pending",
      status: 0,
      vendorErr: "",
      byteLen: sgList.reduce((n, s) => n + s.length, 0),
      rnrLeft: qp.attr.rnrRetry,
      flushed: false,
      sinks: null,
    };
    if (qp.state === IB_QPS.ERR) {
      flushSend(qp, e);
      continue;
    }
    if (qp.sq.length >= qp.cap.maxSendWr) return { ret: -ENOMEM, badWr: wr };
    qp.sq.push(e);
    submit(qp, e);
  }
  return { ret: 0, badWr: null };
}

/**
 * Models `ib_post_recv(qp, wr, &bad_wr)`: -EINVAL in RESET or for too many SGEs, -ENOMEM when
 * the receive queue is full; on a QP in ERR each WR is flushed at once.
 */
export function postRecv(qp: Qp, first: RecvWr): PostResult<RecvWr> {
  for (const wr of chainToArray(first)) {
    if (qp.destroyed || qp.state === IB_QPS.RESET) return { ret: -EINVAL, badWr: wr };
    if (wr.sgList.length > qp.cap.maxRecvSge || wr.sgList.some((s) => !Number.isInteger(s.length) || s.length < 0)) {
      return { ret: -EINVAL, badWr: wr };
    }
    const copy: RecvWr = { wrId: wr.wrId, sgList: wr.sgList.map((s) => ({ ...s })), next: null };
    if (qp.state === IB_QPS.ERR) {
      flushRecv(qp, copy);
      continue;
    }
    if (qp.rq.length >= qp.cap.maxRecvWr) return { ret: -ENOMEM, badWr: wr };
    qp.rq.push(copy);
  }
  resumeParked(qp);
  return { ret: 0, badWr: null };
}

