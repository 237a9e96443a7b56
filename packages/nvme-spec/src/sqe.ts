/**
 * The 64-byte Submission Queue Entry (NVMe 1.4 §4.2, Figures 104-106) and the command dwords
 * of the commands the project uses. Offsets are byte offsets in the entry.
 */
import type { BitField } from "./field";

/** Size of a submission queue entry in bytes (2^6; Identify Controller SQES). */
export const SQE_SIZE = 64;
/** log2 of {@link SQE_SIZE}, the CC.IOSQES value for NVM command set queues. */
export const SQE_SIZE_SHIFT = 6;

/** Common command format offsets (NVMe 1.4 Figure 105). */
export const SQE = {
  /** Command Dword 0: opcode, FUSE, PSDT, CID. */
  CDW0: 0,
  OPC: 0,
  /** Byte holding FUSE (bits 1:0) and PSDT (bits 7:6). */
  FLAGS: 1,
  CID: 2,
  NSID: 4,
  CDW2: 8,
  CDW3: 12,
  /** Metadata Pointer (8 bytes). */
  MPTR: 16,
  /** Data Pointer (16 bytes): PRP1 + PRP2, or the first SGL descriptor. */
  DPTR: 24,
  PRP1: 24,
  PRP2: 32,
  CDW10: 40,
  CDW11: 44,
  CDW12: 48,
  CDW13: 52,
  CDW14: 56,
  CDW15: 60,
} as const;

/** Command Dword 0 fields (NVMe 1.4 Figure 104). */
export const CDW0 = {
  OPC: { shift: 0, width: 8 },
  /** Fused operation (00b normal, 01b first, 10b second). */
  FUSE: { shift: 8, width: 2 },
  /** PRP or SGL for Data Transfer. */
  PSDT: { shift: 14, width: 2 },
  CID: { shift: 16, width: 16 },
} as const satisfies Record<string, BitField>;

/** CDW0.FUSE values (NVMe 1.4 Figure 104). */
export const FUSE = { NORMAL: 0, FIRST: 1, SECOND: 2 } as const;

/** CDW0.PSDT values (NVMe 1.4 Figure 104). */
export const PSDT = {
  /** PRPs are used for this transfer. */
  PRP: 0,
  /** SGLs; MPTR holds the address of a contiguous metadata buffer. */
  SGL_MPTR_CONTIG: 1,
  /** SGLs; MPTR holds the address of an SGL segment with one descriptor. */
  SGL_MPTR_SGL: 2,
  /** Reserved. */
  RESERVED: 3,
} as const;

/** Read / Write / Write Zeroes / Compare dwords (NVMe 1.4 §6.9, §6.14, §6.16, Figures 364-368). */
export const RW = {
  /** CDW10-11: Starting LBA (64-bit). */
  SLBA: 40,
  /** CDW12.NLB: number of logical blocks, 0's based. */
  NLB: { shift: 0, width: 16 },
  /** CDW12.DEAC (Write Zeroes): deallocate. */
  DEAC: { shift: 25, width: 1 },
  /** CDW12.PRINFO: protection information field. */
  PRINFO: { shift: 26, width: 4 },
  /** CDW12.FUA: force unit access. */
  FUA: { shift: 30, width: 1 },
  /** CDW12.LR: limited retry. */
  LR: { shift: 31, width: 1 },
} as const;

/** Dataset Management dwords (NVMe 1.4 §6.7, Figures 355-357). */
export const DSM = {
  /** CDW10.NR: number of ranges, 0's based. */
  NR: { shift: 0, width: 8 },
  /** CDW11 attribute bits: Integral Dataset for Read, for Write, Deallocate. */
  IDR: 1 << 0,
  IDW: 1 << 1,
  AD: 1 << 2,
  /** Size of one range entry. */
  RANGE_SIZE: 16,
  /** Offsets within a range entry: context attributes, length in logical blocks, starting LBA. */
  RANGE_CATTR: 0,
  RANGE_NLB: 4,
  RANGE_SLBA: 8,
  /** The most ranges one command may carry. */
  MAX_RANGES: 256,
} as const;

/** Create I/O Completion Queue dwords (NVMe 1.4 §5.3, Figures 150-151). */
export const CREATE_CQ = {
  /** CDW10.QID. */
  QID: { shift: 0, width: 16 },
  /** CDW10.QSIZE, 0's based. */
  QSIZE: { shift: 16, width: 16 },
  /** CDW11.PC: physically contiguous. */
  PC: { shift: 0, width: 1 },
  /** CDW11.IEN: interrupts enabled. */
  IEN: { shift: 1, width: 1 },
  /** CDW11.IV: interrupt vector. */
  IV: { shift: 16, width: 16 },
} as const satisfies Record<string, BitField>;

/** Create I/O Submission Queue dwords (NVMe 1.4 §5.4, Figures 153-155). */
export const CREATE_SQ = {
  QID: { shift: 0, width: 16 },
  QSIZE: { shift: 16, width: 16 },
  PC: { shift: 0, width: 1 },
  /** CDW11.QPRIO: queue priority for weighted round robin. */
  QPRIO: { shift: 1, width: 2 },
  /** CDW11.CQID: the completion queue to use. */
  CQID: { shift: 16, width: 16 },
  /** CDW12.NVMSETID. */
  NVMSETID: { shift: 0, width: 16 },
} as const satisfies Record<string, BitField>;

/** Delete I/O SQ / CQ: CDW10.QID (NVMe 1.4 §5.5-5.6, Figures 158, 160). */
export const DELETE_QUEUE = { QID: { shift: 0, width: 16 } } as const satisfies Record<string, BitField>;

/** Identify CDW10/CDW11 (NVMe 1.4 §5.15, Figures 244-245). */
export const IDENTIFY_CMD = {
  CNS: { shift: 0, width: 8 },
  CNTID: { shift: 16, width: 16 },
  /** CDW11.NVMSETID. */
  NVMSETID: { shift: 0, width: 16 },
} as const satisfies Record<string, BitField>;

/** Get Log Page dwords (NVMe 1.4 §5.14, Figures 189-192). */
export const GET_LOG_PAGE = {
  /** CDW10.LID. */
  LID: { shift: 0, width: 8 },
  /** CDW10.LSP. */
  LSP: { shift: 8, width: 4 },
  /** CDW10.RAE: retain asynchronous event. */
  RAE: { shift: 15, width: 1 },
  /** CDW10.NUMDL: number of dwords, lower 16 bits, 0's based. */
  NUMDL: { shift: 16, width: 16 },
  /** CDW11.NUMDU. */
  NUMDU: { shift: 0, width: 16 },
  /** CDW11.LSI: log specific identifier. */
  LSI: { shift: 16, width: 16 },
  /** CDW12/CDW13: log page offset lower / upper. */
  LPOL: 48,
  LPOU: 52,
} as const;

/** Get / Set Features CDW10 (NVMe 1.4 §5.21, §5.15, Figures 269, 293). */
export const FEATURES_CMD = {
  FID: { shift: 0, width: 8 },
  /** Get Features CDW10.SEL: 000b current, 001b default, 010b saved, 011b supported capabilities. */
  SEL: { shift: 8, width: 3 },
  /** Set Features CDW10.SV: save. */
  SV: { shift: 31, width: 1 },
} as const satisfies Record<string, BitField>;

/** Get Features SEL values (NVMe 1.4 Figure 270). */
export const FEATURES_SEL = { CURRENT: 0, DEFAULT: 1, SAVED: 2, SUPPORTED: 3 } as const;

/** Abort CDW10 (NVMe 1.4 §5.1, Figure 132). */
export const ABORT_CMD = {
  SQID: { shift: 0, width: 16 },
  CID: { shift: 16, width: 16 },
} as const satisfies Record<string, BitField>;
