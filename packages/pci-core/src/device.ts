/**
 * The generic kernel device (`struct device`): a name, a parent in the device hierarchy, and
 * device-managed resources. PCI functions, NVMe controllers, gendisks and RDMA devices are all
 * devices; walking `parent` from any of them finds the PCI function below (spec 1.2).
 */
import { Devres } from "./devres";

export class KDevice {
  /** Device-managed resources of the driver currently bound to this device. */
  readonly devres = new Devres();

  constructor(
    /** The kernel device name (`dev_name()`): a BDF for PCI functions, `nvme0`, `mlx5_0`, ... */
    readonly name: string,
    /** The parent device, or null at the top of the hierarchy. */
    readonly parent: KDevice | null,
  ) {}

  /** Models `dev_driver_string()`: the bound driver's name, else the bus or class name. */
  get driverString(): string {
    return "";
  }

  /** True only for PCI functions (the `dev_is_pci()` test). */
  get isPci(): boolean {
    return false;
  }
}
