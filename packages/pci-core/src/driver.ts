/**
 * The PCI driver model (drivers/pci/pci-driver.c, drivers/base/dd.c): ID tables, matching,
 * probe/remove, and device-managed resources released in reverse order at unbind.
 */
import type { PciFunction } from "./pci-function";

/** One `struct pci_device_id`; an omitted field matches anything (`PCI_ANY_ID`). */
export interface PciDeviceId {
  readonly vendor?: number;
  readonly device?: number;
  readonly subvendor?: number;
  readonly subdevice?: number;
  /** 24-bit class code compared under {@link PciDeviceId.classMask}. */
  readonly class?: number;
  readonly classMask?: number;
  /** `driver_data`: per-entry data handed to probe (quirk flags, ...). */
  readonly driverData?: unknown;
}

/** A PCI driver (`struct pci_driver`). `probe` returns 0 or a negative errno. */
export interface PciDriver {
  readonly name: string;
  readonly idTable: readonly PciDeviceId[];
  probe(dev: PciFunction, id: PciDeviceId): number;
  remove?(dev: PciFunction): void;
}

/** Models `pci_match_one_device`. */
export function matchOneDevice(id: PciDeviceId, dev: PciFunction): boolean {
  if (id.vendor !== undefined && id.vendor !== dev.vendor) return false;
  if (id.device !== undefined && id.device !== dev.device) return false;
  if (id.subvendor !== undefined && id.subvendor !== dev.subsystemVendor) return false;
  if (id.subdevice !== undefined && id.subdevice !== dev.subsystemDevice) return false;
  const mask = id.classMask ?? 0;
  if (((id.class ?? 0) ^ dev.classCode) & mask) return false;
  return true;
}

/** Models `pci_match_id`: the first entry of `table` matching `dev`, or null. */
export function matchId(table: readonly PciDeviceId[], dev: PciFunction): PciDeviceId | null {
  return table.find((id) => matchOneDevice(id, dev)) ?? null;
}
