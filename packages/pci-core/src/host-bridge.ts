/**
 * A host bridge (`struct pci_host_bridge`): the root of one PCI hierarchy, with its domain,
 * root bus, NUMA node, and the offset between CPU and bus addresses of its memory windows.
 */
import type { Resource } from "./resource";
import { KDevice } from "./device";
import { PciBus } from "./pci-bus";

export interface HostBridgeInit {
  readonly domain: number;
  readonly rootBus: number;
  /** Highest bus number below this host bridge (the root bus resource's end). */
  readonly busEnd?: number;
  readonly numaNode?: number;
  /** bus address - CPU address for addresses in this bridge's windows (spec 1.3). */
  readonly busOffset?: bigint;
  /** CPU-address memory windows the bridge forwards (empty = everything). */
  readonly windows?: readonly Resource[];
  /** Facts about this host bridge that the input did not state. */
  readonly unknown?: Iterable<"numa" | "busOffset">;
}

export class HostBridge {
  readonly domain: number;
  readonly bus: PciBus;
  readonly busEnd: number;
  readonly numaNode: number;
  readonly busOffset: bigint;
  readonly windows: readonly Resource[];
  readonly unknown: ReadonlySet<"numa" | "busOffset">;
  /** The host bridge's own device (`pci_host_bridge.dev`), parent of the root bus's functions. */
  readonly device: KDevice;

  constructor(init: HostBridgeInit) {
    this.domain = init.domain;
    this.busEnd = init.busEnd ?? 0xff;
    this.numaNode = init.numaNode ?? -1;
    this.busOffset = init.busOffset ?? 0n;
    this.windows = init.windows ?? [];
    this.unknown = new Set(init.unknown ?? []);
    this.bus = new PciBus(init.domain, init.rootBus, null, null, this);
    this.device = new KDevice(`pci${this.bus.name}`, null);
  }

  /** The kernel device name of the host bridge: `pciDDDD:BB`. */
  get name(): string {
    return `pci${this.bus.name}`;
  }

  /** Models `pcibios_resource_to_bus` for a memory address in this bridge's windows. */
  cpuToBus(cpu: bigint): bigint {
    return cpu + this.busOffset;
  }

  /** Models `pcibios_bus_to_resource`: the CPU address of a bus address below this bridge. */
  busToCpu(bus: bigint): bigint {
    return bus - this.busOffset;
  }
}
