/**
 * Walking up the hierarchy (spec 1.2).
 */
import type { KDevice } from "./device";
import type { PciFunction } from "./pci-function";
import type { HostBridge } from "./host-bridge";

/** Models `pci_physfn()`: a VF's PF, else the function itself. */
export function physfn(dev: PciFunction): PciFunction {
  return dev.physfn ?? dev;
}

/**
 * Models `pci_upstream_bridge()`: for a VF use its PF; on a root bus there is none; otherwise
 * the bridge that owns the bus. Root ports and RC-integrated endpoints therefore return null.
 */
export function upstreamBridge(dev: PciFunction): PciFunction | null {
  const d = physfn(dev);
  if (d.bus.isRoot) return null;
  return d.bus.self;
}

/** The chain `[dev, upstream(dev), upstream(upstream(dev)), ...]` up to the last bridge. */
export function upstreamChain(dev: PciFunction): PciFunction[] {
  const chain: PciFunction[] = [];
  for (let d: PciFunction | null = dev; d !== null; d = upstreamBridge(d)) chain.push(d);
  return chain;
}

/** Models `pci_find_host_bridge(dev->bus)`. */
export function findHostBridge(dev: PciFunction): HostBridge {
  return dev.bus.hostBridge;
}

/**
 * Models p2pdma's `find_parent_pci_dev()`: the first PCI function on the device-parent chain
 * of `dev` (itself included), or null (spec 1.2).
 */
export function findParentPciDev(dev: KDevice): PciFunction | null {
  for (let d: KDevice | null = dev; d !== null; d = d.parent) {
    if (d.isPci) return d as PciFunction;
  }
  return null;
}
