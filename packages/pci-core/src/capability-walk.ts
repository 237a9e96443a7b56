/**
 * Walking the capability lists the way the kernel does (drivers/pci/pci.c): the standard list
 * from the header's pointer with a TTL of 48 and pointers below 0x40 ending it; the extended
 * list from 0x100 with a TTL of 480 and a zero header ending it.
 */
import type { ConfigSpace } from "./config-space";
import {
  PCI_CAPABILITY_LIST,
  PCI_CFG_EXT_START,
  PCI_CFG_SIZE,
  PCI_FIND_CAP_TTL,
  PCI_HEADER_TYPE,
  PCI_HEADER_TYPE_CARDBUS,
  PCI_HEADER_TYPE_MASK,
  PCI_STATUS,
  PCI_STATUS_CAP_LIST,
} from "./spec/header";

/** One entry of a capability list: its id, its offset and (extended only) its version. */
export interface CapabilityEntry {
  readonly id: number;
  readonly offset: number;
  readonly version?: number;
}

const CARDBUS_CAPABILITY_LIST = 0x14;
const EXT_CAP_TTL = (4096 - PCI_CFG_SIZE) / 8;

/** Every standard capability in list order (models the `__pci_find_next_cap_ttl` walk). */
export function listCapabilities(cs: ConfigSpace): CapabilityEntry[] {
  if ((cs.read16(PCI_STATUS) & PCI_STATUS_CAP_LIST) === 0) return [];
  const layout = cs.read8(PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
  let pos = cs.read8(layout === PCI_HEADER_TYPE_CARDBUS ? CARDBUS_CAPABILITY_LIST : PCI_CAPABILITY_LIST);
  const out: CapabilityEntry[] = [];
  for (let ttl = PCI_FIND_CAP_TTL; ttl > 0; ttl--) {
    if (pos < 0x40) break;
    pos &= ~3;
    const ent = cs.read16(pos);
    const id = ent & 0xff;
    if (id === 0xff) break;
    out.push({ id, offset: pos });
    pos = ent >> 8;
  }
  return out;
}

/** Models `pci_find_capability`: offset of the first capability with `id`, or 0. */
export function findCapability(cs: ConfigSpace, id: number): number {
  return listCapabilities(cs).find((c) => c.id === id)?.offset ?? 0;
}

/** Every extended capability in list order (models the `pci_find_next_ext_capability` walk). */
export function listExtCapabilities(cs: ConfigSpace): CapabilityEntry[] {
  if (cs.size <= PCI_CFG_SIZE) return [];
  const out: CapabilityEntry[] = [];
  let pos = PCI_CFG_EXT_START;
  let header = cs.read32(pos);
  if (header === 0) return out;
  for (let ttl = EXT_CAP_TTL; ttl > 0; ttl--) {
    out.push({ id: header & 0xffff, offset: pos, version: (header >>> 16) & 0xf });
    pos = (header >>> 20) & 0xffc;
    if (pos < PCI_CFG_EXT_START) break;
    header = cs.read32(pos);
    if (header === 0) break;
  }
  return out;
}

/** Models `pci_find_ext_capability`: offset of the first extended capability with `id`, or 0. */
export function findExtCapability(cs: ConfigSpace, id: number): number {
  return listExtCapabilities(cs).find((c) => c.id === id)?.offset ?? 0;
}
