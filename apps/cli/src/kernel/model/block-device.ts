/**
 * A `@p2pdma/block` {@link Gendisk} as the model's disk: nvmet's {@link BlockDevice} contract
 * (what `bdev_file_open_by_path` gives nvmet's bdev backend) plus the O_DIRECT entry of the
 * p2pio step (`@p2pdma/block` `directIo` from a `p2pmem/allocate` mapping).
 *
 * nvmet bios carry byte arrays; they become block bios over real pages: RAM pages of a bounce
 * allocation for host memory, and the provider's P2P pages (found through the nvmet P2P
 * adapter's bookkeeping) for P2P entries, whose bytes are copied to/from the BAR through the
 * fabric around the I/O.
 */
import type { Fabric, PciFunction } from "@p2pdma/pci-core";
import type { P2pdma, Page, UserMapping } from "@p2pdma/p2pdma";
import type { Gendisk, HostMemory, BlockStatus as BlkStatus } from "@p2pdma/block";
import { BLK_FEAT, Bio as BlkBio, bioAddPage, directIo, p2pmemBuffer, submitBio, waitBio } from "@p2pdma/block";
import type { Bio, BlockStats, BlockStatus, P2pdmaAdapter } from "@p2pdma/nvmet";
import { blockFlagsOf, blockOpOf, nvmetBlockStatus } from "@p2pdma/nvmet";
import type { ModelDisk } from "./layers";

const PAGE = 4096;

/** What a disk needs from the machine it lives in. */
export interface DiskHost {
  readonly fabric: Fabric;
  readonly mem: HostMemory;
  readonly p2p: P2pdma;
  /** The nvmet P2P adapter, once nvmet is up (for P2P scatterlist entries). */
  adapter(): P2pdmaAdapter | null;
}


interface Segment {
  readonly pages: Page[];
  /** Before submission (writes): place the bytes; after completion (reads): fetch them. */
  readonly before: () => void;
  readonly after: () => void;
  readonly release: () => void;
}

function segmentOf(host: DiskHost, buf: Uint8Array, write: boolean): Segment {
  const block = host.adapter()?.blockOf(buf);
  const count = Math.ceil(buf.length / PAGE);
  if (block) {
    const pages: Page[] = [];
    for (let i = 0; i < count; i++) pages.push(host.p2p.virtToPage(block.virt + BigInt(i * PAGE)));
    return {
      pages,
      before: () => {
        if (!write) return;
        const r = host.fabric.write(null, block.bus, buf);
        if ("error" in r) throw new Error(`model disk: CPU write of a P2P buffer: ${r.error}`);
      },
      after: () => {
        if (write) return;
        const r = host.fabric.read(null, block.bus, buf.length);
        if ("error" in r) throw new Error(`model disk: CPU read of a P2P buffer: ${r.error}`);
        buf.set(r.data);
      },
      release: () => undefined,
    };
  }
  const phys = host.mem.alloc(Math.max(buf.length, 1));
  if (phys === null) throw new Error("model disk: out of system RAM for a bounce buffer");
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) pages.push(host.mem.page(phys + BigInt(i * PAGE)));
  return {
    pages,
    before: () => {
      if (write) host.mem.write(phys, buf);
    },
    after: () => {
      if (!write) buf.set(host.mem.read(phys, buf.length));
    },
    release: () => host.mem.release(phys),
  };
}

/** Submits one nvmet bio as block bios on `disk` and waits for them. */
function submitNvmetBio(host: DiskHost, disk: Gendisk, bio: Bio): BlockStatus {
  const flags = blockFlagsOf(bio);
  const op = blockOpOf(bio);
  if (bio.op !== "read" && bio.op !== "write") {
    const b = new BlkBio(disk, op, flags, bio.sector);
    b.size = bio.nrSectors * 512;
    submitBio(b);
    return nvmetBlockStatus(waitBio(b));
  }
  const write = bio.op === "write";
  const segs = bio.sgl.map((e) => segmentOf(host, e.buf, write));
  try {
    for (const s of segs) s.before();
    const bios: BlkBio[] = [];
    let sector = BigInt(bio.sector);
    let cur = new BlkBio(disk, op, flags, sector);
    for (const [i, s] of segs.entries()) {
      let left = bio.sgl[i]!.buf.length;
      for (const page of s.pages) {
        const len = Math.min(PAGE, left);
        if (bioAddPage(cur, page, len, 0) === 0) {
          bios.push(cur);
          sector += BigInt(cur.size >>> 9);
          cur = new BlkBio(disk, op, flags, sector);
          if (bioAddPage(cur, page, len, 0) === 0) throw new Error("model disk: an empty bio refused a page");
        }
        left -= len;
      }
    }
    bios.push(cur);
    for (const b of bios) submitBio(b);
    let status: BlkStatus = "OK";
    for (const b of bios) {
      const st = waitBio(b);
      if (st !== "OK" && status === "OK") status = st;
    }
    if (status === "OK") for (const s of segs) s.after();
    return nvmetBlockStatus(status);
  } finally {
    for (const s of segs) s.release();
  }
}

/** The model disk of `disk` opened at `path`. */
export function modelDisk(path: string, disk: Gendisk, host: DiskHost): ModelDisk {
  const q = disk.queue;
  return {
    path,
    disk,
    get capacityBytes(): number {
      return Number(disk.capacityBytes);
    },
    logicalBlockSize: q.limits.logicalBlockSize,
    physicalBlockSize: q.limits.physicalBlockSize,
    ioMin: q.limits.physicalBlockSize,
    ioOpt: 0,
    discardGranularity: 0,
    get pciP2pdma(): boolean {
      return q.pciP2pdma;
    },
    get writeCache(): boolean {
      return (q.limits.features & BLK_FEAT.WRITE_CACHE) !== 0;
    },
    submitBio: (bio: Bio): Promise<BlockStatus> => Promise.resolve(submitNvmetBio(host, disk, bio)),
    stats: (): BlockStats => ({
      readIos: q.stats.readIos,
      writeIos: q.stats.writeIos,
      readSectors: q.stats.readSectors,
      writeSectors: q.stats.writeSectors,
    }),
    close: () => undefined,
    directIo: (op: "read" | "write", offset: number, length: number, provider: PciFunction, mapping: UserMapping): Promise<number> => {
      const buffer = p2pmemBuffer(host.p2p, host.fabric, provider, mapping);
      return Promise.resolve(directIo(disk, { op, pos: offset, buffer, length }));
    },
    cpuBuffer: (provider: PciFunction, mapping: UserMapping) => p2pmemBuffer(host.p2p, host.fabric, provider, mapping),
  };
}
