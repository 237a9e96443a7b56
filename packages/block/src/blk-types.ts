/**
 * Operation and flag bits of a bio or request (`blk_opf_t`, include/linux/blk_types.h of
 * 6.12: `enum req_op` in the low REQ_OP_BITS = 8 bits, `enum req_flag_bits` above) and the queue
 * capability bits that carry PCI P2PDMA per kernel mode. Data only.
 */
import type { KernelMode } from "@p2pdma/pci-core";

/** `enum req_op` values. */
export const REQ_OP = { READ: 0, WRITE: 1, FLUSH: 2, DISCARD: 3, SECURE_ERASE: 5, WRITE_ZEROES: 9 } as const;
export type ReqOpName = keyof typeof REQ_OP;
export const REQ_OP_BITS = 8;
export const REQ_OP_MASK = (1 << REQ_OP_BITS) - 1;

/** `REQ_*` flag masks of 6.12 (bit = REQ_OP_BITS + position in `enum req_flag_bits`). */
export const REQ = {
  FAILFAST_DEV: 1 << 8,
  FAILFAST_TRANSPORT: 1 << 9,
  FAILFAST_DRIVER: 1 << 10,
  SYNC: 1 << 11,
  META: 1 << 12,
  PRIO: 1 << 13,
  NOMERGE: 1 << 14,
  IDLE: 1 << 15,
  INTEGRITY: 1 << 16,
  FUA: 1 << 17,
  PREFLUSH: 1 << 18,
  RAHEAD: 1 << 19,
  BACKGROUND: 1 << 20,
  NOWAIT: 1 << 21,
  POLLED: 1 << 22,
  ALLOC_CACHE: 1 << 23,
  SWAP: 1 << 24,
  DRV: 1 << 25,
  FS_PRIVATE: 1 << 26,
  ATOMIC: 1 << 27,
  NOUNMAP: 1 << 28,
} as const;

/** `REQ_NOMERGE_FLAGS`: flags that forbid merging. */
export const REQ_NOMERGE_FLAGS = REQ.NOMERGE | REQ.PREFLUSH | REQ.FUA;

/** `blk_op_str`. */
export function blkOpStr(op: number): string {
  const e = Object.entries(REQ_OP).find(([, v]) => v === op);
  return e ? e[0] : "UNKNOWN";
}

/** `op_is_write`: odd operations move data to the device. */
export function opIsWrite(op: number): boolean {
  return (op & 1) === 1;
}

/**
 * Where a queue advertises "takes P2P pages": 4.20 `QUEUE_FLAG_PCI_P2PDMA` bit 29 of
 * `q->queue_flags` (spec 3.1); 6.12 `BLK_FEAT_PCI_P2PDMA` bit 12 of `q->limits.features`.
 */
export const PCI_P2PDMA_BIT: Readonly<Record<KernelMode, { readonly word: "queue_flags" | "features"; readonly bit: number }>> = {
  "4.20": { word: "queue_flags", bit: 29 },
  "6.12": { word: "features", bit: 12 },
};

/** 6.12 `BLK_FEAT_*` bits the model uses. */
export const BLK_FEAT = { WRITE_CACHE: 1 << 0, FUA: 1 << 1, ROTATIONAL: 1 << 2, IO_STAT: 1 << 4, POLL: 1 << 9, PCI_P2PDMA: 1 << 12 } as const;

/** `IOPRIO_CLASS_*`. */
export const IOPRIO_CLASS = { NONE: 0, RT: 1, BE: 2, IDLE: 3 } as const;

export const SECTOR_SHIFT = 9;
export const SECTOR_SIZE = 512;
