/**
 * PCI identities of RDMA NICs as real devices report them (pci.ids, `lspci -nn` captures):
 * Mellanox ConnectX functions carry class 0x020000 ("Ethernet controller") when the port runs
 * Ethernet/RoCE and 0x020700 ("Infiniband controller") in InfiniBand mode. No behaviour here.
 */

export const PCI_VENDOR_ID_MELLANOX = 0x15b3;
/** MT27700 Family [ConnectX-4]. */
export const PCI_DEVICE_ID_CONNECTX4 = 0x1013;
/** MT27800 Family [ConnectX-5]. */
export const PCI_DEVICE_ID_CONNECTX5 = 0x1017;
/** MT28908 Family [ConnectX-6]. */
export const PCI_DEVICE_ID_CONNECTX6 = 0x101b;

/** PCI base class 02 (network), subclasses 00 (Ethernet) and 07 (InfiniBand), prog-if 00. */
export const PCI_CLASS_NETWORK_ETHERNET = 0x020000;
export const PCI_CLASS_NETWORK_INFINIBAND = 0x020700;
