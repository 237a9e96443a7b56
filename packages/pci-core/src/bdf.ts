/**
 * PCI function names: `DDDD:BB:DD.F` (spec 1.1). Lower-case hex, 4-digit domain, 2-digit bus,
 * 2-digit slot, 1-digit function; the string used in logs, sysfs paths and attribute writes.
 */

/** A function's address: PCI domain (segment), bus number and devfn (slot << 3 | function). */
export interface Bdf {
  readonly domain: number;
  readonly bus: number;
  readonly devfn: number;
}

/** Models `PCI_DEVFN(slot, func)`. */
export function makeDevfn(slot: number, fn: number): number {
  return ((slot & 0x1f) << 3) | (fn & 0x07);
}

/** Models `PCI_SLOT(devfn)`. */
export function slotOf(devfn: number): number {
  return (devfn >> 3) & 0x1f;
}

/** Models `PCI_FUNC(devfn)`. */
export function funcOf(devfn: number): number {
  return devfn & 0x07;
}

const hex = (value: number, width: number): string => value.toString(16).padStart(width, "0");

/** Models `pci_name()`: the `DDDD:BB:DD.F` form of an address. */
export function formatBdf(bdf: Bdf): string {
  return `${hex(bdf.domain, 4)}:${hex(bdf.bus, 2)}:${hex(slotOf(bdf.devfn), 2)}.${funcOf(bdf.devfn)}`;
}

const FULL_BDF = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/;

/**
 * Parses the exact kernel name form `DDDD:BB:DD.F` (lower-case, as the kernel prints it).
 * Returns null for anything else; lookups by name are exact string matches (spec 1.1), so
 * upper-case or domain-less forms are not names.
 */
export function parseBdf(text: string): Bdf | null {
  const m = FULL_BDF.exec(text);
  if (!m) return null;
  return {
    domain: Number.parseInt(m[1]!, 16),
    bus: Number.parseInt(m[2]!, 16),
    devfn: makeDevfn(Number.parseInt(m[3]!, 16), Number.parseInt(m[4]!, 10)),
  };
}

const LOOSE_BDF = /^(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-7])$/;

/**
 * Parses the forms users and lspci write: `BB:DD.F` (domain 0) or `DDDD:BB:DD.F`, any case.
 * For command-line arguments and captures, never for kernel name lookups.
 */
export function parseLooseBdf(text: string): Bdf | null {
  const m = LOOSE_BDF.exec(text.trim());
  if (!m) return null;
  const slot = Number.parseInt(m[3]!, 16);
  if (slot > 0x1f) return null;
  return {
    domain: m[1] === undefined ? 0 : Number.parseInt(m[1], 16),
    bus: Number.parseInt(m[2]!, 16),
    devfn: makeDevfn(slot, Number.parseInt(m[4]!, 10)),
  };
}

/** Normalises a user-written address to the kernel name, or null when it is not one. */
export function normalizeBdf(text: string): string | null {
  const bdf = parseLooseBdf(text);
  return bdf ? formatBdf(bdf) : null;
}
