/**
 * Slot and function numbers of the devices on one bus: explicit ones first, then automatic
 * ones (lowest free slot, function 0), with the rules enumeration imposes: 32 slots per bus,
 * only slot 0 below a PCIe link (root and downstream ports lead to a single device; the kernel
 * does not scan other slots there, `only_one_child`), and no device without its function 0
 * (`pci_scan_slot` looks at the other functions only when function 0 answers).
 */
import type { Placement } from "./schema";
import { specError } from "./errors";

/** What kind of bus the devices sit on. */
export type BusKind = "root" | "link" | "conventional" | "switch-internal";

/** A node with its resolved slot and function. */
export interface Placed<T> {
  readonly node: T;
  readonly slot: number;
  readonly fn: number;
  /** Index in the spec's list (for paths). */
  readonly index: number;
}

const SLOTS = 32;

/**
 * Resolves the placement of `nodes` on a bus. `reserved` holds devfns already taken (the host
 * function at 00.0). Returns the nodes in devfn order. Throws TopologySpecError.
 */
export function placeOnBus<T extends Placement & object>(
  nodes: readonly T[],
  bus: BusKind,
  listPath: string,
  reserved: ReadonlySet<number> = new Set(),
): Placed<T>[] {
  const used = new Map<number, number>(); // devfn -> spec index (-1 for reserved)
  const slotsUsed = new Set<number>();
  for (const d of reserved) {
    used.set(d, -1);
    slotsUsed.add(d >> 3);
  }
  const out: Placed<T>[] = [];
  const pathOf = (i: number): string => `${listPath}[${i}]`;
  nodes.forEach((node, index) => {
    if (node.slot === undefined) {
      if (node.function !== undefined && node.function !== 0) {
        throw specError(node, "function", pathOf(index), `function ${node.function} needs an explicit slot (the device's function 0 decides the slot)`);
      }
      return;
    }
    if (bus === "link" && node.slot !== 0) {
      throw specError(node, "slot", pathOf(index), `slot ${node.slot} is not reachable below a PCIe link: a root or downstream port leads to device 0 only`);
    }
    const fn = node.function ?? 0;
    const devfn = (node.slot << 3) | fn;
    const other = used.get(devfn);
    if (other !== undefined) {
      const what = other < 0 ? "the host-bridge function" : pathOf(other);
      throw specError(node, "slot", pathOf(index), `slot ${node.slot} function ${fn} is already taken by ${what}`);
    }
    used.set(devfn, index);
    slotsUsed.add(node.slot);
    out.push({ node, slot: node.slot, fn, index });
  });
  let next = 0;
  nodes.forEach((node, index) => {
    if (node.slot !== undefined) return;
    while (next < SLOTS && slotsUsed.has(next)) next++;
    if (bus === "link" && next > 0) {
      throw specError(node, null, pathOf(index), "a PCIe link has room for one device (slot 0); put a switch below the port to attach more");
    }
    if (next >= SLOTS) throw specError(node, null, pathOf(index), "no free slot: a bus has 32 slots (0-31)");
    slotsUsed.add(next);
    used.set(next << 3, index);
    out.push({ node, slot: next, fn: 0, index });
  });
  for (const p of out) {
    if (p.fn !== 0 && !used.has(p.slot << 3)) {
      throw specError(p.node, "function", pathOf(p.index), `slot ${p.slot} has function ${p.fn} but no function 0 (the kernel scans the other functions only when function 0 exists)`);
    }
  }
  return out.sort((a, b) => a.slot - b.slot || a.fn - b.fn);
}
