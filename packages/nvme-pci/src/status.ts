/**
 * NVMe completion status to block status (6.12 drivers/nvme/host/core.c `nvme_error_status`),
 * as a table keyed by `(SCT << 8) | SC` (the `NVME_SCT_SC_MASK` part of the status). Data only.
 */
import type { BlockStatus } from "@p2pdma/block";

/** `(SCT << 8) | SC` -> block status; anything else is IOERR. */
export const NVME_ERROR_STATUS: Readonly<Record<number, BlockStatus>> = {
  0x000: "OK",
  0x081: "NOSPC", // CAP_EXCEEDED
  0x080: "TARGET", // LBA_RANGE
  0x021: "TARGET", // CMD_INTERRUPTED
  0x082: "TARGET", // NS_NOT_READY
  0x180: "NOTSUPP", // BAD_ATTRIBUTES
  0x001: "NOTSUPP", // INVALID_OPCODE
  0x002: "NOTSUPP", // INVALID_FIELD
  0x00b: "NOTSUPP", // INVALID_NS
  0x280: "MEDIUM", // WRITE_FAULT
  0x281: "MEDIUM", // READ_ERROR
  0x287: "MEDIUM", // UNWRITTEN_BLOCK
  0x286: "MEDIUM", // ACCESS_DENIED
  0x182: "MEDIUM", // READ_ONLY
  0x285: "MEDIUM", // COMPARE_FAILED
  0x282: "PROTECTION", // GUARD_CHECK
  0x283: "PROTECTION", // APPTAG_CHECK
  0x284: "PROTECTION", // REFTAG_CHECK
  0x083: "RESV_CONFLICT", // RESERVATION_CONFLICT
  0x181: "PROTECTION", // INVALID_PI
  0x370: "TRANSPORT", // HOST_PATH_ERROR
  0x1bd: "ZONE_ACTIVE_RESOURCE", // ZONE_TOO_MANY_ACTIVE
  0x1be: "ZONE_OPEN_RESOURCE", // ZONE_TOO_MANY_OPEN
};

/** Models `nvme_error_status(status)`; `status` is the 15-bit CQE status without the phase bit. */
export function nvmeErrorStatus(status: number): BlockStatus {
  return NVME_ERROR_STATUS[status & 0x7ff] ?? "IOERR";
}
