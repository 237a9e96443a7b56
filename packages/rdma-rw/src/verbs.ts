/**
 * What a connection manager does to bring two RC QPs up (the attribute sets `rdma_cm` passes
 * to `ib_modify_qp`): RESET -> INIT -> RTR -> RTS on both sides, with remote read and write
 * enabled, as `cma_init_qp_attr` / `cma_modify_qp_rtr/rts` do for a connected RC QP.
 */
import type { Qp } from "./qp";
import { modifyQp } from "./qp";
import {
  IB_ACCESS_REMOTE_READ,
  IB_ACCESS_REMOTE_WRITE,
  IB_QP_ACCESS_FLAGS,
  IB_QP_AV,
  IB_QP_DEST_QPN,
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
} from "./spec/verbs";

export interface ConnectOptions {
  /** QP access flags (default REMOTE_READ | REMOTE_WRITE). */
  readonly accessFlags?: number;
  /** Default 7 (retry forever, what NVMe-oF hosts ask for). */
  readonly rnrRetry?: number;
  /** IBA Table 48 encoding (default 12 = 0.64 ms). */
  readonly minRnrTimer?: number;
  /** Local ACK timeout exponent (default 14, ~67 ms) and transport retries (default 7). */
  readonly timeout?: number;
  readonly retryCnt?: number;
}

/** The three `ib_modify_qp` calls bringing `qp` to RTS towards `remoteQpn`; 0 or the first errno. */
export function bringUp(qp: Qp, remoteQpn: number, o: ConnectOptions = {}): number {
  const steps: [Parameters<typeof modifyQp>[1], number][] = [
    [
      { qpState: IB_QPS.INIT, pkeyIndex: 0, portNum: 1, qpAccessFlags: o.accessFlags ?? IB_ACCESS_REMOTE_READ | IB_ACCESS_REMOTE_WRITE },
      IB_QP_STATE | IB_QP_PKEY_INDEX | IB_QP_PORT | IB_QP_ACCESS_FLAGS,
    ],
    [
      { qpState: IB_QPS.RTR, ahAttr: { portNum: 1 }, pathMtu: 5, destQpNum: remoteQpn, rqPsn: 0, maxDestRdAtomic: 16, minRnrTimer: o.minRnrTimer ?? 12 },
      IB_QP_STATE | IB_QP_AV | IB_QP_PATH_MTU | IB_QP_DEST_QPN | IB_QP_RQ_PSN | IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER,
    ],
    [
      { qpState: IB_QPS.RTS, timeout: o.timeout ?? 14, retryCnt: o.retryCnt ?? 7, rnrRetry: o.rnrRetry ?? 7, sqPsn: 0, maxRdAtomic: 16 },
      IB_QP_STATE | IB_QP_TIMEOUT | IB_QP_RETRY_CNT | IB_QP_RNR_RETRY | IB_QP_SQ_PSN | IB_QP_MAX_QP_RD_ATOMIC,
    ],
  ];
  for (const [attr, mask] of steps) {
    const r = modifyQp(qp, attr, mask);
    if (r) return r;
  }
  return 0;
}

/** Connects two RC QPs to each other; 0 or the first errno. */
export function connectQps(a: Qp, b: Qp, o: ConnectOptions = {}): number {
  return bringUp(a, b.qpNum, o) || bringUp(b, a.qpNum, o);
}
