/**
 * BAR0 as the CPU sees it after `pci_iomap`: readl/writel/lo_hi_readq/hi_lo_writeq through the
 * Fabric with the CPU as initiator, at the BAR's bus address.
 */
import type { Fabric, PciFunction } from "@p2pdma/pci-core";
import { readLE, writeLE } from "@p2pdma/pci-core";
import { NvmeDriverError } from "./env";

export class Bar0 {
  readonly base: bigint;
  constructor(
    private readonly fabric: Fabric,
    dev: PciFunction,
  ) {
    const r = dev.resources[0];
    if (!r) throw new NvmeDriverError(`${dev.name}: BAR0 unassigned`, "ENVME_STATE");
    this.base = dev.bus.hostBridge.cpuToBus(r.start);
  }

  readl(off: number): number {
    const r = this.fabric.read(null, this.base + BigInt(off), 4);
    if ("error" in r) return 0xffffffff; // master abort reads all ones
    return readLE(r.data, 0, 4) >>> 0;
  }

  writel(off: number, v: number): void {
    const b = new Uint8Array(4);
    writeLE(b, 0, 4, v >>> 0);
    this.fabric.write(null, this.base + BigInt(off), b);
  }

  /** `lo_hi_readq`. */
  readq(off: number): bigint {
    const lo = BigInt(this.readl(off));
    const hi = BigInt(this.readl(off + 4));
    return (hi << 32n) | lo;
  }

  /** `hi_lo_writeq`. */
  writeq(off: number, v: bigint): void {
    this.writel(off + 4, Number((v >> 32n) & 0xffffffffn));
    this.writel(off, Number(v & 0xffffffffn));
  }
}
