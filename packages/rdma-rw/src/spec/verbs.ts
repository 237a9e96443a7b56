/**
 * Verbs constants as include/rdma/ib_verbs.h numbers them (checked against the 4.x and 6.x
 * headers in the public code index): QP states, `enum ib_qp_attr_mask`, `enum ib_access_flags`,
 * `enum ib_wc_status` with the texts of `ib_wc_status_msg`, send flags, DMA directions and the
 * RNR timer encoding of IBA 1.4 Table 48. No behaviour lives here.
 */

/** `enum ib_qp_state`. */
export const IB_QPS = { RESET: 0, INIT: 1, RTR: 2, RTS: 3, SQD: 4, SQE: 5, ERR: 6 } as const;
export type QpState = (typeof IB_QPS)[keyof typeof IB_QPS];
/** State names, indexed by value. */
export const QP_STATE_NAMES = ["RESET", "INIT", "RTR", "RTS", "SQD", "SQE", "ERR"] as const;

/** `enum ib_qp_attr_mask`. */
export const IB_QP_STATE = 1 << 0;
export const IB_QP_CUR_STATE = 1 << 1;
export const IB_QP_EN_SQD_ASYNC_NOTIFY = 1 << 2;
export const IB_QP_ACCESS_FLAGS = 1 << 3;
export const IB_QP_PKEY_INDEX = 1 << 4;
export const IB_QP_PORT = 1 << 5;
export const IB_QP_QKEY = 1 << 6;
export const IB_QP_AV = 1 << 7;
export const IB_QP_PATH_MTU = 1 << 8;
export const IB_QP_TIMEOUT = 1 << 9;
export const IB_QP_RETRY_CNT = 1 << 10;
export const IB_QP_RNR_RETRY = 1 << 11;
export const IB_QP_RQ_PSN = 1 << 12;
export const IB_QP_MAX_QP_RD_ATOMIC = 1 << 13;
export const IB_QP_ALT_PATH = 1 << 14;
export const IB_QP_MIN_RNR_TIMER = 1 << 15;
export const IB_QP_SQ_PSN = 1 << 16;
export const IB_QP_MAX_DEST_RD_ATOMIC = 1 << 17;
export const IB_QP_PATH_MIG_STATE = 1 << 18;
export const IB_QP_CAP = 1 << 19;
export const IB_QP_DEST_QPN = 1 << 20;

/** `enum ib_access_flags` (the bits this model enforces). */
export const IB_ACCESS_LOCAL_WRITE = 1 << 0;
export const IB_ACCESS_REMOTE_WRITE = 1 << 1;
export const IB_ACCESS_REMOTE_READ = 1 << 2;
export const IB_ACCESS_REMOTE_ATOMIC = 1 << 3;

/** `enum ib_wc_status`. */
export const IB_WC_SUCCESS = 0;
export const IB_WC_LOC_LEN_ERR = 1;
export const IB_WC_LOC_QP_OP_ERR = 2;
export const IB_WC_LOC_EEC_OP_ERR = 3;
export const IB_WC_LOC_PROT_ERR = 4;
export const IB_WC_WR_FLUSH_ERR = 5;
export const IB_WC_MW_BIND_ERR = 6;
export const IB_WC_BAD_RESP_ERR = 7;
export const IB_WC_LOC_ACCESS_ERR = 8;
export const IB_WC_REM_INV_REQ_ERR = 9;
export const IB_WC_REM_ACCESS_ERR = 10;
export const IB_WC_REM_OP_ERR = 11;
export const IB_WC_RETRY_EXC_ERR = 12;
export const IB_WC_RNR_RETRY_EXC_ERR = 13;
export const IB_WC_LOC_RDD_VIOL_ERR = 14;
export const IB_WC_REM_INV_RD_REQ_ERR = 15;
export const IB_WC_REM_ABORT_ERR = 16;
export const IB_WC_INV_EECN_ERR = 17;
export const IB_WC_INV_EEC_STATE_ERR = 18;
export const IB_WC_FATAL_ERR = 19;
export const IB_WC_RESP_TIMEOUT_ERR = 20;
export const IB_WC_GENERAL_ERR = 21;

/** `ib_wc_status_msg()` texts, indexed by status (drivers/infiniband/core/verbs.c). */
export const WC_STATUS_MSG: readonly string[] = [
  "success",
  "local length error",
  "local QP operation error",
  "local EE context operation error",
  "local protection error",
  "WR flushed",
  "memory bind operation error",
  "bad response error",
  "local access error",
  "remote invalid request error",
  "remote access error",
  "remote operation error",
  "transport retry counter exceeded",
  "RNR retry counter exceeded",
  "local RDD violation error",
  "remote invalid RD request",
  "operation aborted",
  "invalid EE context number",
  "invalid EE context state",
  "fatal error",
  "response timeout error",
  "general error",
];

/** Models `ib_wc_status_msg(status)`: out-of-range values read "unrecognized status". */
export function wcStatusMsg(status: number): string {
  return WC_STATUS_MSG[status] ?? "unrecognized status";
}

/** Work-request opcodes (`enum ib_wr_opcode`), as names. */
export const WR_OPCODES = ["RDMA_WRITE", "SEND", "RDMA_READ", "RDMA_READ_WITH_INV", "LOCAL_INV", "REG_MR"] as const;
export type WrOpcode = (typeof WR_OPCODES)[number];

/** Completion opcodes (`enum ib_wc_opcode`), as names; values differ between 4.20 and 6.12 headers. */
export type WcOpcode = "SEND" | "RDMA_WRITE" | "RDMA_READ" | "LOCAL_INV" | "REG_MR" | "RECV";

/** `enum ib_send_flags`. */
export const IB_SEND_FENCE = 1 << 0;
export const IB_SEND_SIGNALED = 1 << 1;

/** `enum ib_sig_type` of a QP. */
export type SigType = "ALL_WR" | "REQ_WR";

/** `enum dma_data_direction`. */
export const DMA_BIDIRECTIONAL = 0;
export const DMA_TO_DEVICE = 1;
export const DMA_FROM_DEVICE = 2;
export type DmaDirection = typeof DMA_BIDIRECTIONAL | typeof DMA_TO_DEVICE | typeof DMA_FROM_DEVICE;

/** Transport protocol of a port (`rdma_protocol_ib/roce/iwarp`). */
export type RdmaProtocol = "ib" | "roce" | "iwarp";

/**
 * IBA 1.4 Table 48 (`enum ib_rnr_timeout`, IB_RNR_TIMER_655_36 = 0 ... IB_RNR_TIMER_491_52 = 31):
 * the minimum RNR NAK timer in nanoseconds, indexed by the 5-bit encoding.
 */
export const RNR_TIMER_NS: readonly number[] = [
  655_360_000, 10_000, 20_000, 30_000, 40_000, 60_000, 80_000, 120_000, 160_000, 240_000, 320_000, 480_000, 640_000,
  960_000, 1_280_000, 1_920_000, 2_560_000, 3_840_000, 5_120_000, 7_680_000, 10_240_000, 15_360_000, 20_480_000,
  30_720_000, 40_960_000, 61_440_000, 81_920_000, 122_880_000, 163_840_000, 245_760_000, 327_680_000, 491_520_000,
];

/** An RNR retry count of 7 means "retry forever" (IBA 9.7.5.2.8). */
export const RNR_RETRY_INFINITE = 7;
