/**
 * How a device model moves bytes: a PCI function's bus-master DMA through the host's PCIe
 * fabric (routed and counted per link), or, for software RDMA (rxe, siw), CPU copies at kernel
 * virtual addresses (the "DMA addresses" of `dma_virt_ops` / `ib_uses_virt_dma`).
 */
import type { Fabric, PciFunction } from "@p2pdma/pci-core";
import { PAGE_OFFSET } from "@p2pdma/p2pdma";

/** A transaction no memory claims (Unsupported Request) or that leaves its region. */
export interface DmaFault {
  readonly fault: "unsupported-request" | "crosses-region-end" | "not-direct-mapped";
  readonly address: bigint;
}

export interface DmaEngine {
  /** Who initiates the transactions (null: the CPU). */
  readonly initiator: PciFunction | null;
  read(addr: bigint, length: number): Uint8Array | DmaFault;
  write(addr: bigint, data: Uint8Array): DmaFault | null;
}

export function isDmaFault(v: unknown): v is DmaFault {
  return typeof v === "object" && v !== null && "fault" in v;
}

/** Bus-master DMA of `fn`: addresses are bus addresses on `fabric`. */
export class PciDmaEngine implements DmaEngine {
  constructor(
    readonly fabric: Fabric,
    readonly initiator: PciFunction,
  ) {}

  read(addr: bigint, length: number): Uint8Array | DmaFault {
    const r = this.fabric.read(this.initiator, addr, length);
    return "error" in r ? { fault: r.error, address: r.busAddress } : r.data;
  }

  write(addr: bigint, data: Uint8Array): DmaFault | null {
    const r = this.fabric.write(this.initiator, addr, data);
    return "error" in r ? { fault: r.error, address: r.busAddress } : null;
  }
}

/**
 * The CPU physical address `phys` as a bus address on `fabric`: DRAM is identity-mapped; a BAR
 * is found by its CPU range (bus address minus the host bridge's offset). Null when nothing
 * claims it.
 */
export function cpuPhysToBus(fabric: Fabric, phys: bigint): bigint | null {
  for (const r of fabric.allRegions()) {
    const cpuStart = r.owner ? r.owner.bus.hostBridge.busToCpu(r.busStart) : r.busStart;
    if (phys >= cpuStart && phys < cpuStart + r.size) return r.busStart + (phys - cpuStart);
  }
  return null;
}

/** CPU loads and stores at direct-map kernel virtual addresses (`__pa`), counted on the fabric. */
export class CpuCopyEngine implements DmaEngine {
  readonly initiator = null;

  constructor(readonly fabric: Fabric) {}

  private bus(addr: bigint): bigint | DmaFault {
    if (addr < PAGE_OFFSET) return { fault: "not-direct-mapped", address: addr };
    const bus = cpuPhysToBus(this.fabric, addr - PAGE_OFFSET);
    return bus === null ? { fault: "unsupported-request", address: addr } : bus;
  }

  read(addr: bigint, length: number): Uint8Array | DmaFault {
    const bus = this.bus(addr);
    if (typeof bus !== "bigint") return bus;
    const r = this.fabric.read(null, bus, length);
    return "error" in r ? { fault: r.error, address: addr } : r.data;
  }

  write(addr: bigint, data: Uint8Array): DmaFault | null {
    const bus = this.bus(addr);
    if (typeof bus !== "bigint") return bus;
    const r = this.fabric.write(null, bus, data);
    return "error" in r ? { fault: r.error, address: addr } : null;
  }
}
