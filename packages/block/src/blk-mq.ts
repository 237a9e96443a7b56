/**
 * blk-mq (block/blk-mq.c): tag sets, hardware queues with their tags, requests, dispatch with
 * requeue on resource shortage, and completion (`blk_mq_end_request`, `blk_update_request`
 * with `blk_print_req_error`).
 */
import type { LogLine } from "@p2pdma/pci-core";
import type { Bio } from "./bio";
import type { BlockStatus } from "./blk-status";
import type { RequestQueue } from "./blk-core";
import { bioEndio } from "./bio";
import { blkStatusToStr } from "./blk-status";
import { blkOpStr, REQ_OP_MASK, SECTOR_SHIFT } from "./blk-types";
import { BlockError } from "./errors";

/** The driver side (`struct blk_mq_ops`). `queueRq` returns "OK" once the driver owns the request. */
export interface BlkMqOps {
  queueRq(hctx: HwQueue, rq: Request, last: boolean): BlockStatus;
  /** `commit_rqs`: ring doorbells for requests queued with `last` false. */
  commitRqs?(hctx: HwQueue): void;
}

/** `struct blk_mq_tag_set` options. */
export interface TagSetOptions {
  readonly ops: BlkMqOps;
  readonly nrHwQueues: number;
  readonly queueDepth: number;
  /** Tags held back for the driver (`reserved_tags`). */
  readonly reservedTags?: number;
}

/** `struct blk_mq_tag_set`. */
export class TagSet {
  readonly ops: BlkMqOps;
  readonly nrHwQueues: number;
  readonly queueDepth: number;
  readonly reservedTags: number;
  driverData: unknown = null;

  constructor(o: TagSetOptions) {
    if (!Number.isInteger(o.nrHwQueues) || o.nrHwQueues < 1) throw new BlockError(`nr_hw_queues ${o.nrHwQueues}`);
    if (!Number.isInteger(o.queueDepth) || o.queueDepth < 1) throw new BlockError(`queue_depth ${o.queueDepth}`);
    this.ops = o.ops;
    this.nrHwQueues = o.nrHwQueues;
    this.queueDepth = o.queueDepth;
    this.reservedTags = o.reservedTags ?? 0;
  }
}

/** `struct request`. */
export class Request {
  readonly bios: Bio[] = [];
  /** `cmd_flags`: op | REQ_* flags (of the first bio). */
  cmdFlags: number;
  sector: bigint;
  dataLen = 0;
  nrPhysSegments = 0;
  ioprio: number;
  /** RQF_QUIET: no error line at completion. */
  quiet = false;
  /** Per-request driver data (`blk_mq_rq_to_pdu`). */
  pdu: unknown = null;
  completed = false;

  constructor(
    readonly q: RequestQueue,
    readonly hctx: HwQueue,
    readonly tag: number,
    bio: Bio,
  ) {
    this.cmdFlags = bio.opf;
    this.sector = bio.sector;
    this.ioprio = bio.ioprio;
  }

  get op(): number {
    return this.cmdFlags & REQ_OP_MASK;
  }
  get nrSectors(): number {
    return this.dataLen >>> SECTOR_SHIFT;
  }
}

/** `struct blk_mq_hw_ctx` with its tags. */
export class HwQueue {
  private readonly freeTags: number[] = [];
  /** Requests the driver refused for lack of resources (`hctx->dispatch`). */
  readonly dispatch: Request[] = [];
  /** Bios waiting for a tag. */
  readonly waiting: Bio[] = [];
  driverData: unknown = null;
  inflight = 0;
  /** Requests issued to the driver, for statistics. */
  issued = 0;

  constructor(
    readonly q: RequestQueue,
    readonly queueNum: number,
    depth: number,
  ) {
    for (let t = depth - 1; t >= 0; t--) this.freeTags.push(t);
  }

  getTag(): number | null {
    return this.freeTags.pop() ?? null;
  }

  putTag(tag: number): void {
    this.freeTags.push(tag);
  }

  get freeTagCount(): number {
    return this.freeTags.length;
  }
}

/** Models `blk_print_req_error` of 6.12 (KERN_ERR). */
export function reqErrorLine(rq: Request, status: BlockStatus): LogLine {
  const disk = rq.q.disk ? rq.q.disk.diskName : "?";
  const op = rq.op;
  const flags = (rq.cmdFlags & ~REQ_OP_MASK) >>> 0;
  const text =
    `${blkStatusToStr(status)} error, dev ${disk}, sector ${rq.sector} op 0x${op.toString(16)}:(${blkOpStr(op)}) ` +
    `flags 0x${flags.toString(16)} phys_seg ${rq.nrPhysSegments} prio class ${rq.ioprio >>> 13}`;
  return { level: "err", text };
}

/**
 * Models `blk_mq_end_request(rq, status)`: prints the error line for a failed non-quiet
 * request, completes every bio with the status, frees the tag and restarts waiting work.
 */
export function blkMqEndRequest(rq: Request, status: BlockStatus): void {
  if (rq.completed) throw new BlockError("request completed twice", "EBLOCK_STATE");
  rq.completed = true;
  if (status !== "OK" && !rq.quiet) rq.q.log(reqErrorLine(rq, status));
  rq.q.stats.account(rq, status);
  for (const bio of rq.bios) bioEndio(bio, status);
  const hctx = rq.hctx;
  hctx.inflight--;
  hctx.putTag(rq.tag);
  rq.q.restart(hctx);
}
