/** Work requests (`struct ib_send_wr` and its `ib_rdma_wr` / `ib_reg_wr` extensions, `ib_recv_wr`). */
import type { Mr } from "./mr";
import { RdmaError } from "./errors";

/** `struct ib_sge`. */
export interface Sge {
  addr: bigint;
  length: number;
  lkey: number;
}

interface WrCommon {
  wrId?: unknown;
  /** IB_SEND_SIGNALED, IB_SEND_FENCE. */
  sendFlags?: number;
  /** The next WR of a chain. */
  next?: SendWr | null;
}

export interface SendOnlyWr extends WrCommon {
  opcode: "SEND";
  sgList: Sge[];
}

/** `struct ib_rdma_wr`. */
export interface RdmaWr extends WrCommon {
  opcode: "RDMA_WRITE" | "RDMA_READ" | "RDMA_READ_WITH_INV";
  sgList: Sge[];
  remoteAddr: bigint;
  rkey: number;
  /** RDMA_READ_WITH_INV: the local MR key to invalidate when the data has landed. */
  invalidateRkey?: number;
}

export interface LocalInvWr extends WrCommon {
  opcode: "LOCAL_INV";
  invalidateRkey: number;
}

/** `struct ib_reg_wr`. */
export interface RegMrWr extends WrCommon {
  opcode: "REG_MR";
  mr: Mr;
  key: number;
  access: number;
}

export type SendWr = SendOnlyWr | RdmaWr | LocalInvWr | RegMrWr;

/** `struct ib_recv_wr`. */
export interface RecvWr {
  wrId?: unknown;
  sgList: Sge[];
  next?: RecvWr | null;
}

/** The WRs of a chain, first to last. */
export function chainToArray<T extends { next?: T | null }>(first: T | null): T[] {
  const out: T[] = [];
  const seen = new Set<T>();
  for (let w: T | null | undefined = first; w; w = w.next) {
    if (seen.has(w)) throw new RdmaError("work request chain loops");
    seen.add(w);
    out.push(w);
  }
  return out;
}
