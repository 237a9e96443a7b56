/**
 * A p2pmem PCI card (like Eideticom's NoLoad IO memory controller, driven by the out-of-tree
 * `p2pmem_pci`): class 0x0580 (memory controller, other), a small register BAR 0 and a large
 * prefetchable 64-bit BAR of plain memory with no side effects. Device model only: it builds
 * config space and the BAR resources; its driver is `drivers/p2pmem-pci.ts`.
 */
import type { PciBus, PciFunction, PciSystem } from "@p2pdma/pci-core";
import {
  ConfigSpace,
  IORESOURCE_MEM,
  IORESOURCE_MEM_64,
  IORESOURCE_PREFETCH,
  PCI_EXP_TYPE,
} from "@p2pdma/pci-core";

/** Eideticom's vendor id and the NoLoad IO memory controller function. */
export const P2PMEM_CARD_VENDOR = 0x1de5;
export const P2PMEM_CARD_DEVICE = 0x1000;
/** PCI class "memory controller, other". */
export const P2PMEM_CARD_CLASS = 0x058000;

export interface P2pmemCardOptions {
  readonly bus: PciBus;
  readonly devfn: number;
  /** Which BAR holds the memory (default 4) and its size in bytes (power of two). */
  readonly memBar?: number;
  readonly memSize: bigint;
  /** CPU address of the memory BAR (assigned by the caller's resource allocation). */
  readonly memStart: bigint;
  /** CPU address of the 16 KiB register BAR 0. */
  readonly regStart: bigint;
  readonly vendor?: number;
  readonly device?: number;
  readonly label?: string;
  readonly autoBind?: boolean;
}

/** Adds a p2pmem card to `system` and returns its function. */
export function addP2pmemCard(system: PciSystem, o: P2pmemCardOptions): PciFunction {
  const memBar = o.memBar ?? 4;
  if (memBar < 0 || memBar > 4 || memBar % 2 !== 0) throw new RangeError("a 64-bit memory BAR index must be 0, 2 or 4");
  const cs = new ConfigSpace(4096);
  cs.init(0x00, 2, o.vendor ?? P2PMEM_CARD_VENDOR);
  cs.init(0x02, 2, o.device ?? P2PMEM_CARD_DEVICE);
  cs.init(0x06, 2, 0x0010); // capability list
  cs.init(0x08, 4, (P2PMEM_CARD_CLASS << 8) | 0x01);
  cs.init(0x0e, 1, 0x00);
  cs.init(0x34, 1, 0x40);
  cs.init(0x40, 2, 0x0010); // PCIe capability, end of list
  cs.init(0x42, 2, (PCI_EXP_TYPE.ENDPOINT << 4) | 0x2);
  const bar64 = (index: number, start: bigint, prefetch: boolean): void => {
    const low = Number(start & 0xfffffff0n) | 0x4 | (prefetch ? 0x8 : 0);
    cs.init(0x10 + index * 4, 4, low >>> 0);
    cs.init(0x14 + index * 4, 4, Number((start >> 32n) & 0xffffffffn));
  };
  bar64(0, o.regStart, false);
  if (memBar !== 0) bar64(memBar, o.memStart, true);
  const dev = system.addFunction({
    bus: o.bus,
    devfn: o.devfn,
    config: cs,
    ...(o.label !== undefined ? { label: o.label } : {}),
    autoBind: false, // BARs are assigned below, before any driver may probe
  });
  const reg = dev.resources[0]!;
  reg.start = o.regStart;
  reg.end = o.regStart + 0x4000n - 1n;
  reg.flags = IORESOURCE_MEM | IORESOURCE_MEM_64;
  if (memBar !== 0) {
    const mem = dev.resources[memBar]!;
    mem.start = o.memStart;
    mem.end = o.memStart + o.memSize - 1n;
    mem.flags = IORESOURCE_MEM | IORESOURCE_MEM_64 | IORESOURCE_PREFETCH;
  }
  if (o.autoBind ?? true) system.bindDriver(dev);
  return dev;
}
