/**
 * One host's DMA engine on the virtual clock: a device reads or writes bytes at a bus address
 * through the pci-core Fabric (which routes, moves and counts them per link), and the transfer
 * completes when every link it crosses has carried it. Links are shared flows: each direction
 * of each link is busy until its queued bytes have passed (hardware-figures §5: per-I/O events,
 * not per-TLP). Bandwidth per link comes from the negotiated speed and width of the function
 * below it at the MPS-256 efficiency of hardware-figures §2.1 (≈ 84 % of raw).
 */
import { Fabric, findCapability, linkAbove, pcieRegs } from "@p2pdma/pci-core";
import type { Hop, PciFunction, PciSystem, VirtualClock } from "@p2pdma/pci-core";
import { HostMemory } from "@p2pdma/block";

/** Raw GB/s per lane by LNKSTA speed code (2.5, 5, 8, 16, 32 GT/s), hardware-figures §2.1. */
const RAW_PER_LANE = [0, 0.25, 0.5, 0.985, 1.969, 3.938] as const;
/** MPS 256 payload efficiency (hardware-figures §2.1 rule of thumb: 82–84 % of raw). */
const MPS256_EFFICIENCY = 0.84;
/** DRAM per socket, Skylake-SP 6 ch DDR4-2666 (hardware-figures §2.5), GB/s. */
const DRAM_GBPS = 128;
/** One PCIe DMA round trip, hardware-figures 2.2.1 (546 ns at 64 B), rounded. */
export const PCIE_LATENCY_NS = 500;

/** A failed DMA (Unsupported Request, or a region end crossed). */
export class DmaError extends Error {
  readonly code = "EDMA";
}

/** The DMA engine of one host. */
export class HostDma {
  readonly fabric: Fabric;
  readonly dram: HostMemory;
  private readonly busy = new Map<string, number>();
  private readonly gbps = new Map<string, number>();
  private readonly addrs = new WeakMap<Uint8Array, bigint>();
  private ringBase = 0n;
  private ringCursor = 0n;
  /** Payload bytes per link (the fabric itself also counts control traffic: SQEs, CQEs, PRP lists, doorbells). */
  private readonly payload = new Map<string, { up: number; down: number }>();

  constructor(
    readonly name: string,
    readonly system: PciSystem,
    readonly clock: VirtualClock,
    /** Bytes of DRAM set aside for buffers the kernel allocates page by page (sgl_alloc, receive buffers). */
    readonly ringBytes = 256n << 20n,
    /** The machine's fabric when a driver model already made one (nvme-pci's `attachNvme`). */
    fabric?: Fabric,
  ) {
    this.fabric = fabric ?? new Fabric(system);
    this.dram = HostMemory.of(this.fabric);
    for (const d of system.devices) {
      const l = linkAbove(d);
      if (l !== null && !this.gbps.has(l)) this.gbps.set(l, linkGbps(d));
    }
  }

  /** Page-sized system-memory buffers get DRAM addresses from a ring (live buffers never exceed it). */
  addressOf(buf: Uint8Array): bigint {
    let a = this.addrs.get(buf);
    if (a !== undefined) return a;
    if (this.ringBase === 0n) {
      const base = this.dram.alloc(this.ringBytes);
      if (base === null) throw new DmaError(`${this.name}: no DRAM for the buffer ring`);
      this.ringBase = base;
    }
    const len = BigInt(Math.ceil(Math.max(buf.length, 1) / 4096) * 4096);
    if (this.ringCursor + len > this.ringBytes) this.ringCursor = 0n;
    a = this.ringBase + this.ringCursor;
    this.ringCursor += len;
    this.addrs.set(buf, a);
    // The page already holds what the CPU put in it (a memcpy in the kernel, never on a link).
    if (buf.length > 0) this.cpuWrite(a, buf);
    return a;
  }

  /** Pins `buf` at a known bus address (a P2P block, a registered memory region). */
  setAddress(buf: Uint8Array, addr: bigint): void {
    this.addrs.set(buf, addr);
  }

  /** `initiator` writes `data` at `addr`; resolves when the last link has carried it. */
  write(initiator: PciFunction, addr: bigint, data: Uint8Array): Promise<void> {
    const r = this.fabric.write(initiator, addr, data);
    if ("error" in r) return Promise.reject(new DmaError(`${initiator.name}: write at 0x${addr.toString(16)}: ${r.error}`));
    this.count(r.hops, data.length, false);
    return this.after(r.hops, data.length, false).then(() => undefined);
  }

  /** `initiator` reads `length` bytes at `addr`; resolves with them when they have arrived. */
  read(initiator: PciFunction, addr: bigint, length: number): Promise<Uint8Array> {
    const r = this.fabric.read(initiator, addr, length);
    if ("error" in r) return Promise.reject(new DmaError(`${initiator.name}: read at 0x${addr.toString(16)}: ${r.error}`));
    this.count(r.route.hops, length, true);
    return this.after(r.route.hops, length, true).then(() => r.data);
  }

  /**
   * Counts a payload transfer another device model already made on this fabric (an NVMe
   * controller's data DMA): `initiator` read (`toDevice`) or wrote `length` bytes at `addr`.
   */
  accountPayload(initiator: PciFunction, addr: bigint, length: number, toDevice: boolean): void {
    const r = this.fabric.route(initiator, addr, length);
    if (!("error" in r)) this.count(r.hops, length, toDevice);
  }

  /** Payload bytes per link and direction since the last reset, links sorted by name. */
  linkCounters(): { link: string; up: number; down: number }[] {
    return [...this.payload.entries()]
      .map(([link, c]) => ({ link, up: c.up, down: c.down }))
      .sort((a, b) => (a.link < b.link ? -1 : a.link > b.link ? 1 : 0));
  }

  /** Clears the payload counters and the fabric's (all-traffic) counters. */
  resetCounters(): void {
    this.payload.clear();
    this.fabric.resetCounters();
  }

  private count(hops: readonly Hop[], bytes: number, reverse: boolean): void {
    for (const h of hops) {
      let c = this.payload.get(h.link);
      if (!c) {
        c = { up: 0, down: 0 };
        this.payload.set(h.link, c);
      }
      c[reverse ? (h.dir === "up" ? "down" : "up") : h.dir] += bytes;
    }
  }

  /** The CPU writes host memory (never on a PCIe link). */
  cpuWrite(addr: bigint, data: Uint8Array): void {
    const r = this.fabric.write(null, addr, data);
    if ("error" in r) throw new DmaError(`cpu write at 0x${addr.toString(16)}: ${r.error}`);
  }

  /** The CPU reads host memory. */
  cpuRead(addr: bigint, length: number): Uint8Array {
    const r = this.fabric.read(null, addr, length);
    if ("error" in r) throw new DmaError(`cpu read at 0x${addr.toString(16)}: ${r.error}`);
    return r.data;
  }

  private after(hops: readonly Hop[], bytes: number, reverse: boolean): Promise<void> {
    const now = this.clock.now;
    let start = now;
    let slowest = Number.POSITIVE_INFINITY;
    const keys: string[] = [];
    for (const h of hops) {
      const dir = reverse ? (h.dir === "up" ? "down" : "up") : h.dir;
      const key = `${h.link}:${dir}`;
      keys.push(key);
      start = Math.max(start, this.busy.get(key) ?? 0);
      slowest = Math.min(slowest, this.gbps.get(h.link) ?? (h.link.includes("<->memory") ? DRAM_GBPS : 12));
    }
    const dur = Number.isFinite(slowest) ? bytes / slowest : 0; // GB/s = bytes per ns
    for (const k of keys) this.busy.set(k, start + dur);
    const delay = start + dur - now + PCIE_LATENCY_NS;
    return new Promise((resolve) => this.clock.schedule(delay, resolve));
  }
}

/** Effective payload GB/s of the link above `dev` from its negotiated LNKSTA (Gen3 x4 if unknown). */
function linkGbps(dev: PciFunction): number {
  const cap = findCapability(dev.config, 0x10);
  if (cap === 0) return 3.3;
  const sta = dev.config.read16(cap + pcieRegs.PCI_EXP_LNKSTA);
  const speed = sta & 0xf;
  const width = (sta >> 4) & 0x3f;
  const perLane = RAW_PER_LANE[speed as 0 | 1 | 2 | 3 | 4 | 5] ?? 0.985;
  return perLane * (width || 4) * MPS256_EFFICIENCY;
}
