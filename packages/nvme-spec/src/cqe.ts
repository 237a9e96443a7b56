/**
 * The 16-byte Completion Queue Entry (NVMe 1.4 §4.6, Figures 121-125).
 */
import type { BitField } from "./field";

/** Size of a completion queue entry in bytes (2^4; Identify Controller CQES). */
export const CQE_SIZE = 16;
/** log2 of {@link CQE_SIZE}, the CC.IOCQES value for NVM command set queues. */
export const CQE_SIZE_SHIFT = 4;

/** Completion queue entry offsets (NVMe 1.4 Figure 121). */
export const CQE = {
  /** Dword 0: command specific. */
  DW0: 0,
  /** Dword 1: command specific. */
  DW1: 4,
  /** SQ Head Pointer (16 bits). */
  SQHD: 8,
  /** SQ Identifier (16 bits). */
  SQID: 10,
  /** Command Identifier (16 bits). */
  CID: 12,
  /** Phase Tag (bit 0) and Status Field (bits 15:1), 16 bits. */
  STATUS: 14,
} as const;

/** Fields of the 16-bit word at {@link CQE.STATUS} (NVMe 1.4 Figures 124-125). */
export const CQE_STATUS = {
  /** Phase Tag. */
  P: { shift: 0, width: 1 },
  /** Status Code. */
  SC: { shift: 1, width: 8 },
  /** Status Code Type. */
  SCT: { shift: 9, width: 3 },
  /** Command Retry Delay. */
  CRD: { shift: 12, width: 2 },
  /** More: more status information in the Error Information log page. */
  M: { shift: 14, width: 1 },
  /** Do Not Retry. */
  DNR: { shift: 15, width: 1 },
} as const satisfies Record<string, BitField>;
