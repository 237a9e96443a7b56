/**
 * The standard attributes of `/sys/bus/pci/devices/<bdf>/` (drivers/pci/pci-sysfs.c), in the
 * kernel's exact text formats, plus the device directory nesting under `/devices` and the
 * `bus/pci/devices` symlinks.
 */
import type { KDevice } from "./device";
import type { PciFunction } from "./pci-function";
import type { PciSystem } from "./system";
import type { SysfsAttribute } from "./sysfs";
import { PCI_BRIDGE_RESOURCES, PCI_NUM_RESOURCES, IORESOURCE_DISABLED, IORESOURCE_UNSET } from "./resource";
import { PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS } from "./spec/header";

/** `/devices/...` path of a device: its ancestors' names joined, as `device_add` nests them. */
export function pciDevicePath(dev: KDevice): string {
  const names: string[] = [];
  for (let d: KDevice | null = dev; d !== null; d = d.parent) names.push(d.name);
  return `/devices/${names.reverse().join("/")}`;
}

const hex = (v: number | bigint, width: number): string => v.toString(16).padStart(width, "0");

/** PCIe capability register offsets used by the link attributes (PCIe 4.0 §7.5.3). */
const PCI_EXP_LNKCAP = 0x0c;
const PCI_EXP_LNKSTA = 0x12;
const PCI_EXP_LNKCAP2 = 0x2c;

/** Models `pci_speed_string()` for the link speed encodings 1..6. */
export function pciSpeedString(encoding: number): string {
  return ["Unknown", "2.5 GT/s PCIe", "5.0 GT/s PCIe", "8.0 GT/s PCIe", "16.0 GT/s PCIe", "32.0 GT/s PCIe", "64.0 GT/s PCIe"][
    encoding >= 1 && encoding <= 6 ? encoding : 0
  ]!;
}

/** Models `pcie_get_speed_cap`: the highest speed of LNKCAP2's vector, else LNKCAP's field. */
export function maxLinkSpeedEncoding(dev: PciFunction): number {
  if (dev.pcieCap === 0) return 0;
  const cap2 = dev.config.size > dev.pcieCap + PCI_EXP_LNKCAP2 + 3 ? dev.config.read32(dev.pcieCap + PCI_EXP_LNKCAP2) : 0;
  const vector = (cap2 >> 1) & 0x7f;
  if (vector !== 0) {
    for (let bit = 6; bit >= 0; bit--) if (vector & (1 << bit)) return bit + 1;
  }
  return dev.config.read32(dev.pcieCap + PCI_EXP_LNKCAP) & 0xf;
}

/** Models `resource_show`: one `0x%016llx 0x%016llx 0x%016llx` line per resource. */
export function resourceText(dev: PciFunction): string {
  const max = dev.subordinate ? PCI_NUM_RESOURCES : PCI_BRIDGE_RESOURCES;
  let out = "";
  for (let i = 0; i < max; i++) {
    let res = dev.resources[i]!;
    if (i >= PCI_BRIDGE_RESOURCES && res.flags & (IORESOURCE_UNSET | IORESOURCE_DISABLED)) {
      res = { start: 0n, end: 0n, flags: 0 };
    }
    out += `0x${hex(res.start, 16)} 0x${hex(res.end, 16)} 0x${hex(res.flags, 16)}\n`;
  }
  return out;
}

function text(name: string, show: () => string, mode = 0o444): Omit<SysfsAttribute, "kind"> {
  return { name, mode, show };
}

/** Creates the device directory, its standard attributes and links (`pci_create_sysfs_dev_files`). */
export function addPciSysfs(sys: PciSystem, dev: PciFunction): void {
  const path = pciDevicePath(dev);
  const dir = sys.sysfs.mkdir(path);
  const up = (n: number): string => `0x${hex(n, 4)}\n`;
  const attrs: Omit<SysfsAttribute, "kind">[] = [
    text("vendor", () => up(dev.vendor)),
    text("device", () => up(dev.device)),
    text("subsystem_vendor", () => up(dev.subsystemVendor)),
    text("subsystem_device", () => up(dev.subsystemDevice)),
    text("class", () => `0x${hex(dev.classCode, 6)}\n`),
    text("revision", () => `0x${hex(dev.revision, 2)}\n`),
    text("irq", () => `${dev.irq}\n`),
    text("numa_node", () => `${dev.numaNode}\n`, 0o644),
    text("resource", () => resourceText(dev)),
    text("enable", () => `${dev.driver ? 1 : 0}\n`, 0o600),
    text(
      "modalias",
      () =>
        `pci:v${hex(dev.vendor, 8).toUpperCase()}d${hex(dev.device, 8).toUpperCase()}sv${hex(dev.subsystemVendor, 8).toUpperCase()}sd${hex(dev.subsystemDevice, 8).toUpperCase()}bc${hex(dev.classCode >> 16, 2).toUpperCase()}sc${hex((dev.classCode >> 8) & 0xff, 2).toUpperCase()}i${hex(dev.classCode & 0xff, 2).toUpperCase()}\n`,
    ),
    { name: "config", mode: 0o644, binary: true, size: dev.config.size, show: () => dev.config.bytes() },
  ];
  if (dev.pcieCap !== 0) {
    attrs.push(
      text("current_link_speed", () => `${pciSpeedString(dev.config.read16(dev.pcieCap + PCI_EXP_LNKSTA) & 0xf)}\n`),
      text("current_link_width", () => `${(dev.config.read16(dev.pcieCap + PCI_EXP_LNKSTA) >> 4) & 0x3f}\n`),
      text("max_link_speed", () => `${pciSpeedString(maxLinkSpeedEncoding(dev))}\n`),
      text("max_link_width", () => `${(dev.config.read32(dev.pcieCap + PCI_EXP_LNKCAP) >> 4) & 0x3f}\n`),
    );
  }
  if (dev.isBridge) {
    attrs.push(
      text("secondary_bus_number", () => `${dev.config.read8(PCI_SECONDARY_BUS)}\n`),
      text("subordinate_bus_number", () => `${dev.config.read8(PCI_SUBORDINATE_BUS)}\n`),
    );
  }
  for (const a of attrs) sys.sysfs.addAttribute(dir, a);
  sys.sysfs.addLink("/bus/pci/devices", dev.name, path);
  if (dev.physfn) {
    sys.sysfs.addLink(path, "physfn", pciDevicePath(dev.physfn));
    sys.sysfs.addLink(pciDevicePath(dev.physfn), `virtfn${dev.physfn.virtfns.indexOf(dev)}`, path);
  }
}

/** Removes the device directory and its links (`pci_remove_sysfs_dev_files` + `device_del`). */
export function removePciSysfs(sys: PciSystem, dev: PciFunction): void {
  sys.sysfs.remove(pciDevicePath(dev));
  sys.sysfs.remove(`/bus/pci/devices/${dev.name}`);
  if (dev.physfn) {
    const i = dev.physfn.virtfns.indexOf(dev);
    sys.sysfs.remove(`${pciDevicePath(dev.physfn)}/virtfn${i}`);
  }
}
