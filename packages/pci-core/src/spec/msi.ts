/**
 * PCI Local Bus 3.0 §6.8.1: the MSI capability (32/64-bit address, optional per-vector masking).
 * Offsets from the capability start and register bits only; no behaviour.
 */

/** Message Control register (16-bit). */
export const PCI_MSI_FLAGS = 0x02;
/** Control: MSI enable. */
export const PCI_MSI_FLAGS_ENABLE = 0x0001;
/** Control: Multiple Message Capable, bits 3:1 (log2 of vectors). */
export const PCI_MSI_FLAGS_QMASK = 0x000e;
/** Control: shift of Multiple Message Capable. */
export const PCI_MSI_FLAGS_QMASK_SHIFT = 1;
/** Control: Multiple Message Enable, bits 6:4 (log2 of vectors). */
export const PCI_MSI_FLAGS_QSIZE = 0x0070;
/** Control: shift of Multiple Message Enable. */
export const PCI_MSI_FLAGS_QSIZE_SHIFT = 4;
/** Control: 64-bit address capable. */
export const PCI_MSI_FLAGS_64BIT = 0x0080;
/** Control: per-vector masking capable. */
export const PCI_MSI_FLAGS_MASKBIT = 0x0100;
/** Message Address (low 32 bits; bits 1:0 reserved). */
export const PCI_MSI_ADDRESS_LO = 0x04;
/** Writable bits of the low address dword. */
export const PCI_MSI_ADDRESS_LO_MASK = 0xfffffffc;
/** Message Upper Address (64-bit capable functions only). */
export const PCI_MSI_ADDRESS_HI = 0x08;
/** Message Data, 32-bit layout. */
export const PCI_MSI_DATA_32 = 0x08;
/** Mask Bits, 32-bit layout. */
export const PCI_MSI_MASK_32 = 0x0c;
/** Pending Bits, 32-bit layout. */
export const PCI_MSI_PENDING_32 = 0x10;
/** Message Data, 64-bit layout. */
export const PCI_MSI_DATA_64 = 0x0c;
/** Mask Bits, 64-bit layout. */
export const PCI_MSI_MASK_64 = 0x10;
/** Pending Bits, 64-bit layout. */
export const PCI_MSI_PENDING_64 = 0x14;
/** Capability size: 32-bit address, no masking (10 bytes, padded to a dword). */
export const PCI_MSI_32_SIZEOF = 12;
/** Capability size: 64-bit address, no masking (14 bytes, padded to a dword). */
export const PCI_MSI_64_SIZEOF = 16;
/** Capability size: 32-bit address with mask and pending bits. */
export const PCI_MSI_32_MASK_SIZEOF = 20;
/** Capability size: 64-bit address with mask and pending bits. */
export const PCI_MSI_64_MASK_SIZEOF = 24;
/** Largest encodable vector count exponent (2^5 = 32 vectors). */
export const PCI_MSI_MAX_LOG2_VECTORS = 5;
