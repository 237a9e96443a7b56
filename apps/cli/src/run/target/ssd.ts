/**
 * Stand-in for an nvme-pci namespace's gendisk until the nvme-pci host driver lands: a
 * {@link BlockDevice} whose SSD moves every data byte itself by DMA through the target's
 * fabric (a write bio: the SSD reads the pages; a read bio: it writes them), so P2P pages in a
 * CMB or p2pmem BAR travel peer to peer and system pages through DRAM, counted per link. The
 * queue has PCI_P2PDMA set, as nvme-pci sets it. Media: sparse memory with the P2P-era SSD
 * figures of hardware-figures §2.4 (Intel DC P3700: 2.8/2.0 GB/s, 20 µs).
 */
import { KDevice, SparseMemory } from "@p2pdma/pci-core";
import type { PciFunction } from "@p2pdma/pci-core";
import type { Bio, BlockDevice, BlockStats, BlockStatus } from "@p2pdma/nvmet";
import type { HostDma } from "../dma";

/** Media parameters (hardware-figures §2.4, Intel DC P3700). */
export const SSD_MEDIA = { readGbps: 2.8, writeGbps: 2.0, latencyNs: 20_000 } as const;

/** Options of {@link SsdBlockDevice}. */
export interface SsdOptions {
  readonly fn: PciFunction;
  readonly index: number;
  readonly capacityBytes: number;
  readonly dma: HostDma;
  /** Bus address of a P2P entry, or null for system memory. */
  readonly p2pAddress: (buf: Uint8Array) => bigint | null;
}

/** One namespace of one SSD as a block device (`/dev/nvme<i>n1`). */
export class SsdBlockDevice implements BlockDevice {
  readonly disk: KDevice;
  readonly capacityBytes: number;
  readonly logicalBlockSize = 512;
  readonly physicalBlockSize = 512;
  readonly ioMin = 512;
  readonly ioOpt = 0;
  readonly discardGranularity = 512;
  readonly pciP2pdma = true;
  readonly writeCache = false;
  private readonly media: SparseMemory;
  private mediaBusyUntil = 0;
  private readonly counters = { readIos: 0, writeIos: 0, readSectors: 0, writeSectors: 0 };

  constructor(readonly o: SsdOptions) {
    this.disk = new KDevice(`nvme${o.index}n1`, new KDevice(`nvme${o.index}`, o.fn));
    this.capacityBytes = o.capacityBytes;
    this.media = new SparseMemory(BigInt(o.capacityBytes));
  }

  private addr(buf: Uint8Array): bigint {
    return this.o.p2pAddress(buf) ?? this.o.dma.addressOf(buf);
  }

  private mediaTime(bytes: number, gbps: number): Promise<void> {
    const clock = this.o.dma.clock;
    const start = Math.max(clock.now, this.mediaBusyUntil);
    this.mediaBusyUntil = start + bytes / gbps;
    const delay = this.mediaBusyUntil - clock.now + SSD_MEDIA.latencyNs;
    return new Promise((resolve) => clock.schedule(delay, resolve));
  }

  async submitBio(bio: Bio): Promise<BlockStatus> {
    const bytes = bio.nrSectors * 512;
    const pos = bio.sector * 512;
    if (bio.op === "flush") return "OK";
    if (pos + bytes > this.capacityBytes) return "IOERR";
    if (bio.op === "discard" || bio.op === "write-zeroes") {
      if (bio.op === "write-zeroes") this.media.write(BigInt(pos), new Uint8Array(bytes));
      return "OK";
    }
    let off = pos;
    if (bio.op === "write") {
      for (const e of bio.sgl) {
        const data = await this.o.dma.read(this.o.fn, this.addr(e.buf), e.buf.length);
        this.media.write(BigInt(off), data);
        off += e.buf.length;
      }
      await this.mediaTime(bytes, SSD_MEDIA.writeGbps);
      this.counters.writeIos++;
      this.counters.writeSectors += bio.nrSectors;
    } else {
      await this.mediaTime(bytes, SSD_MEDIA.readGbps);
      for (const e of bio.sgl) {
        const data = this.media.read(BigInt(off), e.buf.length);
        await this.o.dma.write(this.o.fn, this.addr(e.buf), data);
        e.buf.set(data);
        off += e.buf.length;
      }
      this.counters.readIos++;
      this.counters.readSectors += bio.nrSectors;
    }
    return "OK";
  }

  stats(): BlockStats {
    return { ...this.counters };
  }

  close(): void {}
}
