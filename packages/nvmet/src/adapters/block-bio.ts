/**
 * nvmet's bio vocabulary (src/backend.ts) translated to the block layer's: the request
 * operation, the request flags, and the block status back (include/linux/blk_types.h). Every
 * adapter from a `@p2pdma/block` gendisk to nvmet's BlockDevice uses these.
 */
import type { BlockStatus as BlkStatus } from "@p2pdma/block";
import { REQ, REQ_OP } from "@p2pdma/block";
import type { Bio, BlockStatus } from "../backend";

const FLAG_BITS: Readonly<Record<Bio["flags"][number], number>> = {
  sync: REQ.SYNC,
  idle: REQ.IDLE,
  fua: REQ.FUA,
  nomerge: REQ.NOMERGE,
  preflush: REQ.PREFLUSH,
};

const OPS: Readonly<Record<Bio["op"], number>> = {
  read: REQ_OP.READ,
  write: REQ_OP.WRITE,
  flush: REQ_OP.FLUSH,
  discard: REQ_OP.DISCARD,
  "write-zeroes": REQ_OP.WRITE_ZEROES,
};

const NVMET_STATUSES: ReadonlySet<string> = new Set(["OK", "NOTSUPP", "TIMEOUT", "NOSPC", "TARGET", "MEDIUM", "IOERR", "RESOURCE"]);

/** The `REQ_OP_*` of an nvmet bio. */
export function blockOpOf(bio: Pick<Bio, "op">): number {
  return OPS[bio.op];
}

/** The `REQ_*` flag bits of an nvmet bio. */
export function blockFlagsOf(bio: Pick<Bio, "flags">): number {
  return bio.flags.reduce((a, f) => a | FLAG_BITS[f], 0);
}

/** A block status as nvmet sees it (statuses it has no name for complete as IOERR). */
export function nvmetBlockStatus(s: BlkStatus): BlockStatus {
  return NVMET_STATUSES.has(s) ? (s as BlockStatus) : "IOERR";
}
