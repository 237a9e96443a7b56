/**
 * `struct resource` of a PCI function (include/linux/ioport.h, include/linux/pci.h): BARs 0-5,
 * the expansion ROM (6), the SR-IOV VF BARs (7-12) and a bridge's windows (13-16). Addresses
 * are CPU physical addresses; a peer reaches them at the bus address (spec 1.3).
 */

export const IORESOURCE_IO = 0x00000100;
export const IORESOURCE_MEM = 0x00000200;
export const IORESOURCE_PREFETCH = 0x00002000;
export const IORESOURCE_READONLY = 0x00004000;
export const IORESOURCE_SIZEALIGN = 0x00040000;
export const IORESOURCE_MEM_64 = 0x00100000;
export const IORESOURCE_WINDOW = 0x00200000;
export const IORESOURCE_DISABLED = 0x10000000;
export const IORESOURCE_UNSET = 0x20000000;
export const IORESOURCE_ROM_ENABLE = 0x00000001;

export const PCI_ROM_RESOURCE = 6;
export const PCI_IOV_RESOURCES = 7;
export const PCI_IOV_NUM_BARS = 6;
export const PCI_BRIDGE_RESOURCES = 13;
export const PCI_BRIDGE_IO_WINDOW = 13;
export const PCI_BRIDGE_MEM_WINDOW = 14;
export const PCI_BRIDGE_PREF_MEM_WINDOW = 15;
export const PCI_NUM_RESOURCES = 17;

/** One resource; an unused slot has start = end = flags = 0. */
export interface Resource {
  start: bigint;
  end: bigint;
  flags: number;
}

/** An unused resource slot. */
export function emptyResource(): Resource {
  return { start: 0n, end: 0n, flags: 0 };
}

/** Models `resource_size()`: end - start + 1, or 0 for an unused slot. */
export function resourceSize(res: Resource): bigint {
  return res.flags === 0 && res.start === 0n && res.end === 0n ? 0n : res.end - res.start + 1n;
}

/** Whether a resource is memory space (the `IORESOURCE_MEM` flag). */
export function isMemResource(res: Resource): boolean {
  return (res.flags & IORESOURCE_MEM) !== 0;
}

/** Whether `addr` lies within the resource. */
export function resourceContains(res: Resource, addr: bigint): boolean {
  return resourceSize(res) > 0n && addr >= res.start && addr <= res.end;
}
