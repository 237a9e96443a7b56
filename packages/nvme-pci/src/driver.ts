/**
 * The `nvme` PCI driver object (`nvme_driver`, `nvme_id_table`): matches class 0x010802
 * (mass storage / NVM / NVM Express) and binds {@link NvmeCtrl} per function.
 */
import type { PciDriver, PciFunction } from "@p2pdma/pci-core";
import type { NvmeEnv } from "./env";
import { NvmeCtrl } from "./ctrl";

/** `PCI_CLASS_STORAGE_EXPRESS`. */
export const PCI_CLASS_STORAGE_EXPRESS = 0x010802;

/** The driver plus the controllers it bound. */
export interface NvmePciDriver extends PciDriver {
  readonly controllers: Map<PciFunction, NvmeCtrl>;
}

/** Builds the driver for one machine; register it with `system.registerDriver`. */
export function nvmePciDriver(env: NvmeEnv): NvmePciDriver {
  const controllers = new Map<PciFunction, NvmeCtrl>();
  return {
    name: "nvme",
    idTable: [{ class: PCI_CLASS_STORAGE_EXPRESS, classMask: 0xffffff }],
    controllers,
    probe(dev: PciFunction): number {
      const ctrl = new NvmeCtrl(env, dev);
      const rc = ctrl.probe();
      if (rc === 0) {
        controllers.set(dev, ctrl);
        dev.driverData = ctrl;
      }
      return rc;
    },
    remove(dev: PciFunction): void {
      controllers.get(dev)?.remove();
      controllers.delete(dev);
    },
  };
}
