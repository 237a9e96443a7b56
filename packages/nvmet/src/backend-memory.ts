/**
 * A memory-backed block device implementing {@link BlockDevice}: sparse 4 KiB pages, a disk
 * device with a configurable parent (so the PCI parent walk works), and the queue's P2P
 * capability as an option. Used by tests, the benchmark and compositions without a real SSD
 * model. Every bio is recorded when `trace` is on.
 */
import { KDevice } from "@p2pdma/pci-core";
import type { Bio, BlockDevice, BlockStats, BlockStatus } from "./backend";

/** Options of {@link MemoryBlockDevice}. */
export interface MemoryBlockDeviceOptions {
  /** Disk name (`nvme0n1`). */
  readonly name: string;
  readonly capacityBytes: number;
  readonly logicalBlockSize?: number;
  /** The disk's parent device (an NVMe controller under a PCI function), or null. */
  readonly parent?: KDevice | null;
  /** The queue advertises PCI P2PDMA support. */
  readonly pciP2pdma?: boolean;
  readonly writeCache?: boolean;
  /** Record every submitted bio in {@link MemoryBlockDevice.bios}. */
  readonly trace?: boolean;
}

const PAGE = 4096;

/** A RAM disk with the block-device contract nvmet expects. */
export class MemoryBlockDevice implements BlockDevice {
  readonly disk: KDevice;
  readonly capacityBytes: number;
  readonly logicalBlockSize: number;
  readonly physicalBlockSize: number;
  readonly ioMin: number;
  readonly ioOpt = 0;
  readonly discardGranularity: number;
  readonly pciP2pdma: boolean;
  readonly writeCache: boolean;
  /** Bios seen (only with `trace`). */
  readonly bios: Bio[] = [];
  /** Open count (bdev_file_open_by_path minus fput). */
  openCount = 0;
  private readonly pages = new Map<number, Uint8Array>();
  private readonly counters = { readIos: 0, writeIos: 0, readSectors: 0, writeSectors: 0 };
  private readonly trace: boolean;

  constructor(options: MemoryBlockDeviceOptions) {
    this.disk = new KDevice(options.name, options.parent ?? null);
    this.capacityBytes = options.capacityBytes;
    this.logicalBlockSize = options.logicalBlockSize ?? 512;
    this.physicalBlockSize = this.logicalBlockSize;
    this.ioMin = this.logicalBlockSize;
    this.discardGranularity = this.logicalBlockSize;
    this.pciP2pdma = options.pciP2pdma ?? false;
    this.writeCache = options.writeCache ?? true;
    this.trace = options.trace ?? false;
  }

  submitBio(bio: Bio): Promise<BlockStatus> {
    return Promise.resolve(this.submitSync(bio));
  }

  /** The synchronous core of {@link MemoryBlockDevice.submitBio}. */
  submitSync(bio: Bio): BlockStatus {
    if (this.trace) this.bios.push(bio);
    const start = bio.sector * 512;
    if (bio.op === "flush") return "OK";
    if (start + bio.nrSectors * 512 > this.capacityBytes) return "IOERR";
    if (bio.op === "discard" || bio.op === "write-zeroes") {
      this.zero(start, bio.nrSectors * 512);
      if (bio.op === "write-zeroes") this.counters.writeIos++;
      return "OK";
    }
    let pos = start;
    for (const e of bio.sgl) {
      if (bio.op === "write") this.writeBytes(pos, e.buf);
      else this.readBytes(pos, e.buf);
      pos += e.buf.length;
    }
    if (bio.op === "write") {
      this.counters.writeIos++;
      this.counters.writeSectors += bio.nrSectors;
    } else {
      this.counters.readIos++;
      this.counters.readSectors += bio.nrSectors;
    }
    return "OK";
  }

  stats(): BlockStats {
    return { ...this.counters };
  }

  close(): void {
    this.openCount--;
  }

  /** Reads bytes directly (for tests). */
  readBytes(pos: number, dst: Uint8Array): void {
    let done = 0;
    while (done < dst.length) {
      const p = pos + done;
      const idx = Math.floor(p / PAGE);
      const off = p % PAGE;
      const n = Math.min(PAGE - off, dst.length - done);
      const page = this.pages.get(idx);
      if (page) dst.set(page.subarray(off, off + n), done);
      else dst.fill(0, done, done + n);
      done += n;
    }
  }

  /** Writes bytes directly (for tests). */
  writeBytes(pos: number, src: Uint8Array): void {
    let done = 0;
    while (done < src.length) {
      const p = pos + done;
      const idx = Math.floor(p / PAGE);
      const off = p % PAGE;
      const n = Math.min(PAGE - off, src.length - done);
      let page = this.pages.get(idx);
      if (!page) {
        page = new Uint8Array(PAGE);
        this.pages.set(idx, page);
      }
      page.set(src.subarray(done, done + n), off);
      done += n;
    }
  }

  private zero(pos: number, len: number): void {
    const zeros = new Uint8Array(Math.min(len, PAGE));
    for (let done = 0; done < len; done += zeros.length) {
      this.writeBytes(pos + done, zeros.subarray(0, Math.min(zeros.length, len - done)));
    }
  }
}
