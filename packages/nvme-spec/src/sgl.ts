/**
 * Scatter Gather List descriptors (NVMe 1.4 §4.4, Figures 113-120): 16 bytes, the SGL
 * Identifier in byte 15 with the descriptor type in bits 7:4 and the sub type in bits 3:0.
 */
import type { BitField } from "./field";

/** Size of one SGL descriptor. */
export const SGL_DESC_SIZE = 16;

/** SGL descriptor offsets (NVMe 1.4 Figures 115-120). */
export const SGL_DESC = {
  /** Address (8 bytes). */
  ADDRESS: 0,
  /** Length (4 bytes) of Data Block, Bit Bucket, Segment and Last Segment descriptors. */
  LENGTH: 8,
  /** Keyed Data Block: Length is 3 bytes at 8, Key 4 bytes at 11. */
  KEYED_LENGTH: 8,
  KEYED_LENGTH_SIZE: 3,
  KEY: 11,
  /** SGL Identifier byte. */
  IDENTIFIER: 15,
} as const;

/** SGL Identifier fields (NVMe 1.4 Figure 113). */
export const SGL_ID = {
  SUBTYPE: { shift: 0, width: 4 },
  TYPE: { shift: 4, width: 4 },
} as const satisfies Record<string, BitField>;

/** SGL descriptor types (NVMe 1.4 Figure 114). */
export const SGL_TYPE = {
  DATA_BLOCK: 0x0,
  BIT_BUCKET: 0x1,
  SEGMENT: 0x2,
  LAST_SEGMENT: 0x3,
  KEYED_DATA_BLOCK: 0x4,
  TRANSPORT_DATA_BLOCK: 0x5,
  VENDOR_SPECIFIC: 0xf,
} as const;

/** SGL descriptor sub types (NVMe 1.4 Figure 114; NVMe-oF 1.1 §2.3 for transport ones). */
export const SGL_SUBTYPE = {
  ADDRESS: 0x0,
  OFFSET: 0x1,
  TRANSPORT_SPECIFIC: 0xa,
  /** RDMA transport: invalidate the key on completion (keyed data block only). */
  INVALIDATE_KEY: 0xf,
} as const;

/** The SGL Identifier byte for a descriptor type and sub type. */
export function sglIdentifier(type: number, subtype: number = SGL_SUBTYPE.ADDRESS): number {
  return ((type & 0xf) << 4) | (subtype & 0xf);
}
