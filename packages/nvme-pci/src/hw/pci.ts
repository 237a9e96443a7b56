/**
 * The controller as a PCI function (NVMe 1.4 §2, PCI header and capabilities): class code
 * 010802h (mass storage, NVM, NVM Express), BAR0/1 a 64-bit memory BAR for registers and
 * doorbells, the CMB or plain memory BAR at 2/3 or 4/5, PCI Express endpoint, PM and optional
 * MSI-X (table and PBA in BAR0's upper half).
 */
import type { PciBus, PciFunction, PciSystem } from "@p2pdma/pci-core";
import {
  ConfigBuilder,
  IORESOURCE_MEM,
  IORESOURCE_MEM_64,
  IORESOURCE_PREFETCH,
  IORESOURCE_SIZEALIGN,
  pciRegs,
  pciMsixRegs,
  findCapability,
  pciCapIds,
} from "@p2pdma/pci-core";
import type { ControllerOptions } from "./options";
import { NvmeModelError } from "./errors";

/** Class code of an NVM Express controller (NVMe 1.4 §2.1.5 CC). */
export const NVME_CLASS_CODE = 0x010802;

/** Where BARs of a newly created function are placed (bus addresses), by BAR index. */
export type BarAddresses = Readonly<Partial<Record<number, bigint>>>;

/** Where the MSI-X table and PBA sit in BAR0. */
export function msixLayout(o: ControllerOptions): { tableOffset: number; pbaOffset: number } {
  const half = Number(o.bar0Size) / 2;
  return { tableOffset: half, pbaOffset: half + Number(o.bar0Size) / 4 };
}

/** Lays out the config space of an NVMe controller function with the given BAR addresses. */
export function nvmeConfigSpace(o: ControllerOptions, addresses: BarAddresses = {}) {
  const b = new ConfigBuilder({
    type: 0,
    vendor: o.vendor,
    device: o.device,
    classCode: NVME_CLASS_CODE,
    subsystemVendor: o.subsystemVendor,
    subsystemDevice: o.subsystemDevice,
    interruptPin: 1,
  });
  b.bar({ index: 0, kind: "mem64", size: o.bar0Size, ...(addresses[0] !== undefined ? { address: addresses[0] } : {}) });
  const extra: { bar: number; size: bigint }[] = [...o.memoryBars];
  if (o.cmb) {
    const need = o.cmb.offset + o.cmb.size;
    let size = 4096n;
    while (size < need) size <<= 1n;
    extra.push({ bar: o.cmb.bar, size });
  }
  for (const m of extra) {
    const address = addresses[m.bar];
    b.bar({ index: m.bar, kind: "mem64", prefetchable: true, size: m.size, ...(address !== undefined ? { address } : {}) });
  }
  b.pm();
  if (o.msixVectors > 0) {
    const l = msixLayout(o);
    b.msix({ tableSize: o.msixVectors, tableBir: 0, tableOffset: l.tableOffset, pbaBir: 0, pbaOffset: l.pbaOffset });
  }
  b.pcie({ portType: "endpoint", link: { maxSpeedGTs: 8, maxWidth: 4 }, flr: true });
  return b.build();
}

/**
 * Creates the controller's PCI function on `bus` at `devfn` with its BARs at the given bus
 * addresses and their resources set as enumeration would (`pci_read_bases`). Attach the model
 * with {@link NvmeController.attach} afterwards.
 */
export function createNvmeFunction(system: PciSystem, bus: PciBus, devfn: number, o: ControllerOptions, addresses: BarAddresses): PciFunction {
  const dev = system.addFunction({ bus, devfn, config: nvmeConfigSpace(o, addresses), autoBind: false });
  for (const [k, addr] of Object.entries(addresses)) {
    if (addr === undefined) continue;
    const bar = Number(k);
    const size = barSize(dev, bar);
    if (size === 0n) throw new NvmeModelError("EATTACH", `BAR ${bar} is not implemented by this controller`);
    const start = bus.hostBridge.busToCpu(addr);
    const pf = bar === 0 ? 0 : IORESOURCE_PREFETCH;
    dev.resources[bar] = { start, end: start + size - 1n, flags: IORESOURCE_MEM | IORESOURCE_MEM_64 | IORESOURCE_SIZEALIGN | pf | 0x4 | (pf ? 0x8 : 0) };
  }
  return dev;
}

function barSize(dev: PciFunction, bar: number): bigint {
  const o = pciRegs.PCI_BASE_ADDRESS_0 + 4 * bar;
  const cs = dev.config;
  const lo = cs.read32(o);
  const hi = cs.read32(o + 4);
  cs.write32(o, 0xffffffff);
  cs.write32(o + 4, 0xffffffff);
  const mlo = cs.read32(o) & ~0xf;
  const mhi = cs.read32(o + 4);
  cs.write32(o, lo);
  cs.write32(o + 4, hi);
  const mask = (BigInt(mhi >>> 0) << 32n) | BigInt(mlo >>> 0);
  if (mask === 0n) return 0n;
  return BigInt.asUintN(64, ~mask) + 1n;
}

/** The bus address a 64-bit memory BAR decodes, read from config space, or null when unassigned. */
export function barBusAddress(dev: PciFunction, bar: number): bigint | null {
  const o = pciRegs.PCI_BASE_ADDRESS_0 + 4 * bar;
  const lo = dev.config.read32(o);
  const hi = (lo & 0x6) === 0x4 ? dev.config.read32(o + 4) : 0;
  const addr = (BigInt(hi >>> 0) << 32n) | BigInt((lo & ~0xf) >>> 0);
  return addr === 0n ? null : addr;
}

/** Whether config space allows the function to master DMA (Command.Bus Master Enable). */
export function busMasterEnabled(dev: PciFunction): boolean {
  return (dev.config.read16(pciRegs.PCI_COMMAND) & pciRegs.PCI_COMMAND_MASTER) !== 0;
}

/** Whether MSI-X is enabled in config space (MSI-X Message Control.Enable). */
export function msixEnabled(dev: PciFunction): boolean {
  const pos = findCapability(dev.config, pciCapIds.PCI_CAP_ID_MSIX);
  if (pos === 0) return false;
  return (dev.config.read16(pos + pciMsixRegs.PCI_MSIX_FLAGS) & pciMsixRegs.PCI_MSIX_FLAGS_ENABLE) !== 0;
}

/** MSI-X table size of the function, 0 without the capability. */
export function msixTableSize(dev: PciFunction): number {
  const pos = findCapability(dev.config, pciCapIds.PCI_CAP_ID_MSIX);
  if (pos === 0) return 0;
  return (dev.config.read16(pos + pciMsixRegs.PCI_MSIX_FLAGS) & 0x7ff) + 1;
}
