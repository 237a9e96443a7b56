/**
 * An nvme-pci namespace's gendisk (`/dev/nvme<i>n<nsid>` from `@p2pdma/nvme-pci`'s attachNvme)
 * as nvmet's {@link BlockDevice}: what `bdev_file_open_by_path` gives nvmet's bdev backend.
 * Adapted from apps/cli/src/kernel/model/block-device.ts for the run's asynchronous, shared
 * virtual clock: bios are submitted and their `bi_end_io` awaited (the controller completes on
 * the clock the workload drives) instead of polled with `submit_bio_wait`.
 *
 * nvmet bios carry byte arrays; they become block bios over the very pages the NIC's RDMA used:
 * host memory at the address the target's DMA engine gave the buffer, and the provider's P2P
 * pages (CMB or p2pmem BAR) for P2P entries, so the NVMe controller's data DMA goes peer to peer
 * or through DRAM on the fabric, and no byte is copied around the I/O on a link.
 */
import type { PciFunction } from "@p2pdma/pci-core";
import type { Page } from "@p2pdma/p2pdma";
import type { Gendisk, BlockStatus as BlkStatus } from "@p2pdma/block";
import { BLK_FEAT, Bio as BlkBio, bioAddPage, submitBio } from "@p2pdma/block";
import type { Bio, BlockDevice, BlockStats, BlockStatus, P2pdmaAdapter } from "@p2pdma/nvmet";
import { blockFlagsOf, blockOpOf, nvmetBlockStatus } from "@p2pdma/nvmet";
import type { NvmeMachine } from "@p2pdma/nvme-pci";
import type { HostDma } from "../dma";

const PAGE = 4096;


/** Where a disk's I/O lands. */
export interface GendiskHost {
  readonly machine: NvmeMachine;
  readonly dma: HostDma;
  readonly adapter: P2pdmaAdapter;
}

function done(b: BlkBio): Promise<BlkStatus> {
  if (b.done) return Promise.resolve(b.status);
  return new Promise((resolve) => {
    b.endIo = (x) => resolve(x.status);
  });
}

/** One namespace of one NVMe controller as nvmet's block device. */
export class GendiskBlockDevice implements BlockDevice {
  readonly logicalBlockSize: number;
  readonly physicalBlockSize: number;
  readonly ioMin: number;
  readonly ioOpt = 0;
  readonly discardGranularity = 0;

  constructor(
    readonly disk: Gendisk,
    /** The controller's PCI function (the data DMA's initiator, for payload accounting). */
    readonly fn: PciFunction,
    private readonly host: GendiskHost,
  ) {
    const l = disk.queue.limits;
    this.logicalBlockSize = l.logicalBlockSize;
    this.physicalBlockSize = l.physicalBlockSize;
    this.ioMin = l.physicalBlockSize;
  }

  get capacityBytes(): number {
    return Number(this.disk.capacityBytes);
  }

  get pciP2pdma(): boolean {
    return this.disk.queue.pciP2pdma;
  }

  get writeCache(): boolean {
    return (this.disk.queue.limits.features & BLK_FEAT.WRITE_CACHE) !== 0;
  }

  /** Bus address of an nvmet scatterlist buffer and its pages. */
  private pagesOf(buf: Uint8Array): { addr: bigint; pages: Page[] } {
    const { machine, dma, adapter } = this.host;
    const count = Math.ceil(buf.length / PAGE);
    const pages: Page[] = [];
    const block = adapter.blockOf(buf);
    if (block) {
      for (let i = 0; i < count; i++) pages.push(machine.p2p.virtToPage(block.virt + BigInt(i * PAGE)));
      return { addr: block.bus, pages };
    }
    const addr = dma.addressOf(buf);
    for (let i = 0; i < count; i++) pages.push(machine.mem.page(addr + BigInt(i * PAGE)));
    return { addr, pages };
  }

  async submitBio(bio: Bio): Promise<BlockStatus> {
    const flags = blockFlagsOf(bio);
    const op = blockOpOf(bio);
    if (bio.op !== "read" && bio.op !== "write") {
      const b = new BlkBio(this.disk, op, flags, bio.sector);
      b.size = bio.nrSectors * 512;
      const p = done(b);
      submitBio(b);
      return nvmetBlockStatus(await p);
    }
    const write = bio.op === "write";
    const segs = bio.sgl.map((e) => ({ buf: e.buf, ...this.pagesOf(e.buf) }));
    const bios: BlkBio[] = [];
    let sector = BigInt(bio.sector);
    let cur = new BlkBio(this.disk, op, flags, sector);
    for (const s of segs) {
      let left = s.buf.length;
      for (const page of s.pages) {
        const len = Math.min(PAGE, left);
        if (bioAddPage(cur, page, len, 0) === 0) {
          bios.push(cur);
          sector += BigInt(cur.size >>> 9);
          cur = new BlkBio(this.disk, op, flags, sector);
          if (bioAddPage(cur, page, len, 0) === 0) throw new Error("gendisk: an empty bio refused a page");
        }
        left -= len;
      }
    }
    bios.push(cur);
    const waits = bios.map(done);
    for (const b of bios) submitBio(b);
    let status: BlkStatus = "OK";
    for (const st of await Promise.all(waits)) if (st !== "OK" && status === "OK") status = st;
    if (status !== "OK") return nvmetBlockStatus(status);
    for (const s of segs) {
      // The controller moved these bytes on the fabric (already counted there with its control
      // traffic); the run's payload counters get them along the same route.
      for (let off = 0; off < s.buf.length; off += PAGE) this.host.dma.accountPayload(this.fn, s.addr + BigInt(off), Math.min(PAGE, s.buf.length - off), write);
      // nvmet's view of a read's data (a CPU load, never on a link; the NIC reads the pages).
      if (!write && !this.host.adapter.blockOf(s.buf)) s.buf.set(this.host.dma.cpuRead(s.addr, s.buf.length));
    }
    return "OK";
  }

  stats(): BlockStats {
    const q = this.disk.queue.stats;
    return { readIos: q.readIos, writeIos: q.writeIos, readSectors: q.readSectors, writeSectors: q.writeSectors };
  }

  close(): void {}
}
