/**
 * The RC column of `qp_state_table` in drivers/infiniband/core/verbs.c (6.12; the RC rows are
 * the same in 4.20) and `ib_modify_qp_is_ok`: which transitions exist, which attributes each
 * requires and which it allows besides IB_QP_STATE.
 */
import type { QpState } from "./spec/verbs";
import {
  IB_QP_ACCESS_FLAGS,
  IB_QP_ALT_PATH,
  IB_QP_AV,
  IB_QP_CUR_STATE,
  IB_QP_DEST_QPN,
  IB_QP_EN_SQD_ASYNC_NOTIFY,
  IB_QP_MAX_DEST_RD_ATOMIC,
  IB_QP_MAX_QP_RD_ATOMIC,
  IB_QP_MIN_RNR_TIMER,
  IB_QP_PATH_MIG_STATE,
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

interface Transition {
  readonly req: number;
  readonly opt: number;
}

const NONE: Transition = { req: 0, opt: 0 };
const { RESET, INIT, RTR, RTS, SQD, SQE, ERR } = IB_QPS;

/** `qp_state_table[cur][next]` for IB_QPT_RC; a missing entry is an invalid transition. */
export const RC_QP_STATE_TABLE: ReadonlyMap<QpState, ReadonlyMap<QpState, Transition>> = new Map<QpState, Map<QpState, Transition>>([
  [RESET, new Map([
    [RESET, NONE],
    [INIT, { req: IB_QP_PKEY_INDEX | IB_QP_PORT | IB_QP_ACCESS_FLAGS, opt: 0 }],
  ])],
  [INIT, new Map([
    [RESET, NONE],
    [ERR, NONE],
    [INIT, { req: 0, opt: IB_QP_PKEY_INDEX | IB_QP_PORT | IB_QP_ACCESS_FLAGS }],
    [RTR, {
      req: IB_QP_AV | IB_QP_PATH_MTU | IB_QP_DEST_QPN | IB_QP_RQ_PSN | IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER,
      opt: IB_QP_ALT_PATH | IB_QP_ACCESS_FLAGS | IB_QP_PKEY_INDEX,
    }],
  ])],
  [RTR, new Map([
    [RESET, NONE],
    [ERR, NONE],
    [RTS, {
      req: IB_QP_TIMEOUT | IB_QP_RETRY_CNT | IB_QP_RNR_RETRY | IB_QP_SQ_PSN | IB_QP_MAX_QP_RD_ATOMIC,
      opt: IB_QP_CUR_STATE | IB_QP_ALT_PATH | IB_QP_ACCESS_FLAGS | IB_QP_MIN_RNR_TIMER | IB_QP_PATH_MIG_STATE,
    }],
  ])],
  [RTS, new Map([
    [RESET, NONE],
    [ERR, NONE],
    [RTS, { req: 0, opt: IB_QP_CUR_STATE | IB_QP_ACCESS_FLAGS | IB_QP_ALT_PATH | IB_QP_PATH_MIG_STATE | IB_QP_MIN_RNR_TIMER }],
    [SQD, { req: 0, opt: IB_QP_EN_SQD_ASYNC_NOTIFY }],
  ])],
  [SQD, new Map([
    [RESET, NONE],
    [ERR, NONE],
    [RTS, { req: 0, opt: IB_QP_CUR_STATE | IB_QP_ALT_PATH | IB_QP_ACCESS_FLAGS | IB_QP_MIN_RNR_TIMER | IB_QP_PATH_MIG_STATE }],
    [SQD, {
      req: 0,
      opt:
        IB_QP_PORT | IB_QP_AV | IB_QP_TIMEOUT | IB_QP_RETRY_CNT | IB_QP_RNR_RETRY | IB_QP_MAX_QP_RD_ATOMIC |
        IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_ALT_PATH | IB_QP_ACCESS_FLAGS | IB_QP_PKEY_INDEX | IB_QP_MIN_RNR_TIMER |
        IB_QP_PATH_MIG_STATE,
    }],
  ])],
  [SQE, new Map([
    [RESET, NONE],
    [ERR, NONE],
    [RTS, NONE],
  ])],
  [ERR, new Map([
    [RESET, NONE],
    [ERR, NONE],
  ])],
]);

/** Models `ib_modify_qp_is_ok(cur, next, IB_QPT_RC, mask)`. */
export function modifyQpIsOk(cur: QpState, next: QpState, mask: number): boolean {
  if (mask & IB_QP_CUR_STATE && cur !== RTR && cur !== RTS && cur !== SQD && cur !== SQE) return false;
  const t = RC_QP_STATE_TABLE.get(cur)?.get(next);
  if (!t) return false;
  if ((mask & t.req) !== t.req) return false;
  if (mask & ~(t.req | t.opt | IB_QP_STATE)) return false;
  return true;
}
