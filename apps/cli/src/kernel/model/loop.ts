/**
 * `losetup DEV FILE` in the model (drivers/block/loop.c in outline): a blk-mq disk over a
 * sparse in-memory file. Its queue never gets BLK_FEAT_PCI_P2PDMA (loop.c does not set it), so
 * O_DIRECT from P2P memory fails at pin time and nvmet refuses P2P memory on it, as on 6.12.
 */
import type { KernelMode, LogLine } from "@p2pdma/pci-core";
import type { HostMemory, Request } from "@p2pdma/block";
import { BLK_FEAT, DEFAULT_LIMITS, Gendisk, DiskRegistry, REQ_OP, RequestQueue, TagSet, blkMqEndRequest } from "@p2pdma/block";

const PAGE = 4096;

/** The disk of a loop device `name` (`loop0`) over a file of `size` bytes. */
export function loopDisk(name: string, size: number, o: { readonly mode: KernelMode; readonly mem: HostMemory; readonly registryOwner: object; readonly log: (l: LogLine) => void }): Gendisk {
  const store = new Map<number, Uint8Array>();
  const pending: Request[] = [];
  const rw = (rq: Request): boolean => {
    if (rq.op !== REQ_OP.READ && rq.op !== REQ_OP.WRITE) return true;
    let pos = Number(rq.sector) * 512;
    for (const bio of rq.bios) {
      for (const v of bio.vecs) {
        if (v.page.pgmap !== null) return false;
        const addr = v.page.phys + BigInt(v.offset);
        const data = rq.op === REQ_OP.WRITE ? o.mem.read(addr, v.len) : new Uint8Array(v.len);
        for (let done = 0; done < v.len; ) {
          const idx = Math.floor((pos + done) / PAGE);
          const off = (pos + done) % PAGE;
          const n = Math.min(PAGE - off, v.len - done);
          if (rq.op === REQ_OP.WRITE) {
            let p = store.get(idx);
            if (!p) store.set(idx, (p = new Uint8Array(PAGE)));
            p.set(data.subarray(done, done + n), off);
          } else {
            const p = store.get(idx);
            if (p) data.set(p.subarray(off, off + n), done);
          }
          done += n;
        }
        if (rq.op === REQ_OP.READ) o.mem.write(addr, data);
        pos += v.len;
      }
    }
    return true;
  };
  const tagSet = new TagSet({
    nrHwQueues: 1,
    queueDepth: 128,
    ops: {
      queueRq: (_h, rq) => {
        pending.push(rq);
        return "OK";
      },
    },
  });
  const queue = new RequestQueue({
    mode: o.mode,
    tagSet,
    limits: { features: DEFAULT_LIMITS.features | BLK_FEAT.WRITE_CACHE },
    log: o.log,
    poll: () => {
      const rq = pending.shift();
      if (!rq) return false;
      blkMqEndRequest(rq, rw(rq) ? "OK" : "IOERR");
      return true;
    },
  });
  const disk = new Gendisk(name, queue, null);
  disk.capacity = BigInt(Math.floor(size / 512));
  DiskRegistry.of(o.registryOwner).add(disk);
  // loop_set_size -> set_capacity_and_notify, as LOOP_CONFIGURE prints it.
  o.log({ level: "info", text: `${name}: detected capacity change from 0 to ${disk.capacity}` });
  return disk;
}
