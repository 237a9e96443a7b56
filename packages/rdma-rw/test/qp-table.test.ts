import { describe, expect, it } from "vitest";
import { EINVAL } from "@p2pdma/pci-core";
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
  IB_QP_QKEY,
  IB_QP_RETRY_CNT,
  IB_QP_RNR_RETRY,
  IB_QP_RQ_PSN,
  IB_QP_SQ_PSN,
  IB_QP_STATE,
  IB_QP_TIMEOUT,
  IB_QPS,
  QP_STATE_NAMES,
  modifyQp,
  modifyQpIsOk,
  queryQp,
} from "../src/index";
import type { QpState } from "../src/index";
import { pair } from "./helpers/setup";

const INIT_MASK = IB_QP_STATE | IB_QP_PKEY_INDEX | IB_QP_PORT | IB_QP_ACCESS_FLAGS;
const RTR_MASK = IB_QP_STATE | IB_QP_AV | IB_QP_PATH_MTU | IB_QP_DEST_QPN | IB_QP_RQ_PSN | IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER;
const RTS_MASK = IB_QP_STATE | IB_QP_TIMEOUT | IB_QP_RETRY_CNT | IB_QP_RNR_RETRY | IB_QP_SQ_PSN | IB_QP_MAX_QP_RD_ATOMIC;
const S = IB_QPS;

/** The minimal mask of every valid RC transition (qp_state_table in drivers/infiniband/core/verbs.c). */
const VALID: Record<string, number> = {
  "RESET>RESET": IB_QP_STATE,
  "RESET>INIT": INIT_MASK,
  "INIT>RESET": IB_QP_STATE,
  "INIT>ERR": IB_QP_STATE,
  "INIT>INIT": IB_QP_STATE,
  "INIT>RTR": RTR_MASK,
  "RTR>RESET": IB_QP_STATE,
  "RTR>ERR": IB_QP_STATE,
  "RTR>RTS": RTS_MASK,
  "RTS>RESET": IB_QP_STATE,
  "RTS>ERR": IB_QP_STATE,
  "RTS>RTS": IB_QP_STATE,
  "RTS>SQD": IB_QP_STATE,
  "SQD>RESET": IB_QP_STATE,
  "SQD>ERR": IB_QP_STATE,
  "SQD>RTS": IB_QP_STATE,
  "SQD>SQD": IB_QP_STATE,
  "SQE>RESET": IB_QP_STATE,
  "SQE>ERR": IB_QP_STATE,
  "SQE>RTS": IB_QP_STATE,
  "ERR>RESET": IB_QP_STATE,
  "ERR>ERR": IB_QP_STATE,
};

describe("ib_modify_qp_is_ok, RC (qp_state_table)", () => {
  const states = [0, 1, 2, 3, 4, 5, 6] as QpState[];
  for (const cur of states) {
    for (const next of states) {
      const key = `${QP_STATE_NAMES[cur]}>${QP_STATE_NAMES[next]}`;
      const mask = VALID[key];
      it(`${key} is ${mask === undefined ? "invalid" : "valid with its required attributes only"}`, () => {
        if (mask === undefined) {
          expect(modifyQpIsOk(cur, next, IB_QP_STATE)).toBe(false);
          expect(modifyQpIsOk(cur, next, 0x1fffff)).toBe(false);
        } else {
          expect(modifyQpIsOk(cur, next, mask)).toBe(true);
          // one attribute the transition does not allow
          expect(modifyQpIsOk(cur, next, mask | IB_QP_QKEY)).toBe(false);
        }
      });
    }
  }

  it("a required attribute missing fails: INIT->RTR without IB_QP_DEST_QPN, RTR->RTS without IB_QP_RNR_RETRY", () => {
    expect(modifyQpIsOk(S.INIT, S.RTR, RTR_MASK & ~IB_QP_DEST_QPN)).toBe(false);
    expect(modifyQpIsOk(S.RTR, S.RTS, RTS_MASK & ~IB_QP_RNR_RETRY)).toBe(false);
    expect(modifyQpIsOk(S.RESET, S.INIT, INIT_MASK & ~IB_QP_PORT)).toBe(false);
  });

  it("optional attributes: RTS->SQD takes EN_SQD_ASYNC_NOTIFY, RTR->RTS takes CUR_STATE and MIN_RNR_TIMER", () => {
    expect(modifyQpIsOk(S.RTS, S.SQD, IB_QP_STATE | IB_QP_EN_SQD_ASYNC_NOTIFY)).toBe(true);
    expect(modifyQpIsOk(S.RTR, S.RTS, RTS_MASK | IB_QP_CUR_STATE | IB_QP_MIN_RNR_TIMER)).toBe(true);
    expect(modifyQpIsOk(S.SQE, S.RTS, IB_QP_STATE | IB_QP_CUR_STATE)).toBe(false);
  });

  it("IB_QP_CUR_STATE is refused unless the current state is RTR, RTS, SQD or SQE", () => {
    expect(modifyQpIsOk(S.INIT, S.INIT, IB_QP_STATE | IB_QP_CUR_STATE)).toBe(false);
    expect(modifyQpIsOk(S.RTS, S.RTS, IB_QP_STATE | IB_QP_CUR_STATE)).toBe(true);
  });
});

describe("ib_modify_qp on a live QP", () => {
  it("walks RESET -> INIT -> RTR -> RTS; invalid steps return -EINVAL and change nothing", () => {
    const { a } = pair();
    const qp = a.qp;
    expect(queryQp(qp).qpState).toBe(S.RTS);
    expect(modifyQp(qp, { qpState: S.INIT }, IB_QP_STATE)).toBe(-EINVAL);
    expect(qp.state).toBe(S.RTS);
    expect(modifyQp(qp, { qpState: S.SQD }, IB_QP_STATE)).toBe(0);
    expect(qp.state).toBe(S.SQD);
    expect(modifyQp(qp, { qpState: S.RTS }, IB_QP_STATE)).toBe(0);
    expect(modifyQp(qp, { qpState: S.ERR }, IB_QP_STATE)).toBe(0);
    expect(modifyQp(qp, { qpState: S.RTS }, IB_QP_STATE)).toBe(-EINVAL);
    expect(modifyQp(qp, { qpState: S.RESET }, IB_QP_STATE)).toBe(0);
    expect(modifyQp(qp, { qpState: S.INIT, pkeyIndex: 0, portNum: 2, qpAccessFlags: 0 }, INIT_MASK)).toBe(-EINVAL);
    expect(modifyQp(qp, { qpState: S.INIT, pkeyIndex: 0, portNum: 1, qpAccessFlags: 0 }, INIT_MASK)).toBe(0);
    expect(queryQp(qp).qpState).toBe(S.INIT);
  });

  it("RESET -> ERR does not exist for RC", () => {
    const { a } = pair();
    expect(modifyQp(a.qp, { qpState: S.RESET }, IB_QP_STATE)).toBe(0);
    expect(modifyQp(a.qp, { qpState: S.ERR }, IB_QP_STATE)).toBe(-EINVAL);
  });
});
