/** A memory-backed blk-mq driver for block tests (null_blk with memory backing, completing on a virtual clock). */
import type { DevPagemap, Page } from "@p2pdma/p2pdma";
import { Fabric, KernelLog, PciSystem, VirtualClock } from "@p2pdma/pci-core";
import type { KernelMode } from "@p2pdma/pci-core";
import type { BlockStatus, HwQueue, Request } from "../src/index";
import { blkMqEndRequest, DiskRegistry, Gendisk, HostMemory, REQ_OP, RequestQueue, TagSet } from "../src/index";

export interface FakeDisk {
  disk: Gendisk;
  mem: HostMemory;
  clock: VirtualClock;
  log: KernelLog;
  queued: Request[];
  failWith: BlockStatus | null;
}

export function fakeDisk(mode: KernelMode, opts: { p2p?: boolean; sectors?: bigint; depth?: number; name?: string } = {}): FakeDisk {
  const system = new PciSystem();
  const fabric = new Fabric(system);
  const mem = HostMemory.of(fabric);
  const clock = new VirtualClock();
  const log = new KernelLog();
  const store = new Map<bigint, Uint8Array>();
  const queued: Request[] = [];
  const state: { failWith: BlockStatus | null } = { failWith: null };
  const tagSet = new TagSet({
    nrHwQueues: 1,
    queueDepth: opts.depth ?? 8,
    ops: {
      queueRq(_h: HwQueue, rq: Request): BlockStatus {
        queued.push(rq);
        clock.schedule(1000, () => {
          if (state.failWith) return blkMqEndRequest(rq, state.failWith);
          let sector = rq.sector;
          for (const bio of rq.bios) {
            for (const v of bio.vecs) {
              for (let o = 0; o < v.len; o += 512) {
                if (v.page.pgmap) {
                  sector++;
                  continue;
                }
                const phys = v.page.phys + BigInt(v.offset + o);
                if (rq.op === REQ_OP.WRITE) store.set(sector, mem.read(phys, 512));
                else mem.write(phys, store.get(sector) ?? new Uint8Array(512));
                sector++;
              }
            }
          }
          blkMqEndRequest(rq, "OK");
        });
        return "OK";
      },
    },
  });
  const q = new RequestQueue({ mode, tagSet, log: (l) => log.append(l), poll: () => clock.step() });
  if (opts.p2p) q.setPciP2pdma(true);
  const disk = new Gendisk(opts.name ?? "fake0n1", q, null);
  disk.capacity = opts.sectors ?? 2048n;
  DiskRegistry.of(system).add(disk);
  const fd: FakeDisk = {
    disk,
    mem,
    clock,
    log,
    queued,
    get failWith() {
      return state.failWith;
    },
    set failWith(v) {
      state.failWith = v;
    },
  };
  return fd;
}

/** A fake P2P page map (provider object not needed by the block core). */
export function fakePgmap(start: bigint): DevPagemap {
  return { type: "PCI_P2PDMA", provider: null as never, busOffset: 0n, start, end: start + (1n << 20n) - 1n, bar: 2, mode: "6.12", ref: { count: 0, dying: false }, live: true };
}

export function p2pPage(pgmap: DevPagemap, index: number): Page {
  return { phys: pgmap.start + BigInt(index * 4096), pgmap };
}
