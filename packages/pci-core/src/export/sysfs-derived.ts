/**
 * Attribute values the sysfs export derives from a function's config space where the model
 * holds nothing better: the kernel computes them at boot from the same registers.
 *
 * - `irq`: `pci_read_irq` (drivers/pci/probe.c) caches the Interrupt Line when the Interrupt
 *   Pin is non-zero, else 0; `irq_show` (drivers/pci/pci-sysfs.c) prints it.
 * - `resource`: slots the model left empty (flags 0) are filled the way `__pci_read_base`
 *   (BARs and expansion ROM) and `pci_read_bridge_io` / `_mmio` / `_mmio_pref` (bridge
 *   windows) in drivers/pci/probe.c decode them; `resource_show` prints the 13 or 17 lines.
 *   A BAR's size is not in config space (the kernel sizes it by writing all ones), so a
 *   derived BAR whose size the model does not know is printed with `end == start`, which
 *   sysfs readers (pciutils `sysfs_get_resources`) read as size 0, i.e. unknown.
 */
import type { PciFunction } from "../pci-function";
import type { Resource } from "../resource";
import { findCapability } from "../capability-walk";
import { resourceText } from "../pci-sysfs";
import {
  IORESOURCE_IO,
  IORESOURCE_MEM,
  IORESOURCE_MEM_64,
  IORESOURCE_PREFETCH,
  IORESOURCE_READONLY,
  IORESOURCE_ROM_ENABLE,
  IORESOURCE_SIZEALIGN,
  PCI_BRIDGE_IO_WINDOW,
  PCI_BRIDGE_MEM_WINDOW,
  PCI_BRIDGE_PREF_MEM_WINDOW,
  PCI_NUM_RESOURCES,
  PCI_ROM_RESOURCE,
} from "../resource";
import {
  PCI_BASE_ADDRESS_0,
  PCI_BASE_ADDRESS_MEM_PREFETCH,
  PCI_BASE_ADDRESS_MEM_TYPE_64,
  PCI_BASE_ADDRESS_MEM_TYPE_MASK,
  PCI_BASE_ADDRESS_SPACE_IO,
  PCI_HEADER_TYPE_BRIDGE,
  PCI_HEADER_TYPE_CARDBUS,
  PCI_HEADER_TYPE_NORMAL,
  PCI_INTERRUPT_LINE,
  PCI_INTERRUPT_PIN,
  PCI_IO_BASE,
  PCI_IO_BASE_UPPER16,
  PCI_IO_LIMIT,
  PCI_IO_LIMIT_UPPER16,
  PCI_MEMORY_BASE,
  PCI_MEMORY_LIMIT,
  PCI_PREF_BASE_UPPER32,
  PCI_PREF_LIMIT_UPPER32,
  PCI_PREF_MEMORY_BASE,
  PCI_PREF_MEMORY_LIMIT,
  PCI_ROM_ADDRESS,
  PCI_ROM_ADDRESS1,
} from "../spec/header";

const ROM_ADDRESS_MASK = 0xfffff800;
const IO_RANGE_TYPE_MASK = 0x0f;
const IO_RANGE_TYPE_32 = 0x01;
const MEM_RANGE_TYPE_MASK = 0x0f;
const PREF_RANGE_TYPE_64 = 0x01;

/** Models `pci_read_irq` + `irq_show`: the Interrupt Line when a pin is wired, else 0. */
export function derivedIrq(dev: PciFunction): number {
  if (dev.isVirtfn) return 0; // VFs have no INTx (PCIe SR-IOV 1.1 §3.5.5); pin reads 0
  return dev.config.read8(PCI_INTERRUPT_PIN) !== 0 ? dev.config.read8(PCI_INTERRUPT_LINE) : 0;
}

const PCI_CAP_ID_SSVID = 0x0d;
const PCI_SSVID_VENDOR_ID = 4;
const PCI_SSVID_DEVICE_ID = 6;
const PCI_CB_SUBSYSTEM_VENDOR_ID = 0x40;
const PCI_CB_SUBSYSTEM_ID = 0x42;

/**
 * Models how `pci_setup_device` (drivers/pci/probe.c) fills `subsystem_vendor` /
 * `subsystem_device` per header type: a normal header's 0x2c/0x2e (a VF's from its PF,
 * `pci_subsystem_ids`), a bridge's Subsystem ID capability (0 without one), a CardBus
 * bridge's 0x40/0x42.
 */
export function derivedSubsystemIds(dev: PciFunction): { vendor: number; device: number } {
  const c = dev.config;
  switch (dev.headerType) {
    case PCI_HEADER_TYPE_NORMAL: {
      const src = dev.physfn ? dev.physfn.config : c;
      return { vendor: src.read16(0x2c), device: src.read16(0x2e) };
    }
    case PCI_HEADER_TYPE_BRIDGE: {
      const pos = findCapability(c, PCI_CAP_ID_SSVID);
      return pos === 0 ? { vendor: 0, device: 0 } : { vendor: c.read16(pos + PCI_SSVID_VENDOR_ID), device: c.read16(pos + PCI_SSVID_DEVICE_ID) };
    }
    case PCI_HEADER_TYPE_CARDBUS:
      return { vendor: c.read16(PCI_CB_SUBSYSTEM_VENDOR_ID), device: c.read16(PCI_CB_SUBSYSTEM_ID) };
    default:
      return { vendor: 0, device: 0 };
  }
}

const empty = (): Resource => ({ start: 0n, end: 0n, flags: 0 });

/** Models `__pci_read_base` for BAR `i` (without sizing): null when the BAR reads 0 or all ones. */
function readBar(dev: PciFunction, i: number, count: number): { res: Resource; slots: number } | null {
  const lo = dev.config.read32(PCI_BASE_ADDRESS_0 + 4 * i);
  if (lo === 0 || lo === 0xffffffff) return null;
  if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
    const start = BigInt(lo & 0xfffffffc);
    return { res: { start, end: start, flags: (lo & 0x3) | IORESOURCE_IO | IORESOURCE_SIZEALIGN }, slots: 1 };
  }
  let flags = (lo & 0xf) | IORESOURCE_MEM | IORESOURCE_SIZEALIGN;
  if (lo & PCI_BASE_ADDRESS_MEM_PREFETCH) flags |= IORESOURCE_PREFETCH;
  let bus = BigInt((lo & 0xfffffff0) >>> 0);
  let slots = 1;
  if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) === PCI_BASE_ADDRESS_MEM_TYPE_64 && i + 1 < count) {
    flags |= IORESOURCE_MEM_64;
    bus |= BigInt(dev.config.read32(PCI_BASE_ADDRESS_0 + 4 * (i + 1))) << 32n;
    slots = 2;
  }
  const start = dev.bus.hostBridge.busToCpu(bus);
  return { res: { start, end: start, flags }, slots };
}

/** Models `__pci_read_base` for the expansion ROM BAR at `reg`. */
function readRom(dev: PciFunction, reg: number): Resource | null {
  const v = dev.config.read32(reg);
  if (v === 0 || v === 0xffffffff || (v & ROM_ADDRESS_MASK) === 0) return null;
  let flags = IORESOURCE_MEM | IORESOURCE_PREFETCH | IORESOURCE_READONLY | IORESOURCE_SIZEALIGN;
  if (v & 1) flags |= IORESOURCE_ROM_ENABLE;
  const start = dev.bus.hostBridge.busToCpu(BigInt((v & ROM_ADDRESS_MASK) >>> 0));
  return { start, end: start, flags };
}

/** Models `pci_read_bridge_io` / `pci_read_bridge_mmio` / `pci_read_bridge_mmio_pref`. */
function readWindows(dev: PciFunction): (Resource | null)[] {
  const c = dev.config;
  const hb = dev.bus.hostBridge;
  const ioLo = c.read8(PCI_IO_BASE);
  let ioBase = (ioLo & 0xf0) << 8;
  let ioLimit = (c.read8(PCI_IO_LIMIT) & 0xf0) << 8;
  if ((ioLo & IO_RANGE_TYPE_MASK) === IO_RANGE_TYPE_32) {
    ioBase += c.read16(PCI_IO_BASE_UPPER16) * 0x10000;
    ioLimit += c.read16(PCI_IO_LIMIT_UPPER16) * 0x10000;
  }
  const io: Resource | null =
    ioBase <= ioLimit ? { start: BigInt(ioBase), end: BigInt(ioLimit + 0xfff), flags: (ioLo & IO_RANGE_TYPE_MASK) | IORESOURCE_IO } : null;
  const memLo = c.read16(PCI_MEMORY_BASE);
  const memBase = BigInt((memLo & 0xfff0) >>> 0) << 16n;
  const memLimit = BigInt((c.read16(PCI_MEMORY_LIMIT) & 0xfff0) >>> 0) << 16n;
  const mem: Resource | null =
    memBase <= memLimit
      ? { start: hb.busToCpu(memBase), end: hb.busToCpu(memLimit + 0xfffffn), flags: (memLo & MEM_RANGE_TYPE_MASK) | IORESOURCE_MEM }
      : null;
  const prefLo = c.read16(PCI_PREF_MEMORY_BASE);
  let prefBase = BigInt(prefLo & 0xfff0) << 16n;
  let prefLimit = BigInt(c.read16(PCI_PREF_MEMORY_LIMIT) & 0xfff0) << 16n;
  let prefFlags = (prefLo & MEM_RANGE_TYPE_MASK) | IORESOURCE_MEM | IORESOURCE_PREFETCH;
  if ((prefLo & MEM_RANGE_TYPE_MASK) === PREF_RANGE_TYPE_64) {
    const hiBase = c.read32(PCI_PREF_BASE_UPPER32);
    const hiLimit = c.read32(PCI_PREF_LIMIT_UPPER32);
    if (hiBase <= hiLimit) {
      prefBase |= BigInt(hiBase) << 32n;
      prefLimit |= BigInt(hiLimit) << 32n;
    }
  }
  if (prefFlags & PREF_RANGE_TYPE_64) prefFlags |= IORESOURCE_MEM_64;
  const pref: Resource | null =
    prefBase <= prefLimit ? { start: hb.busToCpu(prefBase), end: hb.busToCpu(prefLimit + 0xfffffn), flags: prefFlags } : null;
  return [io, mem, pref];
}

/**
 * The resources `resource_show` prints for `dev`: the model's where it holds a slot, else what
 * the kernel's boot-time decode of config space would hold.
 */
export function derivedResources(dev: PciFunction): Resource[] {
  const out = dev.resources.map((r) => ({ ...r }));
  while (out.length < PCI_NUM_RESOURCES) out.push(empty());
  const fill = (i: number, r: Resource | null): void => {
    if (r !== null && out[i]!.flags === 0) out[i] = r;
  };
  const ht = dev.headerType;
  const bars = ht === PCI_HEADER_TYPE_NORMAL ? 6 : ht === PCI_HEADER_TYPE_BRIDGE ? 2 : ht === PCI_HEADER_TYPE_CARDBUS ? 1 : 0;
  // A VF's BARs read as zero (PCIe SR-IOV §3.4.1.11); its resources come from the PF's VF BARs.
  if (!dev.isVirtfn) {
    const modelHasBars = dev.resources.slice(0, bars).some((r) => r.flags !== 0);
    for (let i = 0; i < bars && !modelHasBars; ) {
      const b = readBar(dev, i, bars);
      if (b === null) {
        i++;
        continue;
      }
      fill(i, b.res);
      i += b.slots;
    }
    if (ht === PCI_HEADER_TYPE_NORMAL) fill(PCI_ROM_RESOURCE, readRom(dev, PCI_ROM_ADDRESS));
    else if (ht === PCI_HEADER_TYPE_BRIDGE) fill(PCI_ROM_RESOURCE, readRom(dev, PCI_ROM_ADDRESS1));
  }
  if (ht === PCI_HEADER_TYPE_BRIDGE && dev.subordinate) {
    const [io, mem, pref] = readWindows(dev);
    fill(PCI_BRIDGE_IO_WINDOW, io ?? null);
    fill(PCI_BRIDGE_MEM_WINDOW, mem ?? null);
    fill(PCI_BRIDGE_PREF_MEM_WINDOW, pref ?? null);
  }
  return out;
}

const hex16 = (v: bigint | number): string => v.toString(16).padStart(16, "0");

/**
 * Models `resource_show`: `0x%016llx 0x%016llx 0x%016llx` per slot, 13 lines, 17 for a bridge
 * with a subordinate bus. Lines of slots the model holds are the model's own (`resourceText`);
 * empty slots are filled by {@link derivedResources}.
 */
export function derivedResourceText(dev: PciFunction): string {
  const lines = resourceText(dev).split("\n");
  const res = derivedResources(dev);
  for (let i = 0; i < lines.length - 1; i++) {
    if (dev.resources[i]!.flags !== 0) continue;
    const r = res[i]!;
    if (r.flags !== 0) lines[i] = `0x${hex16(r.start)} 0x${hex16(r.end)} 0x${hex16(r.flags >>> 0)}`;
  }
  return lines.join("\n");
}
