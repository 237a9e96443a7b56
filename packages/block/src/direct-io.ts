/**
 * O_DIRECT reads and writes of a block device from a user buffer (block/fops.c
 * `blkdev_direct_IO`, bio.c `bio_iov_iter_get_pages`): alignment to the logical block size,
 * truncation at the end of the device, page pinning with ITER_ALLOW_P2PDMA only when the queue
 * has the PCI_P2PDMA capability (6.12, spec 3.2; a P2P page then fails to pin with -EREMOTEIO
 * before any bio exists), bios of at most BIO_MAX_VECS pages and max_sectors, REQ_SYNC (reads)
 * or REQ_SYNC | REQ_IDLE (writes), issued under a plug and waited for.
 */
import { EINVAL, EREMOTEIO } from "@p2pdma/pci-core";
import type { Page } from "@p2pdma/p2pdma";
import type { Gendisk } from "./genhd";
import type { UserBuffer } from "./user-buffer";
import { Bio, bioAddPage, BIO_MAX_VECS } from "./bio";
import { blkFinishPlug, blkStartPlug, submitBio, waitBio } from "./blk-core";
import { blkStatusToErrno } from "./blk-status";
import { REQ, REQ_OP } from "./blk-types";
import { BlockError } from "./errors";

const PAGE = 4096;

/** One `pread` / `pwrite` with O_DIRECT. */
export interface DirectIoRequest {
  readonly op: "read" | "write";
  /** Byte position on the device. */
  readonly pos: bigint | number;
  readonly buffer: UserBuffer;
  /** Byte offset in the buffer (default 0). */
  readonly bufferOffset?: number;
  /** Bytes (default the rest of the buffer). */
  readonly length?: number;
  /** Submitting CPU (selects the hardware queue). */
  readonly cpu?: number;
}

/**
 * Models `pread`/`pwrite` on an O_DIRECT block device file: the bytes transferred, or a negative
 * errno (-EINVAL misaligned, -EREMOTEIO P2P pages refused at pin time or a target error, -EIO
 * ...). Synchronous: drives the queue's poll until every bio completed.
 */
export function directIo(disk: Gendisk, req: DirectIoRequest): number {
  const q = disk.queue;
  const boff = req.bufferOffset ?? 0;
  let len = req.length ?? req.buffer.length - boff;
  const pos = BigInt(req.pos);
  if (pos < 0n || len < 0 || boff < 0 || boff + len > req.buffer.length) throw new BlockError("direct I/O range outside its buffer");
  const lbs = q.limits.logicalBlockSize;
  // blkdev_dio_invalid: position and length aligned to the logical block size, memory to dma_alignment (511).
  if (pos % BigInt(lbs) !== 0n || len % lbs !== 0 || req.buffer.pageOffset(boff) % 512 !== 0) return -EINVAL;
  const size = disk.capacityBytes;
  if (pos >= size) return 0;
  if (pos + BigInt(len) > size) len = Number(size - pos);
  if (len === 0) return 0;

  const pinned = req.buffer.pin(boff, len, { allowP2pdma: q.mode === "6.12" && q.pciP2pdma });
  if (typeof pinned === "number") return pinned === -EREMOTEIO ? -EREMOTEIO : pinned;
  try {
    const bios = buildBios(disk, req.op, pos, pinned, req.buffer.pageOffset(boff), len);
    blkStartPlug(q);
    for (const b of bios) submitBio(b, req.cpu ?? 0);
    blkFinishPlug(q);
    let ret = len;
    for (const b of bios) {
      const st = waitBio(b);
      if (st !== "OK" && ret === len) ret = blkStatusToErrno(st);
    }
    return ret;
  } finally {
    req.buffer.unpin(boff, len);
  }
}

function buildBios(disk: Gendisk, op: "read" | "write", pos: bigint, pages: readonly Page[], firstOffset: number, len: number): Bio[] {
  const q = disk.queue;
  const maxBytes = Math.min(q.limits.maxSectors * 512, BIO_MAX_VECS * PAGE);
  const opc = op === "read" ? REQ_OP.READ : REQ_OP.WRITE;
  const flags = op === "read" ? REQ.SYNC : REQ.SYNC | REQ.IDLE;
  const bios: Bio[] = [];
  let sector = pos >> 9n;
  let bio = new Bio(disk, opc, flags, sector);
  let pageIdx = 0;
  let off = firstOffset;
  let left = len;
  while (left > 0) {
    const chunk = Math.min(PAGE - off, left);
    const page = pages[pageIdx]!;
    if (bio.size + chunk > maxBytes || bioAddPage(bio, page, chunk, off) === 0) {
      bios.push(bio);
      sector += BigInt(bio.size >>> 9);
      bio = new Bio(disk, opc, flags, sector);
      if (bioAddPage(bio, page, chunk, off) === 0) throw new BlockError("an empty bio refused a page", "EBLOCK_STATE");
    }
    left -= chunk;
    off = 0;
    pageIdx++;
  }
  bios.push(bio);
  return bios;
}
