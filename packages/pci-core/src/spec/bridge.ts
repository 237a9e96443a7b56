/**
 * PCI-to-PCI Bridge Architecture 1.2 §3.2.5 / PCIe Base 4.0 §7.5.1.3: the bridge (type 1)
 * forwarding windows, secondary status and bridge control bits, and the expansion ROM BAR
 * mask (PCI 3.0 §6.2.5.2). Offsets live in `header.ts`; this module holds field layouts only.
 */

/** I/O base/limit low nibble: addressing capability (0 = 16-bit, 1 = 32-bit). */
export const PCI_IO_RANGE_TYPE_MASK = 0x0f;
/** I/O window decodes 16-bit addresses. */
export const PCI_IO_RANGE_TYPE_16 = 0x00;
/** I/O window decodes 32-bit addresses (upper 16 bits in the UPPER16 registers). */
export const PCI_IO_RANGE_TYPE_32 = 0x01;
/** I/O base/limit high nibble: address bits 15:12. */
export const PCI_IO_RANGE_MASK = 0xf0;
/** I/O window granularity (4 KiB). */
export const PCI_IO_WINDOW_GRANULARITY = 0x1000;
/** Memory base/limit: low nibble reserved / type. */
export const PCI_MEMORY_RANGE_TYPE_MASK = 0x000f;
/** Memory base/limit: address bits 31:20 in bits 15:4. */
export const PCI_MEMORY_RANGE_MASK = 0xfff0;
/** Prefetchable base/limit low nibble: addressing capability. */
export const PCI_PREF_RANGE_TYPE_MASK = 0x000f;
/** Prefetchable window decodes 32-bit addresses. */
export const PCI_PREF_RANGE_TYPE_32 = 0x0000;
/** Prefetchable window decodes 64-bit addresses (upper halves in the UPPER32 registers). */
export const PCI_PREF_RANGE_TYPE_64 = 0x0001;
/** Prefetchable base/limit: address bits 31:20 in bits 15:4. */
export const PCI_PREF_RANGE_MASK = 0xfff0;
/** Memory window granularity (1 MiB). */
export const PCI_MEMORY_WINDOW_GRANULARITY = 0x100000;

/** Bridge control: parity error response enable. */
export const PCI_BRIDGE_CTL_PARITY = 0x0001;
/** Bridge control: SERR# enable. */
export const PCI_BRIDGE_CTL_SERR = 0x0002;
/** Bridge control: ISA enable. */
export const PCI_BRIDGE_CTL_NO_ISA = 0x0004;
/** Bridge control: VGA enable. */
export const PCI_BRIDGE_CTL_VGA = 0x0008;
/** Bridge control: VGA 16-bit decode. */
export const PCI_BRIDGE_CTL_VGA_16BIT = 0x0010;
/** Bridge control: master abort mode. */
export const PCI_BRIDGE_CTL_MASTER_ABORT = 0x0020;
/** Bridge control: secondary bus reset. */
export const PCI_BRIDGE_CTL_BUS_RESET = 0x0040;
/** Bridge control: the bits a PCI Express bridge implements read-write. */
export const PCI_BRIDGE_CTL_PCIE_RW = 0x007f;
/** Secondary status: the write-1-to-clear error bits (same layout as the primary status). */
export const PCI_SEC_STATUS_W1C = 0xf900;

/** Expansion ROM BAR: address bits 31:11. */
export const PCI_ROM_ADDRESS_MASK = 0xfffff800;
/** Smallest expansion ROM (2 KiB). */
export const PCI_ROM_MIN_SIZE = 0x800;
/** Largest expansion ROM (16 MiB). */
export const PCI_ROM_MAX_SIZE = 0x1000000;

/** Memory BAR type field value for the legacy below-1 MiB type. */
export const PCI_BASE_ADDRESS_MEM_TYPE_1M = 0x02;
/** Command register: parity error response. */
export const PCI_COMMAND_PARITY = 0x0040;

// CardBus (type 2) header subsystem ids (PC Card Standard 8.0, cardbus bridge).
/** CardBus: subsystem vendor id. */
export const PCI_CB_SUBSYSTEM_VENDOR_ID = 0x40;
/** CardBus: subsystem id. */
export const PCI_CB_SUBSYSTEM_ID = 0x42;
