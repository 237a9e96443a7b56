/**
 * The storage nvmet namespaces sit on: a block device (`bdev_file_open_by_path`) or a file
 * (`filp_open`). The block layer package implements {@link BlockDevice}; the file backend is
 * {@link nodeFileOpener} (node:fs). Paths resolve through {@link NvmetVfs}.
 */
import type { KDevice } from "@p2pdma/pci-core";
import type { SgEntry } from "./sgl";

/** Block status codes (`blk_status_t`) a bio can end with. */
export type BlockStatus = "OK" | "NOTSUPP" | "TIMEOUT" | "NOSPC" | "TARGET" | "MEDIUM" | "IOERR" | "RESOURCE";

/** Request flags nvmet sets on bios (`REQ_*`). */
export type BioFlag = "sync" | "idle" | "fua" | "nomerge" | "preflush";

/** A bio as nvmet submits it (`submit_bio`, `blkdev_issue_*`). Sectors are 512 bytes. */
export interface Bio {
  readonly op: "read" | "write" | "flush" | "discard" | "write-zeroes";
  readonly sector: number;
  /** Sectors covered: the data length for read/write, the range for discard/write-zeroes, 0 for flush. */
  readonly nrSectors: number;
  /** Data pages for read/write; empty otherwise. May hold P2P pages (`entry.p2p`). */
  readonly sgl: readonly SgEntry[];
  readonly flags: readonly BioFlag[];
}

/** Per-disk I/O counters (`part_stat_read`), used by the SMART log. */
export interface BlockStats {
  readonly readIos: number;
  readonly writeIos: number;
  readonly readSectors: number;
  readonly writeSectors: number;
}

/**
 * An opened block device (`struct block_device` + its gendisk and queue). This is the
 * contract the block package implements for nvmet.
 */
export interface BlockDevice {
  /** The disk's generic device (`disk_to_dev(bdev->bd_disk)`, nvmet_ns_dev); its parent chain leads to the PCI function. */
  readonly disk: KDevice;
  /** `bdev_nr_bytes`. */
  readonly capacityBytes: number;
  /** `bdev_logical_block_size` (512 or 4096). */
  readonly logicalBlockSize: number;
  /** `bdev_physical_block_size`. */
  readonly physicalBlockSize: number;
  /** `bdev_io_min`, `bdev_io_opt`, `bdev_discard_granularity` in bytes. */
  readonly ioMin: number;
  readonly ioOpt: number;
  readonly discardGranularity: number;
  /** `blk_queue_pci_p2pdma(q)` (BLK_FEAT_PCI_P2PDMA in 6.11+). */
  readonly pciP2pdma: boolean;
  /** `bdev_write_cache`: a volatile write cache is present (flush does something). */
  readonly writeCache: boolean;
  /** Submits one bio; resolves with its `bi_status`. */
  submitBio(bio: Bio): Promise<BlockStatus>;
  /** `part_stat_read` counters. */
  stats(): BlockStats;
  /** `fput` of the bdev file. */
  close(): void;
}

/** An opened backing file (`struct file`). Every call resolves with bytes done or a negative errno. */
export interface BackingFile {
  /** `i_size_read`. */
  size(): number;
  /** `file_inode(file)->i_blkbits`. */
  readonly blkbits: number;
  read(pos: number, dst: Uint8Array): Promise<number>;
  write(pos: number, src: Uint8Array): Promise<number>;
  /** `vfs_fsync`. */
  fsync(): Promise<number>;
  /** `vfs_fallocate` with PUNCH_HOLE|KEEP_SIZE (`punch`) or ZERO_RANGE|KEEP_SIZE (`zero`). */
  fallocate(mode: "punch" | "zero", offset: number, length: number): Promise<number>;
  close(): void;
}

/**
 * Path resolution for namespaces. `openBlock` returns `-ENOTBLK` when the path exists but is
 * not a block device (nvmet then tries the file backend), `-ENOENT` when nothing is there.
 */
export interface NvmetVfs {
  openBlock(path: string): BlockDevice | number;
  openFile(path: string, options: { readonly direct: boolean }): BackingFile | number;
}
