/**
 * @p2pdma/block: block/ modelled in kernel modes 4.20 and 6.12 (spec section 3). Status codes
 * are data ({@link BlockStatus}); API misuse throws {@link BlockError}.
 */

// Status codes and flags
export type { BlockStatus, BlockStatusInfo } from "./blk-status";
/** `blk_errors[]`, `blk_status_to_errno`, `errno_to_blk_status`, `blk_status_to_str`. */
export { BLK_STATUS, EXTRA_ERRNO, blkStatusToErrno, errnoToBlkStatus, blkStatusToStr, blkStatusFromValue } from "./blk-status";
export type { ReqOpName } from "./blk-types";
/** `enum req_op`, `REQ_*`, `REQ_NOMERGE_FLAGS`, `blk_op_str`, `op_is_write`, `BLK_FEAT_*`, QUEUE_FLAG_PCI_P2PDMA / BLK_FEAT_PCI_P2PDMA bits. */
export {
  REQ_OP,
  REQ_OP_BITS,
  REQ_OP_MASK,
  REQ,
  REQ_NOMERGE_FLAGS,
  blkOpStr,
  opIsWrite,
  PCI_P2PDMA_BIT,
  BLK_FEAT,
  IOPRIO_CLASS,
  SECTOR_SHIFT,
  SECTOR_SIZE,
} from "./blk-types";
export type { BlockErrorCode } from "./errors";
/** Misuse of the block API. */
export { BlockError } from "./errors";

// Bios
export type { BioVec } from "./bio";
/** `struct bio`, `bio_add_page` (one page map per bio in 6.12), `bio_endio`, REQ_NOMERGE marking. */
export { Bio, bioAddPage, bioEndio, bioSetNomerge, bioSetRange, BIO_MAX_VECS, BLK_PAGE_SIZE, IOPRIO_DEFAULT } from "./bio";

// Queues, blk-mq, merging
export type { QueueLimits, QueueOptions } from "./blk-core";
/** `struct request_queue`, `submit_bio`, `submit_bio_wait`, `blk_start_plug`, `blk_finish_plug`. */
export { RequestQueue, Plug, QueueStats, DEFAULT_LIMITS, submitBio, submitBioWait, waitBio, blkStartPlug, blkFinishPlug } from "./blk-core";
export type { BlkMqOps, TagSetOptions } from "./blk-mq";
/** `struct blk_mq_tag_set`, `blk_mq_hw_ctx`, `struct request`, `blk_mq_end_request`, `blk_print_req_error`. */
export { TagSet, HwQueue, Request, blkMqEndRequest, reqErrorLine } from "./blk-mq";
/** `blk_recalc_rq_segments`, `rq_mergeable`, `bio_mergeable`, back merge. */
export { countPhysSegments, rqMergeable, bioMergeable, attemptBackMerge } from "./blk-merge";

// Disks
/** `struct gendisk`, `add_disk` / `del_gendisk` registry. */
export { Gendisk, DiskRegistry } from "./genhd";

// Memory and direct I/O
/** System RAM: a page allocator over the Fabric's DRAM (`alloc_pages` / `dma_alloc_coherent`). */
export { HostMemory, DEFAULT_RAM } from "./host-memory";
export type { UserBuffer } from "./user-buffer";
/** User buffers: anonymous RAM or a `p2pmem/allocate` mapping, pinned as GUP does. */
export { ramBuffer, p2pmemBuffer } from "./user-buffer";
export type { DirectIoRequest } from "./direct-io";
/** O_DIRECT `pread` / `pwrite` (`blkdev_direct_IO`) with the 6.12 FOLL_PCI_P2PDMA rule. */
export { directIo } from "./direct-io";
