/**
 * The PCI Express port service driver (drivers/pci/pcie/portdrv.c, built into every kernel
 * with CONFIG_PCIEPORTBUS): it binds to PCIe root ports, switch ports and root complex event
 * collectors, which is why the kernel prints lines on ports as `pcieport <bdf>: ...`.
 * The port services themselves (AER, hotplug, PME, DPC) are not modelled.
 */
import type { PciDriver } from "../driver";
import { ENODEV } from "../errno";
import { PCI_EXP_TYPE } from "../pci-function";

const ANY_CLASS_BITS = 0xffffff;

/** Models `pcie_portdriver`: its ID table (`port_pci_ids`) and `pcie_portdrv_probe`'s type check. */
export const pciePortDriver: PciDriver = {
  name: "pcieport",
  idTable: [
    { class: 0x060400, classMask: ANY_CLASS_BITS }, // PCI-to-PCI bridge, normal decode
    { class: 0x060401, classMask: ANY_CLASS_BITS }, // subtractive decode
    { class: 0x080700, classMask: ANY_CLASS_BITS }, // root complex event collector
  ],
  probe(dev) {
    const t = dev.pcieType;
    const ok =
      t === PCI_EXP_TYPE.ROOT_PORT || t === PCI_EXP_TYPE.UPSTREAM || t === PCI_EXP_TYPE.DOWNSTREAM || t === PCI_EXP_TYPE.RC_EC;
    return ok ? 0 : -ENODEV;
  },
};
