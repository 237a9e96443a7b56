/**
 * Physical Region Page entries and lists (NVMe 1.4 §4.3, Figures 108-110). A PRP entry is a
 * 64-bit memory page address with an offset in the low bits (CC.MPS sized pages); bits 1:0
 * are reserved (dword alignment).
 */

/** Size of a PRP entry. */
export const PRP_ENTRY_SIZE = 8;

/** PRP entries must be dword aligned: bits 1:0 of the offset are zero (NVMe 1.4 Figure 108). */
export const PRP_OFFSET_RESERVED_MASK = 0x3n;

/** Memory page size for a CC.MPS / CAP.MPSMIN value: 2^(12 + mps) (NVMe 1.4 Figure 73). */
export function memoryPageSize(mps: number): number {
  return 1 << (12 + mps);
}

/** Entries in one PRP list page of `pageSize` bytes; the last may chain to the next list page. */
export function prpEntriesPerPage(pageSize: number): number {
  return pageSize / PRP_ENTRY_SIZE;
}
