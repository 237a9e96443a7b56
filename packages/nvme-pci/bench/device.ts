/**
 * Device-model benchmark: 4 KiB random read / write IOPS at QD32 and 128 KiB sequential write
 * GB/s driven straight into the NVMe controller model (memory backend) through BAR0 doorbells
 * and host memory on the Fabric, with the machine's memcpy bandwidth measured in the same run.
 * Wall clock only; the virtual clock is drained between batches.
 */
import type { PciFunction } from "@p2pdma/pci-core";
import { Fabric, VirtualClock, buildSystem, pciRegs, readLE, writeLE, writeLE64 } from "@p2pdma/pci-core";
import { CQE, NVME_REG, NVM_OPC, SQE, doorbellOffset } from "@p2pdma/nvme-spec";
import { NvmeController, barBusAddress } from "../src/hw";

const K = 1024n;

function machine(): { fabric: Fabric; clock: VirtualClock; dev: PciFunction } {
  const built = buildSystem({
    hostBridges: [
      {
        hostFunction: { vendor: 0x8086, device: 0x2020 },
        children: [{ kind: "root-port", slot: 1, vendor: 0x8086, device: 0x2030, children: [{ kind: "endpoint", label: "nvme", vendor: 0x8086, device: 0x0a54, classCode: 0x010802, bars: [{ index: 0, size: 16n * K, bits: 64 }] }] }],
      },
    ],
  });
  const fabric = new Fabric(built.system);
  fabric.addDram("ram", 0n, 1n << 30n);
  const dev = built.labels.get("nvme")!;
  dev.config.write16(pciRegs.PCI_COMMAND, pciRegs.PCI_COMMAND_MEMORY | pciRegs.PCI_COMMAND_MASTER);
  return { fabric, clock: new VirtualClock(), dev };
}

class Driver {
  private next = 0x100000n;
  readonly bar0: bigint;
  private sqTail = 0;
  private cqHead = 0;
  private phase = 1;
  private readonly sq: bigint;
  private readonly cq: bigint;
  constructor(
    readonly fabric: Fabric,
    readonly clock: VirtualClock,
    readonly ctrl: NvmeController,
    readonly depth: number,
  ) {
    this.bar0 = barBusAddress(ctrl.dev, 0)!;
    const asq = this.alloc(4096);
    const acq = this.alloc(4096);
    this.w32(NVME_REG.AQA, 0x001f001f);
    this.w32(NVME_REG.ASQ, Number(asq));
    this.w32(NVME_REG.ACQ, Number(acq));
    this.w32(NVME_REG.CC, 0x00460001);
    clock.run();
    this.sq = asq;
    this.cq = acq;
    // Create I/O CQ 1 and SQ 1 through the admin queue.
    const iocq = this.alloc(depth * 16 * 2);
    const iosq = this.alloc(depth * 64 * 2);
    this.submit({ opc: 0x05, prp1: iocq, cdw10: ((depth * 2 - 1) << 16) | 1, cdw11: 1 }, 0);
    this.submit({ opc: 0x01, prp1: iosq, cdw10: ((depth * 2 - 1) << 16) | 1, cdw11: (1 << 16) | 1 }, 0);
    this.ring(0);
    clock.run();
    this.reap(0);
    this.sq = iosq;
    this.cq = iocq;
    this.sqTail = 0;
    this.cqHead = 0;
    this.phase = 1;
    this.entries = depth * 2;
  }
  private entries = 32;
  alloc(n: number): bigint {
    const a = this.next;
    this.next += BigInt((n + 4095) & ~4095);
    return a;
  }
  w32(off: number, v: number): void {
    const b = new Uint8Array(4);
    writeLE(b, 0, 4, v);
    this.fabric.write(null, this.bar0 + BigInt(off), b);
  }
  private readonly sqe = new Uint8Array(64);
  submit(c: { opc: number; prp1: bigint; prp2?: bigint; cdw10?: number; cdw11?: number; cdw12?: number; nsid?: number }, qid = 1): void {
    const b = this.sqe;
    b.fill(0);
    writeLE(b, SQE.CDW0, 4, c.opc | (this.sqTail << 16));
    writeLE(b, SQE.NSID, 4, c.nsid ?? 1);
    writeLE64(b, SQE.PRP1, c.prp1);
    writeLE64(b, SQE.PRP2, c.prp2 ?? 0n);
    writeLE(b, SQE.CDW10, 4, c.cdw10 ?? 0);
    writeLE(b, SQE.CDW11, 4, c.cdw11 ?? 0);
    writeLE(b, SQE.CDW12, 4, c.cdw12 ?? 0);
    this.fabric.write(null, this.sq + BigInt(this.sqTail * 64), b);
    this.sqTail = (this.sqTail + 1) % (qid === 0 ? 32 : this.entries);
  }
  ring(qid = 1): void {
    this.w32(doorbellOffset(qid, false, 0), this.sqTail);
  }
  reap(qid = 1): number {
    let n = 0;
    const size = qid === 0 ? 32 : this.entries;
    for (;;) {
      const r = this.fabric.read(null, this.cq + BigInt(this.cqHead * 16), 16);
      if ("error" in r) throw new Error(r.error);
      const st = readLE(r.data, CQE.STATUS, 2);
      if ((st & 1) !== this.phase) break;
      if (st >> 1 !== 0) throw new Error(`status ${st >> 1}`);
      n++;
      this.cqHead = (this.cqHead + 1) % size;
      if (this.cqHead === 0) this.phase ^= 1;
    }
    if (n > 0) this.w32(doorbellOffset(qid, true, 0), this.cqHead);
    return n;
  }
}

function memcpyGBs(): number {
  const size = 64 << 20;
  const a = new Uint8Array(size).fill(1);
  const b = new Uint8Array(size);
  const t = performance.now();
  let bytes = 0;
  while (performance.now() - t < 300) {
    b.set(a);
    bytes += size;
  }
  return bytes / ((performance.now() - t) * 1e6);
}

function run(kind: "randread" | "randwrite" | "seqwrite", seconds: number): { ops: number; bytes: number; wallSec: number } {
  const { fabric, clock, dev } = machine();
  const ctrl = NvmeController.attach({ fabric, clock, dev, options: { namespaces: [{ nsid: 1, sizeBytes: 1n << 30n }], maxQueueEntries: 4096, writeCacheEnabled: false } });
  const qd = 32;
  const d = new Driver(fabric, clock, ctrl, qd);
  const bs = kind === "seqwrite" ? 128 * 1024 : 4096;
  const bufs = Array.from({ length: qd }, () => d.alloc(bs));
  const lists = Array.from({ length: qd }, (_, i) => {
    const l = d.alloc(4096);
    const e = new Uint8Array(8 * 31);
    for (let j = 0; j < 31; j++) writeLE64(e, j * 8, bufs[i]! + BigInt((j + 1) * 4096));
    fabric.write(null, l, e);
    return l;
  });
  const blocks = 1 << 21; // 1 GiB / 512
  let seed = 12345;
  let lba = 0;
  let ops = 0;
  const t = performance.now();
  while (performance.now() - t < seconds * 1000) {
    for (let i = 0; i < qd; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const slba = kind === "seqwrite" ? (lba = (lba + 256) % blocks) : (seed % (blocks / 8)) * 8;
      d.submit({ opc: kind === "randread" ? NVM_OPC.READ : NVM_OPC.WRITE, prp1: bufs[i]!, prp2: bs > 8192 ? lists[i]! : 0n, cdw10: slba, cdw12: bs / 512 - 1 });
    }
    d.ring();
    clock.run();
    ops += d.reap();
  }
  const wallSec = (performance.now() - t) / 1000;
  return { ops, bytes: ops * bs, wallSec };
}

/** Runs the device benchmarks; figures are wall clock on this machine. */
export async function benchDevice(): Promise<Record<string, unknown>> {
  const memcpy = memcpyGBs();
  const rr = run("randread", 1);
  const rw = run("randwrite", 1);
  const sw = run("seqwrite", 1);
  const seqGBs = sw.bytes / sw.wallSec / 1e9;
  return {
    "nvme-device.randread4k.qd32.iops": Math.round(rr.ops / rr.wallSec),
    "nvme-device.randwrite4k.qd32.iops": Math.round(rw.ops / rw.wallSec),
    "nvme-device.seqwrite128k.qd32.GBps": Number(seqGBs.toFixed(3)),
    "memcpy.GBps": Number(memcpy.toFixed(2)),
    "nvme-device.seqwrite128k.fractionOfMemcpy": Number((seqGBs / memcpy).toFixed(3)),
  };
}
