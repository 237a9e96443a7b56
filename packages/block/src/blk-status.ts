/**
 * Block status codes (`blk_status_t`, include/linux/blk_types.h of 6.12) and the table of
 * block/blk-core.c that maps them to errnos and to the words of the error log line
 * (`blk_status_to_errno`, `errno_to_blk_status`, `blk_status_to_str`). Data only.
 */
import { EAGAIN, EBUSY, EINVAL, EIO, ENODATA, ENODEV, ENOMEM, ENOSPC, EOPNOTSUPP, EREMOTEIO, ETIMEDOUT } from "@p2pdma/pci-core";

/** x86-64 errno values pci-core does not list (include/uapi/asm-generic/errno.h). */
export const EXTRA_ERRNO = { EBADE: 52, ETIME: 62, ENOLINK: 67, EOVERFLOW: 75, EREMCHG: 78, EILSEQ: 84, ETOOMANYREFS: 109 } as const;
const { EBADE, ETIME, ENOLINK, EOVERFLOW, EREMCHG, EILSEQ, ETOOMANYREFS } = EXTRA_ERRNO;

/** The status names, as the kernel spells them after `BLK_STS_`. */
export type BlockStatus =
  | "OK"
  | "NOTSUPP"
  | "TIMEOUT"
  | "NOSPC"
  | "TRANSPORT"
  | "TARGET"
  | "RESV_CONFLICT"
  | "MEDIUM"
  | "PROTECTION"
  | "RESOURCE"
  | "IOERR"
  | "DM_REQUEUE"
  | "AGAIN"
  | "DEV_RESOURCE"
  | "ZONE_OPEN_RESOURCE"
  | "ZONE_ACTIVE_RESOURCE"
  | "OFFLINE"
  | "DURATION_LIMIT"
  | "INVAL";

/** One row of `blk_errors[]`: numeric value, errno (negative) and the log word. */
export interface BlockStatusInfo {
  readonly value: number;
  readonly errno: number;
  readonly name: string;
}

/** `blk_errors[]` of 6.12 block/blk-core.c, with the `BLK_STS_*` values of blk_types.h. */
export const BLK_STATUS: Readonly<Record<BlockStatus, BlockStatusInfo>> = {
  OK: { value: 0, errno: 0, name: "" },
  NOTSUPP: { value: 1, errno: -EOPNOTSUPP, name: "operation not supported" },
  TIMEOUT: { value: 2, errno: -ETIMEDOUT, name: "timeout" },
  NOSPC: { value: 3, errno: -ENOSPC, name: "critical space allocation" },
  TRANSPORT: { value: 4, errno: -ENOLINK, name: "recoverable transport" },
  TARGET: { value: 5, errno: -EREMOTEIO, name: "critical target" },
  RESV_CONFLICT: { value: 6, errno: -EBADE, name: "reservation conflict" },
  MEDIUM: { value: 7, errno: -ENODATA, name: "critical medium" },
  PROTECTION: { value: 8, errno: -EILSEQ, name: "protection" },
  RESOURCE: { value: 9, errno: -ENOMEM, name: "kernel resource" },
  IOERR: { value: 10, errno: -EIO, name: "I/O" },
  DM_REQUEUE: { value: 11, errno: -EREMCHG, name: "dm internal retry" },
  AGAIN: { value: 12, errno: -EAGAIN, name: "nonblocking retry" },
  DEV_RESOURCE: { value: 13, errno: -EBUSY, name: "device resource" },
  ZONE_OPEN_RESOURCE: { value: 14, errno: -ETOOMANYREFS, name: "open zones exceeded" },
  ZONE_ACTIVE_RESOURCE: { value: 15, errno: -EOVERFLOW, name: "active zones exceeded" },
  OFFLINE: { value: 16, errno: -ENODEV, name: "device offline" },
  DURATION_LIMIT: { value: 17, errno: -ETIME, name: "duration limit exceeded" },
  INVAL: { value: 19, errno: -EINVAL, name: "invalid" },
};

const ORDER = Object.keys(BLK_STATUS) as BlockStatus[];

/** Models `blk_status_to_errno`. */
export function blkStatusToErrno(status: BlockStatus): number {
  return BLK_STATUS[status].errno;
}

/** Models `errno_to_blk_status`: the first table row with that errno, else IOERR. */
export function errnoToBlkStatus(errno: number): BlockStatus {
  for (const s of ORDER) if (BLK_STATUS[s].errno === errno) return s;
  return "IOERR";
}

/** Models `blk_status_to_str` (the word before " error" in the log line). */
export function blkStatusToStr(status: BlockStatus): string {
  return BLK_STATUS[status].name;
}

/** The status with this numeric value, or null. */
export function blkStatusFromValue(value: number): BlockStatus | null {
  return ORDER.find((s) => BLK_STATUS[s].value === value) ?? null;
}
