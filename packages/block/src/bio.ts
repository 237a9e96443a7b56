/**
 * `struct bio` and `struct bio_vec` (block/bio.c): an operation on a run of sectors whose data
 * lives in pages that may be P2P pages (ZONE_DEVICE, spec 2.13). One provider per bio: adding
 * a page whose page map differs from the last page's is refused (6.12 `bio_add_page` with
 * `zone_device_pages_have_same_pgmap`); 4.20 had no such check.
 */
import type { KernelMode } from "@p2pdma/pci-core";
import type { Page } from "@p2pdma/p2pdma";
import type { BlockStatus } from "./blk-status";
import type { Gendisk } from "./genhd";
import { BlockError } from "./errors";
import { IOPRIO_CLASS, REQ, REQ_OP, SECTOR_SHIFT } from "./blk-types";

/** `BIO_MAX_VECS`. */
export const BIO_MAX_VECS = 256;
/** Page size of the model (x86-64). */
export const BLK_PAGE_SIZE = 4096;

/** `struct bio_vec`: a (possibly multi-page) physically contiguous range starting in `page`. */
export interface BioVec {
  readonly page: Page;
  readonly offset: number;
  len: number;
}

/** Default I/O priority of a task: class BE, level 4 (`IOPRIO_DEFAULT` as `ioprio_get` reports it). */
export const IOPRIO_DEFAULT = (IOPRIO_CLASS.BE << 13) | 4;

/** One bio. `opf` holds the operation in its low 8 bits and `REQ_*` flags above. */
export class Bio {
  opf: number;
  /** Start sector (512 bytes). */
  sector: bigint;
  readonly vecs: BioVec[] = [];
  /** Bytes of data (read/write) or of the range (discard / write zeroes). */
  size = 0;
  ioprio = IOPRIO_DEFAULT;
  status: BlockStatus = "OK";
  /** `bi_end_io`. */
  endIo: ((bio: Bio) => void) | null = null;
  /** Set by completion; a bio is never completed twice. */
  done = false;

  constructor(
    readonly disk: Gendisk,
    op: number,
    flags: number,
    sector: bigint | number,
    readonly maxVecs = BIO_MAX_VECS,
  ) {
    if (sector < 0) throw new BlockError(`negative sector ${sector}`);
    this.opf = op | flags;
    this.sector = BigInt(sector);
  }

  get op(): number {
    return this.opf & 0xff;
  }

  get mode(): KernelMode {
    return this.disk.queue.mode;
  }

  get nrSectors(): number {
    return this.size >>> SECTOR_SHIFT;
  }

  /** The page map of the bio's pages (all share one in 6.12), or null for ordinary memory. */
  get pgmap() {
    return this.vecs[0]?.page.pgmap ?? null;
  }
}

function physEnd(v: BioVec): bigint {
  return v.page.phys + BigInt(v.offset + v.len);
}

/**
 * Models `bio_add_page(bio, page, len, off)`: the bytes added (`len`) or 0 when the bio is full
 * or (6.12) the page belongs to a different page map than the last page. A page that continues
 * the last vector physically (and in the same page map) extends it (multi-page bvec).
 */
export function bioAddPage(bio: Bio, page: Page, len: number, off: number): number {
  if (len <= 0 || off < 0 || off + len > BLK_PAGE_SIZE) throw new BlockError(`bad bio_add_page range off=${off} len=${len}`);
  const last = bio.vecs[bio.vecs.length - 1];
  if (last) {
    if (bio.mode === "6.12" && last.page.pgmap !== page.pgmap) return 0;
    if (physEnd(last) === page.phys + BigInt(off) && last.page.pgmap === page.pgmap) {
      last.len += len;
      bio.size += len;
      return len;
    }
  }
  if (bio.vecs.length >= bio.maxVecs) return 0;
  bio.vecs.push({ page, offset: off, len });
  bio.size += len;
  return len;
}

/** A data-less bio covering `nrSectors` (discard, write zeroes) or none (flush). */
export function bioSetRange(bio: Bio, nrSectors: number): void {
  if (bio.op === REQ_OP.READ || bio.op === REQ_OP.WRITE) throw new BlockError("read/write bios carry pages, not a bare range");
  bio.size = nrSectors << SECTOR_SHIFT;
}

/** Models `bio_endio`. */
export function bioEndio(bio: Bio, status: BlockStatus): void {
  if (bio.done) return;
  bio.done = true;
  bio.status = status;
  bio.endIo?.(bio);
}

/** Marks a bio that must never be merged (what nvmet's block backend does for P2P bios). */
export function bioSetNomerge(bio: Bio): void {
  bio.opf |= REQ.NOMERGE;
}
