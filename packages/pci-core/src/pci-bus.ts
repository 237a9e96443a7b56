/**
 * A PCI bus (`struct pci_bus`): a number within a domain, the bridge that leads to it
 * (`self`, null for a root bus and for the virtual buses SR-IOV VFs may sit on), its parent
 * bus, its devices in registration order and its child buses.
 */
import type { HostBridge } from "./host-bridge";
import type { PciFunction } from "./pci-function";

export class PciBus {
  /** Devices on this bus, in the order they were registered (`bus->devices`). */
  readonly devices: PciFunction[] = [];
  /** Buses directly below bridges on this bus. */
  readonly children: PciBus[] = [];

  constructor(
    readonly domain: number,
    readonly number: number,
    /** The bridge whose secondary bus this is; null for root and virtual buses. */
    readonly self: PciFunction | null,
    /** The bus above, null for a root bus. */
    readonly parent: PciBus | null,
    readonly hostBridge: HostBridge,
  ) {}

  /** Models `pci_is_root_bus()`: true for the bus directly below a host bridge. */
  get isRoot(): boolean {
    return this.parent === null;
  }

  /** `DDDD:BB` as in sysfs class/pci_bus names. */
  get name(): string {
    return `${this.domain.toString(16).padStart(4, "0")}:${this.number.toString(16).padStart(2, "0")}`;
  }
}
