/**
 * PCI Local Bus 3.0 §6.7 and PCI Code and ID Assignment 1.11 §2-3 / PCIe Base 4.0 §7.6:
 * capability identifiers of the standard list (8-bit) and of the extended list (16-bit),
 * and the layout of the list headers. Identifiers and offsets only; no behaviour.
 */

// Standard capability list entry (PCI 3.0 §6.7): id byte, next pointer byte.
/** Offset of the capability id inside a standard capability. */
export const PCI_CAP_LIST_ID = 0x00;
/** Offset of the next-capability pointer inside a standard capability. */
export const PCI_CAP_LIST_NEXT = 0x01;
/** Offset of the capability-specific 16-bit flags word after the two header bytes. */
export const PCI_CAP_FLAGS = 0x02;
/** First offset where standard capabilities may live (end of the predefined header). */
export const PCI_STD_CAP_START = 0x40;
/** Low two bits of a capability pointer are reserved (dword alignment). */
export const PCI_CAP_PTR_MASK = 0xfc;

// Standard capability ids (PCI Code and ID Assignment §2).
/** Power Management (PCI PM 1.2). */
export const PCI_CAP_ID_PM = 0x01;
/** Accelerated Graphics Port. */
export const PCI_CAP_ID_AGP = 0x02;
/** Vital Product Data. */
export const PCI_CAP_ID_VPD = 0x03;
/** Slot Identification. */
export const PCI_CAP_ID_SLOTID = 0x04;
/** Message Signalled Interrupts. */
export const PCI_CAP_ID_MSI = 0x05;
/** CompactPCI hot swap. */
export const PCI_CAP_ID_CHSWP = 0x06;
/** PCI-X. */
export const PCI_CAP_ID_PCIX = 0x07;
/** HyperTransport. */
export const PCI_CAP_ID_HT = 0x08;
/** Vendor specific. */
export const PCI_CAP_ID_VNDR = 0x09;
/** Debug port. */
export const PCI_CAP_ID_DBG = 0x0a;
/** CompactPCI central resource control. */
export const PCI_CAP_ID_CCRC = 0x0b;
/** PCI Standard Hot-Plug Controller. */
export const PCI_CAP_ID_SHPC = 0x0c;
/** Bridge subsystem vendor / device id. */
export const PCI_CAP_ID_SSVID = 0x0d;
/** AGP 8x target PCI-PCI bridge. */
export const PCI_CAP_ID_AGP3 = 0x0e;
/** Secure device. */
export const PCI_CAP_ID_SECDEV = 0x0f;
/** PCI Express. */
export const PCI_CAP_ID_EXP = 0x10;
/** MSI-X. */
export const PCI_CAP_ID_MSIX = 0x11;
/** SATA data/index configuration. */
export const PCI_CAP_ID_SATA = 0x12;
/** PCI Advanced Features. */
export const PCI_CAP_ID_AF = 0x13;
/** Enhanced Allocation. */
export const PCI_CAP_ID_EA = 0x14;

// Bridge subsystem id capability (PCI-to-PCI Bridge 1.2 §3.2.5.13 via SSVID).
/** SSVID: subsystem vendor id offset. */
export const PCI_SSVID_VENDOR_ID = 0x04;
/** SSVID: subsystem device id offset. */
export const PCI_SSVID_DEVICE_ID = 0x06;
/** SSVID capability size in bytes. */
export const PCI_SSVID_SIZEOF = 8;

// Extended capability header (PCIe 4.0 §7.6.3): id 15:0, version 19:16, next 31:20.
/** Mask of the extended capability id in the header dword. */
export const PCI_EXT_CAP_ID_MASK = 0x0000ffff;
/** Shift of the 4-bit capability version in the header dword. */
export const PCI_EXT_CAP_VER_SHIFT = 16;
/** Mask of the version after shifting. */
export const PCI_EXT_CAP_VER_MASK = 0xf;
/** Shift of the 12-bit next pointer in the header dword. */
export const PCI_EXT_CAP_NEXT_SHIFT = 20;
/** Mask of the next pointer after shifting (low two bits reserved). */
export const PCI_EXT_CAP_NEXT_MASK = 0xffc;
/** Size of the extended capability header. */
export const PCI_EXT_CAP_HEADER_SIZEOF = 4;

// Extended capability ids (PCI Code and ID Assignment §3).
/** Advanced Error Reporting. */
export const PCI_EXT_CAP_ID_ERR = 0x01;
/** Virtual Channel (MFVC absent). */
export const PCI_EXT_CAP_ID_VC = 0x02;
/** Device Serial Number. */
export const PCI_EXT_CAP_ID_DSN = 0x03;
/** Power Budgeting. */
export const PCI_EXT_CAP_ID_PWR = 0x04;
/** Root Complex Link Declaration. */
export const PCI_EXT_CAP_ID_RCLD = 0x05;
/** Root Complex Internal Link Control. */
export const PCI_EXT_CAP_ID_RCILC = 0x06;
/** Root Complex Event Collector endpoint association. */
export const PCI_EXT_CAP_ID_RCEC = 0x07;
/** Multi-Function Virtual Channel. */
export const PCI_EXT_CAP_ID_MFVC = 0x08;
/** Virtual Channel (MFVC present). */
export const PCI_EXT_CAP_ID_VC9 = 0x09;
/** Root Complex Register Block header. */
export const PCI_EXT_CAP_ID_RCRB = 0x0a;
/** Vendor-Specific Extended Capability. */
export const PCI_EXT_CAP_ID_VNDR = 0x0b;
/** Configuration Access Correlation (obsolete). */
export const PCI_EXT_CAP_ID_CAC = 0x0c;
/** Access Control Services. */
export const PCI_EXT_CAP_ID_ACS = 0x0d;
/** Alternative Routing-ID Interpretation. */
export const PCI_EXT_CAP_ID_ARI = 0x0e;
/** Address Translation Services. */
export const PCI_EXT_CAP_ID_ATS = 0x0f;
/** Single Root I/O Virtualization. */
export const PCI_EXT_CAP_ID_SRIOV = 0x10;
/** Multi-Root I/O Virtualization. */
export const PCI_EXT_CAP_ID_MRIOV = 0x11;
/** Multicast. */
export const PCI_EXT_CAP_ID_MCAST = 0x12;
/** Page Request Interface. */
export const PCI_EXT_CAP_ID_PRI = 0x13;
/** Resizable BAR. */
export const PCI_EXT_CAP_ID_REBAR = 0x15;
/** Dynamic Power Allocation. */
export const PCI_EXT_CAP_ID_DPA = 0x16;
/** TPH Requester. */
export const PCI_EXT_CAP_ID_TPH = 0x17;
/** Latency Tolerance Reporting. */
export const PCI_EXT_CAP_ID_LTR = 0x18;
/** Secondary PCI Express. */
export const PCI_EXT_CAP_ID_SECPCI = 0x19;
/** Protocol Multiplexing. */
export const PCI_EXT_CAP_ID_PMUX = 0x1a;
/** Process Address Space ID. */
export const PCI_EXT_CAP_ID_PASID = 0x1b;
/** Downstream Port Containment. */
export const PCI_EXT_CAP_ID_DPC = 0x1d;
/** L1 PM Substates. */
export const PCI_EXT_CAP_ID_L1SS = 0x1e;
/** Precision Time Measurement. */
export const PCI_EXT_CAP_ID_PTM = 0x1f;

// Device Serial Number (PCIe 4.0 §7.9.3) and ARI (§7.8.7): small fixed layouts.
/** DSN: lower dword of the serial number. */
export const PCI_DSN_LOWER = 0x04;
/** DSN: upper dword of the serial number. */
export const PCI_DSN_UPPER = 0x08;
/** DSN capability size. */
export const PCI_EXT_CAP_DSN_SIZEOF = 12;
/** ARI capability register (16-bit). */
export const PCI_ARI_CAP = 0x04;
/** ARI capability: MFVC function groups capable. */
export const PCI_ARI_CAP_MFVC = 0x0001;
/** ARI capability: ACS function groups capable. */
export const PCI_ARI_CAP_ACS = 0x0002;
/** ARI capability: next function number, bits 15:8. */
export const PCI_ARI_CAP_NFN_SHIFT = 8;
/** ARI control register (16-bit). */
export const PCI_ARI_CTRL = 0x06;
/** ARI control: MFVC function groups enable. */
export const PCI_ARI_CTRL_MFVC = 0x0001;
/** ARI control: ACS function groups enable. */
export const PCI_ARI_CTRL_ACS = 0x0002;
/** ARI control: function group, bits 6:4. */
export const PCI_ARI_CTRL_FG = 0x0070;
/** ARI capability size. */
export const PCI_EXT_CAP_ARI_SIZEOF = 8;
