/**
 * The request queue and bio submission (block/blk-core.c, blk-mq.c submit path): queue limits
 * and the PCI_P2PDMA capability per kernel mode (`blk_queue_pci_p2pdma`), `submit_bio` with
 * `bio_check_eod`, plugging (`blk_start_plug` / `blk_finish_plug`) with back merges, tag
 * allocation, dispatch to the driver and requeue on BLK_STS_RESOURCE. Per spec 3.2 the core
 * does not inspect bios for P2P pages in either mode: the 6.12 rule lives where user pages are
 * pinned (direct-io.ts).
 */
import type { KernelMode, LogLine } from "@p2pdma/pci-core";
import type { Bio } from "./bio";
import type { BlockStatus } from "./blk-status";
import type { Gendisk } from "./genhd";
import type { TagSet } from "./blk-mq";
import { bioEndio } from "./bio";
import { blkMqEndRequest, HwQueue, Request } from "./blk-mq";
import { attemptBackMerge, countPhysSegments } from "./blk-merge";
import { BLK_FEAT, PCI_P2PDMA_BIT, REQ_OP, SECTOR_SHIFT } from "./blk-types";
import { BlockError } from "./errors";

/** `struct queue_limits` (the parts the model uses). */
export interface QueueLimits {
  logicalBlockSize: number;
  physicalBlockSize: number;
  /** `max_sectors` (512-byte units). */
  maxSectors: number;
  maxSegments: number;
  maxSegmentSize: number;
  /** 6.12 `features` (BLK_FEAT_*). */
  features: number;
}

export const DEFAULT_LIMITS: QueueLimits = {
  logicalBlockSize: 512,
  physicalBlockSize: 512,
  maxSectors: 2560,
  maxSegments: 128,
  maxSegmentSize: 65536,
  features: BLK_FEAT.IO_STAT,
};

/** I/O accounting (`/sys/block/<disk>/stat` subset). */
export class QueueStats {
  readIos = 0;
  writeIos = 0;
  readSectors = 0;
  writeSectors = 0;
  errors = 0;

  account(rq: Request, status: BlockStatus): void {
    if (status !== "OK") this.errors++;
    if (rq.op === REQ_OP.READ) {
      this.readIos++;
      this.readSectors += rq.nrSectors;
    } else if (rq.op === REQ_OP.WRITE) {
      this.writeIos++;
      this.writeSectors += rq.nrSectors;
    }
  }
}

/** What a queue is created with. */
export interface QueueOptions {
  readonly mode: KernelMode;
  readonly tagSet: TagSet;
  readonly limits?: Partial<QueueLimits>;
  /** Where kernel log lines go (the machine's KernelLog.append). */
  readonly log?: (line: LogLine) => void;
  /** Makes progress while a caller waits (runs one event of the virtual clock); false when idle. */
  readonly poll?: () => boolean;
}

/** `struct request_queue` on blk-mq. */
export class RequestQueue {
  readonly mode: KernelMode;
  readonly tagSet: TagSet;
  readonly limits: QueueLimits;
  /** 4.20 `queue_flags` bitmap. */
  queueFlags = 0;
  disk: Gendisk | null = null;
  readonly hctxs: HwQueue[];
  readonly stats = new QueueStats();
  /** Quiesced queues hold requests until unquiesced (`blk_mq_quiesce_queue`). */
  quiesced = false;
  /** The current plug of the submitting task, if any. */
  plug: Plug | null = null;
  private readonly logSink: (line: LogLine) => void;
  readonly poll: () => boolean;

  constructor(o: QueueOptions) {
    this.mode = o.mode;
    this.tagSet = o.tagSet;
    this.limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.logSink = o.log ?? (() => undefined);
    this.poll = o.poll ?? (() => false);
    this.hctxs = [];
    for (let i = 0; i < o.tagSet.nrHwQueues; i++) this.hctxs.push(new HwQueue(this, i, o.tagSet.queueDepth - o.tagSet.reservedTags));
  }

  log(line: LogLine): void {
    this.logSink(line);
  }

  /** Sets or clears the PCI P2PDMA capability in the word of this mode (spec 3.1). */
  setPciP2pdma(on: boolean): void {
    const { word, bit } = PCI_P2PDMA_BIT[this.mode];
    if (word === "queue_flags") this.queueFlags = on ? this.queueFlags | (1 << bit) : this.queueFlags & ~(1 << bit);
    else this.limits.features = on ? this.limits.features | (1 << bit) : this.limits.features & ~(1 << bit);
  }

  /** Models `blk_queue_pci_p2pdma(q)`. */
  get pciP2pdma(): boolean {
    const { word, bit } = PCI_P2PDMA_BIT[this.mode];
    return ((word === "queue_flags" ? this.queueFlags : this.limits.features) & (1 << bit)) !== 0;
  }

  /** The hardware queue for a submitting CPU. */
  mapQueue(cpu: number): HwQueue {
    return this.hctxs[cpu % this.hctxs.length]!;
  }

  /** After a completion: retry refused requests, then bios that waited for a tag. */
  restart(hctx: HwQueue): void {
    if (this.quiesced) return;
    while (hctx.dispatch.length > 0) {
      const rq = hctx.dispatch.shift()!;
      if (!issue(rq)) return;
    }
    while (hctx.waiting.length > 0 && hctx.freeTagCount > 0) {
      const bio = hctx.waiting.shift()!;
      const rq = allocRequest(this, hctx, bio);
      if (rq) issue(rq);
    }
  }

  /** Models `blk_mq_unquiesce_queue`. */
  unquiesce(): void {
    this.quiesced = false;
    for (const h of this.hctxs) this.restart(h);
  }
}

/** `struct blk_plug`: requests collected by one task and issued together. */
export class Plug {
  readonly list: Request[] = [];
}

function allocRequest(q: RequestQueue, hctx: HwQueue, bio: Bio): Request | null {
  const tag = hctx.getTag();
  if (tag === null) return null;
  const rq = new Request(q, hctx, tag, bio);
  rq.bios.push(bio);
  rq.dataLen = bio.size;
  rq.nrPhysSegments = bio.vecs.length === 0 ? 0 : countPhysSegments(bio.vecs, q.limits);
  hctx.inflight++;
  return rq;
}

/** Hands a request to the driver; false when it was put back for lack of resources. */
function issue(rq: Request, last = true): boolean {
  const q = rq.q;
  if (q.quiesced) {
    rq.hctx.dispatch.push(rq);
    return false;
  }
  rq.hctx.issued++;
  const st = q.tagSet.ops.queueRq(rq.hctx, rq, last);
  if (st === "OK") return true;
  if (st === "RESOURCE" || st === "DEV_RESOURCE") {
    // A request that can never make progress (nothing in flight to free resources) fails.
    if (rq.hctx.inflight <= 1) {
      blkMqEndRequest(rq, st);
      return true;
    }
    rq.hctx.dispatch.unshift(rq);
    return false;
  }
  blkMqEndRequest(rq, st);
  return true;
}

/** Models `bio_check_eod` plus the basic `submit_bio_noacct` checks: a status or null. */
function checkBio(q: RequestQueue, bio: Bio): BlockStatus | null {
  const disk = q.disk;
  if (!disk || !disk.live) return "IOERR";
  const nr = BigInt(bio.size >>> SECTOR_SHIFT);
  if (bio.op !== REQ_OP.FLUSH && (bio.sector + nr > disk.capacity || bio.sector > disk.capacity)) return "IOERR";
  const lbs = q.limits.logicalBlockSize;
  if (bio.size % lbs !== 0 || (bio.sector * 512n) % BigInt(lbs) !== 0n) return "IOERR";
  if ((bio.op === REQ_OP.READ || bio.op === REQ_OP.WRITE) && bio.size === 0) return "IOERR";
  if (bio.size >>> SECTOR_SHIFT > q.limits.maxSectors && (bio.op === REQ_OP.READ || bio.op === REQ_OP.WRITE)) {
    return splitNeeded(q, bio);
  }
  return null;
}

function splitNeeded(q: RequestQueue, bio: Bio): BlockStatus | null {
  void q;
  void bio;
  // Splitting is done by the caller (directIo builds bios within max_sectors); a bio that is
  // too large for the queue is refused like an invalid request.
  return "IOERR";
}

/**
 * Models `submit_bio(bio)`: validation (failures complete the bio at once with their status),
 * then either a back merge into or an addition to the task's plug, or direct issue. The bio's
 * `endIo` runs when the request completes (possibly later, on the virtual clock).
 */
export function submitBio(bio: Bio, cpu = 0): void {
  const q = bio.disk.queue;
  const bad = checkBio(q, bio);
  if (bad !== null) {
    bioEndio(bio, bad);
    return;
  }
  const plug = q.plug;
  if (plug) {
    const lastRq = plug.list[plug.list.length - 1];
    if (lastRq && attemptBackMerge(lastRq, bio, q.limits)) return;
  }
  const hctx = q.mapQueue(cpu);
  const rq = allocRequest(q, hctx, bio);
  if (!rq) {
    if (plug && plug.list.length > 0) {
      blkFinishPlug(q);
      q.plug = plug;
      const again = allocRequest(q, hctx, bio);
      if (again) {
        plug.list.push(again);
        return;
      }
    }
    hctx.waiting.push(bio);
    return;
  }
  if (plug) {
    plug.list.push(rq);
    return;
  }
  issue(rq);
}

/** Models `blk_start_plug`. */
export function blkStartPlug(q: RequestQueue): Plug {
  if (q.plug) throw new BlockError("nested plug", "EBLOCK_STATE");
  q.plug = new Plug();
  return q.plug;
}

/** Models `blk_finish_plug`: issues the plugged requests, `last` on the final one. */
export function blkFinishPlug(q: RequestQueue): void {
  const plug = q.plug;
  q.plug = null;
  if (!plug) return;
  const list = plug.list.splice(0);
  for (let i = 0; i < list.length; i++) {
    const rq = list[i]!;
    if (!issue(rq, i === list.length - 1)) {
      for (const rest of list.slice(i + 1)) rest.hctx.dispatch.push(rest);
      break;
    }
  }
  const seen = new Set<HwQueue>();
  for (const rq of list) {
    if (seen.has(rq.hctx)) continue;
    seen.add(rq.hctx);
    q.tagSet.ops.commitRqs?.(rq.hctx);
  }
}

/**
 * Submits and waits (`submit_bio_wait`): drives the queue's `poll` until the bio completes.
 * Returns its status; a bio that can never complete throws (a broken driver invariant).
 */
export function submitBioWait(bio: Bio, cpu = 0): BlockStatus {
  submitBio(bio, cpu);
  return waitBio(bio);
}

/** Waits for a submitted bio by driving the queue's poll. */
export function waitBio(bio: Bio): BlockStatus {
  const q = bio.disk.queue;
  while (!bio.done) {
    if (!q.poll()) throw new BlockError(`bio on ${bio.disk.diskName} never completed`, "EBLOCK_STATE");
  }
  return bio.status;
}
