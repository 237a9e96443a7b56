/**
 * The `p2pmem/` sysfs group (spec 2.4): `size`, `available`, `published` (0444, `%zd\n` and
 * `%d\n`), and from 6.2 the binary `allocate` (mode 0660, size 1 TiB) whose mmap is
 * {@link mmapAllocate}.
 */
import type { PciFunction } from "@p2pdma/pci-core";
import { EEXIST, SysfsError } from "@p2pdma/pci-core";
import type { P2pdmaCore } from "./core";
import type { ProviderState } from "./state";
import { SZ_1T } from "./spec/constants";

export const P2PMEM_GROUP = "p2pmem";

/** The sysfs directory of a device's group. */
export function p2pmemDir(core: P2pdmaCore, pdev: PciFunction): string {
  return `${core.system.devicePath(pdev)}/${P2PMEM_GROUP}`;
}

/** Models `sysfs_create_group(&pdev->dev.kobj, &p2pmem_group)`: 0 or -EEXIST. */
export function createP2pmemGroup(core: P2pdmaCore, st: ProviderState): number {
  const dev = core.system.devicePath(st.pdev);
  // The attributes read the state through the device pointer, as the kernel's show() does.
  const cur = (): ProviderState | null => core.state(st.pdev);
  const attrs = [
    { name: "size", mode: 0o444, show: () => `${cur()?.pool.size() ?? 0n}\n` },
    { name: "available", mode: 0o444, show: () => `${cur()?.pool.avail() ?? 0n}\n` },
    { name: "published", mode: 0o444, show: () => `${cur()?.published ? 1 : 0}\n` },
  ];
  const all =
    st.mode === "4.20" ? attrs : [...attrs, { name: "allocate", mode: 0o660, binary: true, size: SZ_1T }];
  try {
    core.system.sysfs.addGroup(dev, P2PMEM_GROUP, all);
  } catch (e) {
    if (e instanceof SysfsError) return -EEXIST;
    throw e;
  }
  st.allocateFile = st.mode !== "4.20";
  return 0;
}

/** Models `sysfs_remove_group`. */
export function removeP2pmemGroup(core: P2pdmaCore, st: ProviderState): void {
  core.system.sysfs.remove(p2pmemDir(core, st.pdev));
  st.allocateFile = false;
}

/** Models `sysfs_remove_file_from_group(..., "allocate", "p2pmem")`. */
export function removeAllocateFile(core: P2pdmaCore, st: ProviderState): void {
  core.system.sysfs.remove(`${p2pmemDir(core, st.pdev)}/allocate`);
  st.allocateFile = false;
}
