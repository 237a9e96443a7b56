/**
 * Test harness: a machine with a PCIe switch holding two NVMe controllers (nvme0 with a CMB in
 * BAR 2, nvme1 without), system RAM on the Fabric, and a minimal "driver" that talks to a
 * controller only through config space, BAR0 MMIO (CPU accesses, initiator null) and host
 * memory, the way drivers/nvme/host/pci.c does.
 */
import type { PciFunction, TopologySpec } from "@p2pdma/pci-core";
import { Fabric, VirtualClock, buildSystem, pciRegs, readLE, readLE64, writeLE, writeLE64 } from "@p2pdma/pci-core";
import { ADMIN_OPC, CC, CQE, CSTS, NVME_REG, SQE, doorbellOffset, getField, setField } from "@p2pdma/nvme-spec";
import type { CmbOptions, ControllerOptionsInit } from "../../src/hw";
import { NvmeController, barBusAddress } from "../../src/hw";

export const K = 1024n;
export const M = 1024n * 1024n;

/** A topology: root port -> switch -> {nvme0 (BAR2 = CMB BAR), nvme1, nvme2 on a second root port}. */
export function topology(cmbBarSize: bigint): TopologySpec {
  const nvme = (label: string, bars: { index: number; size: bigint; bits: 64; prefetchable?: boolean }[]) => ({
    kind: "endpoint" as const,
    label,
    vendor: 0x1de5,
    device: 0x2000,
    classCode: 0x010802,
    bars,
  });
  return {
    hostBridges: [
      {
        hostFunction: { vendor: 0x8086, device: 0x2020 },
        children: [
          {
            kind: "root-port",
            slot: 1,
            vendor: 0x8086,
            device: 0x2030,
            children: [
              {
                kind: "switch",
                upstream: { vendor: 0x10b5, device: 0x8796 },
                downstream: [
                  { slot: 8, children: [nvme("nvme0", [{ index: 0, size: 16n * K, bits: 64 }, { index: 2, size: cmbBarSize, bits: 64, prefetchable: true }])] },
                  { slot: 9, children: [nvme("nvme1", [{ index: 0, size: 16n * K, bits: 64 }])] },
                ],
              },
            ],
          },
          { kind: "root-port", slot: 2, vendor: 0x8086, device: 0x2031, children: [nvme("nvme2", [{ index: 0, size: 16n * K, bits: 64 }])] },
        ],
      },
    ],
  };
}

/** A 1.4 CMB of `size` at offset 0 of BAR 2 with the given capability bits. */
export function cmbOpts(scheme: "1.3" | "1.4", bits: Partial<Pick<CmbOptions, "sqs" | "cqs" | "lists" | "rds" | "wds">> = {}, size = 1n * M): CmbOptions {
  return { scheme, bar: 2, offset: 0n, size, sqs: false, cqs: false, lists: false, rds: false, wds: false, ...bits };
}

export interface Env {
  readonly fabric: Fabric;
  readonly clock: VirtualClock;
  readonly devs: Record<"nvme0" | "nvme1" | "nvme2", PciFunction>;
  readonly ram: { base: bigint; size: bigint };
}

/** Builds the machine with 256 MiB of RAM at bus address 0 and bus mastering enabled. */
export function makeEnv(cmbBarSize = 4n * M): Env {
  const built = buildSystem(topology(cmbBarSize));
  const fabric = new Fabric(built.system);
  const ram = { base: 0x100000n, size: 256n * M };
  fabric.addDram("ram", 0n, ram.base + ram.size);
  const devs = { nvme0: built.labels.get("nvme0")!, nvme1: built.labels.get("nvme1")!, nvme2: built.labels.get("nvme2")! };
  for (const d of Object.values(devs)) d.config.write16(pciRegs.PCI_COMMAND, pciRegs.PCI_COMMAND_MEMORY | pciRegs.PCI_COMMAND_MASTER);
  return { fabric, clock: new VirtualClock(), devs, ram };
}

/** Fields of a submission queue entry. */
export interface SqeInit {
  opc: number;
  cid?: number;
  nsid?: number;
  psdt?: number;
  fuse?: number;
  prp1?: bigint;
  prp2?: bigint;
  /** Raw 16-byte DPTR (SGL descriptor). */
  dptr?: Uint8Array;
  cdw10?: number;
  cdw11?: number;
  cdw12?: number;
  cdw13?: number;
  cdw14?: number;
  cdw15?: number;
}

/** Encodes an SQE (NVMe 1.4 Figure 105). */
export function sqe(s: SqeInit): Uint8Array {
  const b = new Uint8Array(64);
  writeLE(b, SQE.CDW0, 4, (s.opc & 0xff) | ((s.fuse ?? 0) << 8) | ((s.psdt ?? 0) << 14) | ((s.cid ?? 0) << 16));
  writeLE(b, SQE.NSID, 4, s.nsid ?? 0);
  if (s.dptr) b.set(s.dptr, SQE.DPTR);
  else {
    writeLE64(b, SQE.PRP1, s.prp1 ?? 0n);
    writeLE64(b, SQE.PRP2, s.prp2 ?? 0n);
  }
  const dws = [s.cdw10, s.cdw11, s.cdw12, s.cdw13, s.cdw14, s.cdw15];
  dws.forEach((v, i) => writeLE(b, SQE.CDW10 + 4 * i, 4, v ?? 0));
  return b;
}

/** A 16-byte SGL descriptor. */
export function sglDesc(addr: bigint, len: number, type: number, subtype = 0): Uint8Array {
  const b = new Uint8Array(16);
  writeLE64(b, 0, addr);
  writeLE(b, 8, 4, len);
  b[15] = (type << 4) | subtype;
  return b;
}

/** A completion as the driver reads it. */
export interface Cqe {
  dw0: number;
  dw1: number;
  sqhd: number;
  sqid: number;
  cid: number;
  /** 15-bit status. */
  status: number;
}

interface HostQueue {
  qid: number;
  sqBase: bigint;
  cqBase: bigint;
  entries: number;
  sqTail: number;
  cqHead: number;
  phase: number;
  cid: number;
}

/** A minimal host: memory allocator, MMIO, queues, synchronous command helper. */
export class Host {
  readonly ctrl: NvmeController;
  readonly bar0: bigint;
  private next: bigint;
  readonly queues = new Map<number, HostQueue>();
  interrupts: number[] = [];

  constructor(
    readonly env: Env,
    readonly dev: PciFunction,
    options: ControllerOptionsInit = {},
    ramOffset = 0n,
  ) {
    this.ctrl = NvmeController.attach({ fabric: env.fabric, clock: env.clock, dev, options });
    this.ctrl.onInterrupt = (v) => this.interrupts.push(v);
    this.bar0 = barBusAddress(dev, 0)!;
    this.next = env.ram.base + ramOffset;
  }

  /** Page-aligned, zeroed host memory (as dma_alloc_coherent returns it). */
  alloc(size: number, align = 4096): bigint {
    const a = BigInt(align);
    this.next = ((this.next + a - 1n) / a) * a;
    const at = this.next;
    this.next += BigInt(size);
    this.writeMem(at, new Uint8Array(size));
    return at;
  }

  writeMem(addr: bigint, data: Uint8Array): void {
    const r = this.env.fabric.write(null, addr, data);
    if ("error" in r) throw new Error(`host write at ${addr.toString(16)}: ${r.error}`);
  }
  readMem(addr: bigint, len: number): Uint8Array {
    const r = this.env.fabric.read(null, addr, len);
    if ("error" in r) throw new Error(`host read at ${addr.toString(16)}: ${r.error}`);
    return r.data;
  }

  r32(off: number): number {
    return readLE(this.readMem(this.bar0 + BigInt(off), 4), 0, 4);
  }
  r64(off: number): bigint {
    return readLE64(this.readMem(this.bar0 + BigInt(off), 8), 0);
  }
  w32(off: number, v: number): void {
    const b = new Uint8Array(4);
    writeLE(b, 0, 4, v);
    this.writeMem(this.bar0 + BigInt(off), b);
  }
  /** `lo_hi_writeq`. */
  w64(off: number, v: bigint): void {
    this.w32(off, Number(v & 0xffffffffn));
    this.w32(off + 4, Number(v >> 32n));
  }
  /** `hi_lo_writeq`. */
  w64HiLo(off: number, v: bigint): void {
    this.w32(off + 4, Number(v >> 32n));
    this.w32(off, Number(v & 0xffffffffn));
  }

  run(): void {
    const n = this.env.clock.run(1_000_000);
    if (n >= 1_000_000) throw new Error("runaway model: a million events without quiescing");
  }

  /** `nvme_pci_configure_admin_queue` + `nvme_enable_ctrl`. */
  enable(entries = 32, opts: { asq?: bigint; acq?: bigint; mps?: number } = {}): void {
    const asq = opts.asq ?? this.alloc(entries * 64);
    const acq = opts.acq ?? this.alloc(entries * 16);
    this.w32(NVME_REG.AQA, ((entries - 1) << 16) | (entries - 1));
    this.w64(NVME_REG.ASQ, asq);
    this.w64(NVME_REG.ACQ, acq);
    let cc = setField(0, CC.IOSQES, 6);
    cc = setField(cc, CC.IOCQES, 4);
    cc = setField(cc, CC.MPS, opts.mps ?? 0);
    this.w32(NVME_REG.CC, cc | 1);
    this.queues.set(0, { qid: 0, sqBase: asq, cqBase: acq, entries, sqTail: 0, cqHead: 0, phase: 1, cid: 0 });
    this.run();
  }

  get csts(): number {
    return this.r32(NVME_REG.CSTS);
  }
  get ready(): boolean {
    return getField(this.csts, CSTS.RDY) === 1;
  }
  get cfs(): boolean {
    return getField(this.csts, CSTS.CFS) === 1;
  }

  /** Writes an SQE at the tail of queue `qid` and rings its doorbell (does not run the clock). */
  submit(qid: number, s: SqeInit): number {
    const q = this.queues.get(qid)!;
    const cid = s.cid ?? (q.cid = (q.cid + 1) & 0xffff);
    this.writeMem(q.sqBase + BigInt(q.sqTail * 64), sqe({ ...s, cid }));
    q.sqTail = (q.sqTail + 1) % q.entries;
    this.w32(doorbellOffset(qid, false, 0), q.sqTail);
    return cid;
  }

  /** Reaps completions of queue `qid` (no clock advance) and rings the CQ head doorbell. */
  reap(qid: number, ring = true): Cqe[] {
    const q = this.queues.get(qid)!;
    const out: Cqe[] = [];
    for (;;) {
      const b = this.readMem(q.cqBase + BigInt(q.cqHead * 16), 16);
      const st = readLE(b, CQE.STATUS, 2);
      if ((st & 1) !== q.phase) break;
      out.push({ dw0: readLE(b, 0, 4), dw1: readLE(b, 4, 4), sqhd: readLE(b, CQE.SQHD, 2), sqid: readLE(b, CQE.SQID, 2), cid: readLE(b, CQE.CID, 2), status: st >> 1 });
      q.cqHead = (q.cqHead + 1) % q.entries;
      if (q.cqHead === 0) q.phase ^= 1;
    }
    if (ring && out.length > 0) this.w32(doorbellOffset(qid, true, 0), q.cqHead);
    return out;
  }

  /** Submits one command, runs the clock, returns its completion. */
  cmd(qid: number, s: SqeInit): Cqe {
    const cid = this.submit(qid, s);
    this.run();
    const all = this.reap(qid);
    const c = all.find((x) => x.cid === cid);
    if (!c) throw new Error(`no completion for cid ${cid} on queue ${qid}`);
    return c;
  }

  /** Admin command shorthand. */
  admin(s: SqeInit): Cqe {
    return this.cmd(0, s);
  }

  /** Sets Number of Queues and creates I/O CQ + SQ `qid` (PC = 1). */
  createIoQueue(qid: number, entries = 64, at: { sq?: bigint; cq?: bigint } = {}): { sq: Cqe; cq: Cqe } {
    const cqBase = at.cq ?? this.alloc(entries * 16);
    const sqBase = at.sq ?? this.alloc(entries * 64);
    const cq = this.admin({ opc: ADMIN_OPC.CREATE_IO_CQ, prp1: cqBase, cdw10: ((entries - 1) << 16) | qid, cdw11: 0x3 });
    const sq = this.admin({ opc: ADMIN_OPC.CREATE_IO_SQ, prp1: sqBase, cdw10: ((entries - 1) << 16) | qid, cdw11: (qid << 16) | 0x1 });
    if (cq.status === 0 && sq.status === 0) this.queues.set(qid, { qid, sqBase, cqBase, entries, sqTail: 0, cqHead: 0, phase: 1, cid: 0 });
    return { sq, cq };
  }

  /** Write then read helpers (PRP, contiguous host buffer). */
  write(qid: number, nsid: number, slba: bigint, buf: bigint, nlb: number, prp2 = 0n): Cqe {
    return this.cmd(qid, { opc: 0x01, nsid, prp1: buf, prp2, cdw10: Number(slba & 0xffffffffn), cdw11: Number(slba >> 32n), cdw12: nlb - 1 });
  }
  read(qid: number, nsid: number, slba: bigint, buf: bigint, nlb: number, prp2 = 0n): Cqe {
    return this.cmd(qid, { opc: 0x02, nsid, prp1: buf, prp2, cdw10: Number(slba & 0xffffffffn), cdw11: Number(slba >> 32n), cdw12: nlb - 1 });
  }
}

/** Deterministic bytes. */
export function pattern(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** Builds a PRP list for `pages` page addresses at `listAddr` (single list page). */
export function prpList(host: Host, listAddr: bigint, pages: readonly bigint[]): void {
  const b = new Uint8Array(pages.length * 8);
  pages.forEach((p, i) => writeLE64(b, i * 8, p));
  host.writeMem(listAddr, b);
}

/** Fast byte equality (vitest's deep equality is slow on large typed arrays). */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
