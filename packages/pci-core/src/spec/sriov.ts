/**
 * PCI-SIG Single Root I/O Virtualization and Sharing 1.1 §3.3 (PCIe Base 4.0 §9.3.3):
 * the SR-IOV extended capability. Offsets from the capability start and bits only.
 */

/** SR-IOV Capabilities (32-bit). */
export const PCI_SRIOV_CAP = 0x04;
/** Capabilities: VF migration capable. */
export const PCI_SRIOV_CAP_VFM = 0x00000001;
/** Capabilities: ARI capable hierarchy preserved. */
export const PCI_SRIOV_CAP_ARI_PRESERVED = 0x00000002;
/** Capabilities: VF migration interrupt message number, bits 31:21. */
export const PCI_SRIOV_CAP_INTR_SHIFT = 21;
/** SR-IOV Control (16-bit). */
export const PCI_SRIOV_CTRL = 0x08;
/** Control: VF Enable. */
export const PCI_SRIOV_CTRL_VFE = 0x0001;
/** Control: VF migration enable. */
export const PCI_SRIOV_CTRL_VFM = 0x0002;
/** Control: VF migration interrupt enable. */
export const PCI_SRIOV_CTRL_INTR = 0x0004;
/** Control: VF Memory Space Enable. */
export const PCI_SRIOV_CTRL_MSE = 0x0008;
/** Control: ARI Capable Hierarchy. */
export const PCI_SRIOV_CTRL_ARI = 0x0010;
/** SR-IOV Status (16-bit). */
export const PCI_SRIOV_STATUS = 0x0a;
/** Status: VF migration status (RW1C). */
export const PCI_SRIOV_STATUS_VFM = 0x0001;
/** InitialVFs (16-bit). */
export const PCI_SRIOV_INITIAL_VF = 0x0c;
/** TotalVFs (16-bit). */
export const PCI_SRIOV_TOTAL_VF = 0x0e;
/** NumVFs (16-bit, RW). */
export const PCI_SRIOV_NUM_VF = 0x10;
/** Function Dependency Link (8-bit). */
export const PCI_SRIOV_FUNC_LINK = 0x12;
/** First VF Offset (16-bit). */
export const PCI_SRIOV_VF_OFFSET = 0x14;
/** VF Stride (16-bit). */
export const PCI_SRIOV_VF_STRIDE = 0x16;
/** VF Device ID (16-bit). */
export const PCI_SRIOV_VF_DID = 0x1a;
/** Supported Page Sizes (32-bit; bit n = 2^(n+12) bytes). */
export const PCI_SRIOV_SUP_PGSIZE = 0x1c;
/** System Page Size (32-bit, RW; one bit set). */
export const PCI_SRIOV_SYS_PGSIZE = 0x20;
/** VF BAR0; VF BARn is at `PCI_SRIOV_BAR + 4 * n`. */
export const PCI_SRIOV_BAR = 0x24;
/** Number of VF BARs. */
export const PCI_SRIOV_NUM_BARS = 6;
/** VF Migration State Array Offset (32-bit). */
export const PCI_SRIOV_VFM = 0x3c;
/** Migration state array: BIR, bits 2:0. */
export const PCI_SRIOV_VFM_BIR = 0x00000007;
/** Migration state array: offset, bits 31:3. */
export const PCI_SRIOV_VFM_OFFSET = 0xfffffff8;
/** Capability size. */
export const PCI_EXT_CAP_SRIOV_SIZEOF = 0x40;
