/**
 * The p2pmem PCI driver (after the out-of-tree `p2pmem_pci`): binds memory-controller
 * functions (class 0x0580) from its id table, registers the whole memory BAR as P2P memory
 * (`pci_p2pdma_add_resource(pdev, bar, 0, 0)`) and publishes it. It reaches the device only
 * through config space and the function's resources; teardown is device-managed.
 */
import type { PciDeviceId, PciDriver, PciFunction, PciSystem } from "@p2pdma/pci-core";
import { IORESOURCE_MEM, resourceSize } from "@p2pdma/pci-core";
import type { P2pOptions } from "../options";
import { P2pdma } from "../p2pdma";

export interface P2pmemDriverOptions {
  /** Extra ids to bind (default: Eideticom NoLoad 1de5:1000 and any class 0x0580 function). */
  readonly ids?: readonly PciDeviceId[];
  readonly p2p?: P2pOptions;
  /** Publish the memory (default true, as p2pmem_pci does). */
  readonly publish?: boolean;
}

const DEFAULT_IDS: readonly PciDeviceId[] = [
  { vendor: 0x1de5, device: 0x1000 },
  { class: 0x058000, classMask: 0xffff00 },
];

/** The largest memory BAR: what p2pmem_pci registers. */
function memoryBar(pdev: PciFunction): number {
  let best = -1;
  let size = 0n;
  for (let i = 0; i < 6; i++) {
    const r = pdev.resources[i]!;
    const s = resourceSize(r);
    if ((r.flags & IORESOURCE_MEM) !== 0 && s > size) {
      best = i;
      size = s;
    }
  }
  return best;
}

/** Creates the driver for `system`; register it with `system.registerDriver`. */
export function p2pmemPciDriver(system: PciSystem, o: P2pmemDriverOptions = {}): PciDriver {
  const p2p = P2pdma.of(system);
  return {
    name: "p2pmem_pci",
    idTable: o.ids ?? DEFAULT_IDS,
    probe(pdev: PciFunction): number {
      const bar = memoryBar(pdev);
      if (bar < 0) return -19; // -ENODEV
      const err = p2p.addResource(pdev, bar, 0, 0, o.p2p);
      if (err) return err;
      p2p.publish(pdev, o.publish ?? true, o.p2p);
      return 0;
    },
  };
}
