/**
 * One machine as the RDMA layer sees it: its PCI system, its PCIe fabric with system RAM, the
 * shared virtual clock, its P2PDMA state, and a trivial kernel allocator handing out
 * direct-map virtual addresses of RAM (`kmalloc`, `sgl_alloc`). Two hosts are two of these,
 * each with its own fabric and DRAM, on one clock.
 */
import type { KernelMode, MemoryRegion, VirtualClock } from "@p2pdma/pci-core";
import type { ScatterEntry } from "@p2pdma/p2pdma";
import { DEFAULT_KERNEL_MODE, Fabric, PciSystem } from "@p2pdma/pci-core";
import { P2pdma, PAGE_OFFSET, PAGE_SIZE, sgFromBuf } from "@p2pdma/p2pdma";
import { CpuCopyEngine, isDmaFault } from "./hw/dma-engine";
import { RdmaError } from "./errors";

export interface HostOptions {
  readonly name: string;
  readonly clock: VirtualClock;
  /** An existing machine (e.g. a built topology); default: one host bridge, domain 0 bus 0. */
  readonly system?: PciSystem;
  /** Its fabric, if one exists already; default: a new one over `system`. */
  readonly fabric?: Fabric;
  /** System RAM: bus/physical start and size (default 0 and 1 GiB). */
  readonly dramStart?: bigint;
  readonly dramSize?: bigint;
  /** Kernel semantics of this host (default "6.12"). */
  readonly kernel?: KernelMode;
}

export class Host {
  readonly name: string;
  readonly clock: VirtualClock;
  readonly system: PciSystem;
  readonly fabric: Fabric;
  readonly dram: MemoryRegion;
  readonly p2p: P2pdma;
  readonly kernel: KernelMode;
  private readonly cpu: CpuCopyEngine;
  private brk: bigint;

  constructor(o: HostOptions) {
    this.name = o.name;
    this.clock = o.clock;
    this.kernel = o.kernel ?? DEFAULT_KERNEL_MODE;
    if (o.system) {
      this.system = o.system;
    } else {
      this.system = new PciSystem({ cpuVendor: "intel", cpuFamily: 6, arch: "x86" });
      this.system.addHostBridge({ domain: 0, rootBus: 0 });
    }
    this.fabric = o.fabric ?? new Fabric(this.system);
    const start = o.dramStart ?? 0n;
    const size = o.dramSize ?? 1n << 30n;
    this.dram = this.fabric.addDram(`${o.name} RAM`, start, size);
    this.p2p = P2pdma.of(this.system, { kernel: this.kernel }, { systemRam: [{ start, end: start + size - 1n }] });
    this.cpu = new CpuCopyEngine(this.fabric);
    // Page 0 stays unused so that no allocation is NULL.
    this.brk = start + BigInt(PAGE_SIZE);
  }

  /** Models `kmalloc` of RAM: a direct-map virtual address (page aligned by default), or 0n. */
  kmalloc(length: number, align = PAGE_SIZE): bigint {
    if (!Number.isSafeInteger(length) || length <= 0) throw new RdmaError(`kmalloc length ${length}`);
    const a = BigInt(align);
    const at = ((this.brk + a - 1n) / a) * a;
    if (at + BigInt(length) > this.dram.busStart + this.dram.size) return 0n;
    this.brk = at + BigInt(length);
    return PAGE_OFFSET + at;
  }

  /** One scatterlist entry over a direct-map buffer (`sg_set_buf`). */
  sgFromBuf(virt: bigint, length: number): ScatterEntry {
    return sgFromBuf(this.p2p.core, virt, length);
  }

  /** Models `sgl_alloc(length)`: page-sized entries of fresh RAM; null when RAM is exhausted. */
  sglAlloc(length: number): ScatterEntry[] | null {
    const base = this.kmalloc(length);
    if (base === 0n) return null;
    const out: ScatterEntry[] = [];
    for (let off = 0; off < length; off += PAGE_SIZE) {
      out.push(this.sgFromBuf(base + BigInt(off), Math.min(PAGE_SIZE, length - off)));
    }
    return out;
  }

  /** CPU stores at a direct-map virtual address (RAM or a BAR), through the fabric. */
  cpuWrite(virt: bigint, data: Uint8Array): void {
    const f = this.cpu.write(virt, data);
    if (f) throw new RdmaError(`${this.name}: CPU store at 0x${virt.toString(16)} faults (${f.fault})`);
  }

  /** CPU loads from a direct-map virtual address. */
  cpuRead(virt: bigint, length: number): Uint8Array {
    const r = this.cpu.read(virt, length);
    if (isDmaFault(r)) throw new RdmaError(`${this.name}: CPU load at 0x${virt.toString(16)} faults (${r.fault})`);
    return r;
  }

  /** Reads what a scatterlist describes, in order (CPU view). */
  readSgl(sgl: readonly ScatterEntry[]): Uint8Array {
    const total = sgl.reduce((n, s) => n + s.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const s of sgl) {
      out.set(this.cpuRead(PAGE_OFFSET + s.page.phys + BigInt(s.offset), s.length), at);
      at += s.length;
    }
    return out;
  }

  /** Fills a scatterlist with `data` (CPU stores). */
  writeSgl(sgl: readonly ScatterEntry[], data: Uint8Array): void {
    let at = 0;
    for (const s of sgl) {
      if (at >= data.length) break;
      const n = Math.min(s.length, data.length - at);
      this.cpuWrite(PAGE_OFFSET + s.page.phys + BigInt(s.offset), data.subarray(at, at + n));
      at += n;
    }
  }
}
