/**
 * PCI Local Bus 3.0 §6.8.2: the MSI-X capability and its table entry layout.
 * Offsets from the capability start and register bits only; no behaviour.
 */

/** Message Control register (16-bit). */
export const PCI_MSIX_FLAGS = 0x02;
/** Control: table size minus one, bits 10:0. */
export const PCI_MSIX_FLAGS_QSIZE = 0x07ff;
/** Control: function mask. */
export const PCI_MSIX_FLAGS_MASKALL = 0x4000;
/** Control: MSI-X enable. */
export const PCI_MSIX_FLAGS_ENABLE = 0x8000;
/** Table Offset / Table BIR register (32-bit). */
export const PCI_MSIX_TABLE = 0x04;
/** Table BIR, bits 2:0. */
export const PCI_MSIX_TABLE_BIR = 0x00000007;
/** Table offset, bits 31:3 (QWORD aligned). */
export const PCI_MSIX_TABLE_OFFSET = 0xfffffff8;
/** PBA Offset / PBA BIR register (32-bit). */
export const PCI_MSIX_PBA = 0x08;
/** PBA BIR, bits 2:0. */
export const PCI_MSIX_PBA_BIR = 0x00000007;
/** PBA offset, bits 31:3 (QWORD aligned). */
export const PCI_MSIX_PBA_OFFSET = 0xfffffff8;
/** Capability size. */
export const PCI_CAP_MSIX_SIZEOF = 12;
/** Largest table size (2048 entries). */
export const PCI_MSIX_MAX_ENTRIES = 2048;
/** Size of one table entry in the BAR. */
export const PCI_MSIX_ENTRY_SIZE = 16;
/** Table entry: message address low. */
export const PCI_MSIX_ENTRY_LOWER_ADDR = 0x0;
/** Table entry: message address high. */
export const PCI_MSIX_ENTRY_UPPER_ADDR = 0x4;
/** Table entry: message data. */
export const PCI_MSIX_ENTRY_DATA = 0x8;
/** Table entry: vector control. */
export const PCI_MSIX_ENTRY_VECTOR_CTRL = 0xc;
/** Vector control: mask bit. */
export const PCI_MSIX_ENTRY_CTRL_MASKBIT = 0x1;
