/**
 * An RDMA NIC as a PCI function (device model only): config space as a Mellanox ConnectX
 * reports it (vendor 0x15b3, class 0x020000 Ethernet/RoCE or 0x020700 InfiniBand, a PCIe
 * endpoint capability, a 64-bit prefetchable BAR 0 of doorbells and UAR pages), its BAR claimed
 * on the host's fabric, and a bus-master DMA engine whose reads and writes the fabric routes and
 * counts, so an RDMA READ landing at a CMB's bus address is a peer-to-peer transaction.
 */
import type { Fabric, MemoryRegion, PciBus, PciFunction, PciSystem } from "@p2pdma/pci-core";
import { ConfigSpace, IORESOURCE_MEM, IORESOURCE_MEM_64, IORESOURCE_PREFETCH, PCI_EXP_TYPE, SparseMemory } from "@p2pdma/pci-core";
import type { DmaEngine } from "./dma-engine";
import { PciDmaEngine } from "./dma-engine";
import { PCI_CLASS_NETWORK_ETHERNET, PCI_DEVICE_ID_CONNECTX5, PCI_VENDOR_ID_MELLANOX } from "../spec/rnic-ids";

export interface RnicFunctionOptions {
  readonly bus: PciBus;
  readonly devfn: number;
  /** CPU address of BAR 0 (assigned by the caller's resource allocation). */
  readonly barStart: bigint;
  /** BAR 0 size (default 32 MiB, as a ConnectX-5 PF shows). */
  readonly barSize?: bigint;
  readonly vendor?: number;
  readonly device?: number;
  /** 0x020000 (Ethernet, RoCE; default) or 0x020700 (InfiniBand). */
  readonly classCode?: number;
  readonly label?: string;
}

/** Adds an RNIC function to `system` (a ConnectX-5, 15b3:1017, by default) and returns it. */
export function addRnicFunction(system: PciSystem, o: RnicFunctionOptions): PciFunction {
  const size = o.barSize ?? 32n << 20n;
  const cs = new ConfigSpace(4096);
  cs.init(0x00, 2, o.vendor ?? PCI_VENDOR_ID_MELLANOX);
  cs.init(0x02, 2, o.device ?? PCI_DEVICE_ID_CONNECTX5);
  cs.init(0x06, 2, 0x0010); // capability list
  cs.init(0x08, 4, ((o.classCode ?? PCI_CLASS_NETWORK_ETHERNET) << 8) >>> 0);
  cs.init(0x0e, 1, 0x00);
  cs.init(0x34, 1, 0x60);
  cs.init(0x60, 2, 0x0010); // PCIe capability, end of list
  cs.init(0x62, 2, (PCI_EXP_TYPE.ENDPOINT << 4) | 0x2);
  cs.init(0x10, 4, (Number(o.barStart & 0xfffffff0n) | 0xc) >>> 0);
  cs.init(0x14, 4, Number((o.barStart >> 32n) & 0xffffffffn));
  const fn = system.addFunction({
    bus: o.bus,
    devfn: o.devfn,
    config: cs,
    ...(o.label !== undefined ? { label: o.label } : {}),
    autoBind: false,
  });
  const r = fn.resources[0]!;
  r.start = o.barStart;
  r.end = o.barStart + size - 1n;
  r.flags = IORESOURCE_MEM | IORESOURCE_MEM_64 | IORESOURCE_PREFETCH;
  return fn;
}

/** The NIC's hardware: its function, its claimed BAR 0 and its DMA engine. */
export class Rnic {
  readonly dma: DmaEngine;
  readonly bar: MemoryRegion;

  constructor(
    readonly fabric: Fabric,
    readonly fn: PciFunction,
  ) {
    this.dma = new PciDmaEngine(fabric, fn);
    const res = fn.resources[0];
    const size = res ? res.end - res.start + 1n : 0n;
    this.bar = fabric.attachBar(fn, 0, new SparseMemory(size > 0n ? size : 1n));
  }
}
