/**
 * Shared pieces of the typed readers: bounded reads (a capability structure that does not fit
 * in the config space is treated as absent, never as an error) and the extended config space
 * test the kernel applies before walking extended capabilities.
 */
import type { ConfigSpace } from "../config-space";
import type { CapabilityEntry } from "../capability-walk";
import { findCapability, listExtCapabilities } from "../capability-walk";
import * as C from "../spec/capability-ids";
import { PCIE_CFG_SIZE } from "../spec/header";

/** Whether `[offset, offset + length)` lies inside the config space. */
export function fits(cs: ConfigSpace, offset: number, length: number): boolean {
  return offset >= 0 && offset + length <= cs.size;
}

const PCI_X_STATUS = 0x04;
const PCI_X_STATUS_266_533 = 0xc0000000;

/**
 * Whether the function has extended config space (models `pci_cfg_space_size` on a
 * 4096-byte capture): a PCI Express capability, or a PCI-X capability claiming 266/533 MHz
 * (PCI-X 2.0). Conventional PCI functions have 256 bytes whatever the capture holds.
 */
export function hasExtendedConfigSpace(cs: ConfigSpace): boolean {
  if (cs.size < PCIE_CFG_SIZE) return false;
  if (findCapability(cs, C.PCI_CAP_ID_EXP) !== 0) return true;
  const pcix = findCapability(cs, C.PCI_CAP_ID_PCIX);
  return pcix !== 0 && fits(cs, pcix + PCI_X_STATUS, 4) && (cs.read32(pcix + PCI_X_STATUS) & PCI_X_STATUS_266_533) !== 0;
}

/** The extended capabilities the kernel would see (empty without extended config space). */
export function readExtCapabilities(cs: ConfigSpace): CapabilityEntry[] {
  return hasExtendedConfigSpace(cs) ? listExtCapabilities(cs) : [];
}

/** Models `pci_find_ext_capability` behind the config-size test: the first match or null. */
export function findExtCapabilityEntry(cs: ConfigSpace, id: number): CapabilityEntry | null {
  return readExtCapabilities(cs).find((c) => c.id === id) ?? null;
}
