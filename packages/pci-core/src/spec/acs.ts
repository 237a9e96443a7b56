/**
 * PCIe Base 4.0 §7.7.8: the ACS (Access Control Services) extended capability.
 * Offsets from the capability start and register bits only; no behaviour.
 * The capability (+4) and control (+6) registers share the bit layout below.
 */

/** ACS Capability register (16-bit). */
export const PCI_ACS_CAP = 0x04;
/** ACS Control register (16-bit). */
export const PCI_ACS_CTRL = 0x06;
/** ACS Egress Control Vector (present when EC is advertised), 32 bits per dword. */
export const PCI_ACS_EGRESS_CTL_V = 0x08;

/** ACS Source Validation. */
export const PCI_ACS_SV = 0x01;
/** ACS Translation Blocking. */
export const PCI_ACS_TB = 0x02;
/** ACS P2P Request Redirect. */
export const PCI_ACS_RR = 0x04;
/** ACS P2P Completion Redirect. */
export const PCI_ACS_CR = 0x08;
/** ACS Upstream Forwarding. */
export const PCI_ACS_UF = 0x10;
/** ACS P2P Egress Control. */
export const PCI_ACS_EC = 0x20;
/** ACS Direct Translated P2P. */
export const PCI_ACS_DT = 0x40;
/** Every defined ACS capability / control bit. */
export const PCI_ACS_ALL = 0x7f;
/** Capability: Egress Control Vector Size, bits 15:8 (0 encodes 256). */
export const PCI_ACS_CAP_EGRESS_BITS = 0xff00;
/** Capability: shift of the Egress Control Vector Size. */
export const PCI_ACS_CAP_EGRESS_BITS_SHIFT = 8;
/** Size of the capability without an egress control vector. */
export const PCI_EXT_CAP_ACS_SIZEOF = 8;
