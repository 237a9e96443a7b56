/**
 * DMA of the controller: every read and write goes through the pci-core Fabric as a request of
 * this function (so a buffer in another device's BAR is a peer-to-peer transaction, counted on
 * the links it crosses), only while Command.Bus Master Enable is set (PCIe 4.0 §7.5.1.1).
 * A transfer spanning memory regions is split at region ends, as TLPs would be.
 */
import type { Fabric, PciFunction } from "@p2pdma/pci-core";
import { busMasterEnabled } from "./pci";

/** Why a DMA failed (the controller reports Data Transfer Error or, for queues, CFS). */
export type DmaFailure = "bus-master-disabled" | "unsupported-request";

/** The controller's DMA engine. */
export class Dma {
  /** Last failure, for traces. */
  lastFailure: DmaFailure | null = null;
  constructor(
    private readonly fabric: Fabric,
    private readonly dev: PciFunction,
  ) {}

  private chunk(addr: bigint, len: number): number {
    const r = this.fabric.claim(addr);
    if (!r) return len;
    const left = r.busStart + r.size - addr;
    return left < BigInt(len) ? Number(left) : len;
  }

  /** Reads `len` bytes at bus address `addr`, or null on failure. */
  read(addr: bigint, len: number): Uint8Array | null {
    if (!busMasterEnabled(this.dev)) return this.failed("bus-master-disabled");
    const first = this.fabric.read(this.dev, addr, len);
    if (!("error" in first)) return first.data;
    if (first.error !== "crosses-region-end") return this.failed("unsupported-request");
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const at = addr + BigInt(done);
      const n = this.chunk(at, len - done);
      const r = this.fabric.read(this.dev, at, n);
      if ("error" in r) return this.failed("unsupported-request");
      out.set(r.data, done);
      done += n;
    }
    return out;
  }

  /** Writes `data` at bus address `addr`; false on failure (nothing more is written). */
  write(addr: bigint, data: Uint8Array): boolean {
    if (!busMasterEnabled(this.dev)) return this.failed("bus-master-disabled") ?? false;
    const first = this.fabric.write(this.dev, addr, data);
    if (!("error" in first)) return true;
    if (first.error !== "crosses-region-end") return this.failed("unsupported-request") ?? false;
    let done = 0;
    while (done < data.length) {
      const at = addr + BigInt(done);
      const n = this.chunk(at, data.length - done);
      const r = this.fabric.write(this.dev, at, data.subarray(done, done + n));
      if ("error" in r) return this.failed("unsupported-request") ?? false;
      done += n;
    }
    return true;
  }

  private failed(why: DmaFailure): null {
    this.lastFailure = why;
    return null;
  }
}
