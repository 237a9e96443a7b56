/**
 * Segments and merging (block/blk-merge.c): counting physical segments under the queue limits
 * (`blk_recalc_rq_segments`), `rq_mergeable` / `blk_rq_merge_ok` and the back merge of a bio
 * into a plugged request. REQ_NOMERGE (set on every P2P bio by nvmet's block backend in 4.20,
 * spec 3.3) keeps a request apart; so does a change of page map between the two (a merged
 * request would mix providers while drivers only look at the first segment).
 */
import type { Bio, BioVec } from "./bio";
import type { QueueLimits } from "./blk-core";
import type { Request } from "./blk-mq";
import { REQ_NOMERGE_FLAGS, REQ_OP } from "./blk-types";

/** Counts physical segments of a list of bvecs (contiguous runs split at `maxSegmentSize`). */
export function countPhysSegments(vecs: readonly BioVec[], limits: QueueLimits): number {
  let n = 0;
  let segLen = 0;
  let end = -1n;
  let pgmap: unknown = undefined;
  for (const v of vecs) {
    const start = v.page.phys + BigInt(v.offset);
    let len = v.len;
    if (n > 0 && start === end && v.page.pgmap === pgmap && segLen < limits.maxSegmentSize) {
      const take = Math.min(len, limits.maxSegmentSize - segLen);
      segLen += take;
      len -= take;
    }
    while (len > 0) {
      const take = Math.min(len, limits.maxSegmentSize);
      n++;
      segLen = take;
      len -= take;
    }
    end = start + BigInt(v.len);
    pgmap = v.page.pgmap;
  }
  return n;
}

/** Models `rq_mergeable`. */
export function rqMergeable(rq: Request): boolean {
  if (rq.op === REQ_OP.FLUSH || rq.op === REQ_OP.WRITE_ZEROES) return false;
  return (rq.cmdFlags & REQ_NOMERGE_FLAGS) === 0;
}

/** Models `bio_mergeable`. */
export function bioMergeable(bio: Bio): boolean {
  return (bio.opf & REQ_NOMERGE_FLAGS) === 0;
}

/**
 * Models `blk_attempt_bio_merge` for a back merge: same op and flags, the bio starts where the
 * request ends, same page map, and the merged request stays within max_sectors and
 * max_segments. Returns true when merged.
 */
export function attemptBackMerge(rq: Request, bio: Bio, limits: QueueLimits): boolean {
  if (!rqMergeable(rq) || !bioMergeable(bio)) return false;
  if (rq.cmdFlags !== bio.opf) return false;
  if (rq.op !== REQ_OP.READ && rq.op !== REQ_OP.WRITE) return false;
  if (rq.sector + BigInt(rq.nrSectors) !== bio.sector) return false;
  const first = rq.bios[0];
  if (first && first.pgmap !== bio.pgmap) return false;
  if (((rq.dataLen + bio.size) >>> 9) > limits.maxSectors) return false;
  const vecs = [...rq.bios.flatMap((b) => b.vecs), ...bio.vecs];
  const segs = countPhysSegments(vecs, limits);
  if (segs > limits.maxSegments) return false;
  rq.bios.push(bio);
  rq.dataLen += bio.size;
  rq.nrPhysSegments = segs;
  return true;
}
