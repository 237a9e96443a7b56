/**
 * NVMe Base 1.4 §3.1 Controller Registers (Figure 68 and the register figures that follow),
 * as offsets and bit fields. No behaviour: the device model in nvme-pci gives them semantics.
 */
import type { BitField } from "./field";

/** Register offsets in BAR0 (NVMe 1.4 §3.1, Figure 68). */
export const NVME_REG = {
  /** Controller Capabilities, 64-bit (§3.1.1). */
  CAP: 0x00,
  /** Version (§3.1.2). */
  VS: 0x08,
  /** Interrupt Mask Set (§3.1.3). */
  INTMS: 0x0c,
  /** Interrupt Mask Clear (§3.1.4). */
  INTMC: 0x10,
  /** Controller Configuration (§3.1.5). */
  CC: 0x14,
  /** Controller Status (§3.1.6). */
  CSTS: 0x1c,
  /** NVM Subsystem Reset (§3.1.7). */
  NSSR: 0x20,
  /** Admin Queue Attributes (§3.1.8). */
  AQA: 0x24,
  /** Admin Submission Queue Base Address, 64-bit (§3.1.9). */
  ASQ: 0x28,
  /** Admin Completion Queue Base Address, 64-bit (§3.1.10). */
  ACQ: 0x30,
  /** Controller Memory Buffer Location (§3.1.11). */
  CMBLOC: 0x38,
  /** Controller Memory Buffer Size (§3.1.12). */
  CMBSZ: 0x3c,
  /** Boot Partition Information (§3.1.13). */
  BPINFO: 0x40,
  /** Boot Partition Read Select (§3.1.14). */
  BPRSEL: 0x44,
  /** Boot Partition Memory Buffer Location, 64-bit (§3.1.15). */
  BPMBL: 0x48,
  /** Controller Memory Buffer Memory Space Control, 64-bit (§3.1.16). */
  CMBMSC: 0x50,
  /** Controller Memory Buffer Status (§3.1.17). */
  CMBSTS: 0x58,
  /** Persistent Memory Region Capabilities (§3.1.18). */
  PMRCAP: 0xe00,
  /** Persistent Memory Region Control (§3.1.19). */
  PMRCTL: 0xe04,
  /** Persistent Memory Region Status (§3.1.20). */
  PMRSTS: 0xe08,
  /** Persistent Memory Region Elasticity Buffer Size (§3.1.21). */
  PMREBS: 0xe0c,
  /** Persistent Memory Region Sustained Write Throughput (§3.1.22). */
  PMRSWTP: 0xe10,
  /** Persistent Memory Region Controller Memory Space Control, 64-bit (§3.1.23). */
  PMRMSC: 0xe14,
  /** Submission Queue 0 Tail Doorbell; doorbells follow with stride 4 << CAP.DSTRD (§3.1.24). */
  DBS: 0x1000,
} as const;

/** CAP fields (NVMe 1.4 §3.1.1, Figure 69); shifts are bit positions in the 64-bit value. */
export const CAP = {
  /** Maximum Queue Entries Supported, 0's based. */
  MQES: { shift: 0, width: 16 },
  /** Contiguous Queues Required. */
  CQR: { shift: 16, width: 1 },
  /** Arbitration Mechanism Supported: bit 17 WRR with urgent, bit 18 vendor specific. */
  AMS: { shift: 17, width: 2 },
  /** Timeout, in 500 ms units: worst-case time to wait for CSTS.RDY. */
  TO: { shift: 24, width: 8 },
  /** Doorbell Stride: doorbells are 2^(2 + DSTRD) bytes apart. */
  DSTRD: { shift: 32, width: 4 },
  /** NVM Subsystem Reset Supported. */
  NSSRS: { shift: 36, width: 1 },
  /** Command Sets Supported: bit 37 NVM command set. */
  CSS: { shift: 37, width: 8 },
  /** Boot Partition Support. */
  BPS: { shift: 45, width: 1 },
  /** Memory Page Size Minimum: 2^(12 + MPSMIN). */
  MPSMIN: { shift: 48, width: 4 },
  /** Memory Page Size Maximum: 2^(12 + MPSMAX). */
  MPSMAX: { shift: 52, width: 4 },
  /** Persistent Memory Region Supported. */
  PMRS: { shift: 56, width: 1 },
  /** Controller Memory Buffer Supported (the 1.4 CMBMSC scheme). */
  CMBS: { shift: 57, width: 1 },
} as const satisfies Record<string, BitField>;

/** CAP.CSS bit for the NVM command set (NVMe 1.4 Figure 69). */
export const CAP_CSS_NVM = 0x01;
/** CAP.AMS bits (NVMe 1.4 Figure 69). */
export const CAP_AMS = { WRR_URGENT: 0x1, VENDOR: 0x2 } as const;

/** VS fields (NVMe 1.4 §3.1.2, Figure 70). */
export const VS = {
  TER: { shift: 0, width: 8 },
  MNR: { shift: 8, width: 8 },
  MJR: { shift: 16, width: 16 },
} as const satisfies Record<string, BitField>;

/** VS values of the versions this project models (NVMe 1.4 Figure 70). */
export const NVME_VERSION = { V1_2: 0x00010200, V1_3: 0x00010300, V1_4: 0x00010400 } as const;

/** CC fields (NVMe 1.4 §3.1.5, Figure 73). */
export const CC = {
  /** Enable. */
  EN: { shift: 0, width: 1 },
  /** I/O Command Set Selected (000b NVM). */
  CSS: { shift: 4, width: 3 },
  /** Memory Page Size: 2^(12 + MPS). */
  MPS: { shift: 7, width: 4 },
  /** Arbitration Mechanism Selected (000b round robin, 001b WRR with urgent, 111b vendor). */
  AMS: { shift: 11, width: 3 },
  /** Shutdown Notification (00b none, 01b normal, 10b abrupt). */
  SHN: { shift: 14, width: 2 },
  /** I/O Submission Queue Entry Size, 2^n bytes. */
  IOSQES: { shift: 16, width: 4 },
  /** I/O Completion Queue Entry Size, 2^n bytes. */
  IOCQES: { shift: 20, width: 4 },
} as const satisfies Record<string, BitField>;

/** CC.SHN values (NVMe 1.4 Figure 73). */
export const CC_SHN = { NONE: 0, NORMAL: 1, ABRUPT: 2 } as const;
/** CC.AMS values (NVMe 1.4 Figure 73). */
export const CC_AMS = { RR: 0, WRR_URGENT: 1, VENDOR: 7 } as const;
/** CC.CSS value of the NVM command set (NVMe 1.4 Figure 73). */
export const CC_CSS_NVM = 0;

/** CSTS fields (NVMe 1.4 §3.1.6, Figure 74). */
export const CSTS = {
  /** Ready. */
  RDY: { shift: 0, width: 1 },
  /** Controller Fatal Status. */
  CFS: { shift: 1, width: 1 },
  /** Shutdown Status (00b normal operation, 01b occurring, 10b complete). */
  SHST: { shift: 2, width: 2 },
  /** NVM Subsystem Reset Occurred (RW1C). */
  NSSRO: { shift: 4, width: 1 },
  /** Processing Paused. */
  PP: { shift: 5, width: 1 },
} as const satisfies Record<string, BitField>;

/** CSTS.SHST values (NVMe 1.4 Figure 74). */
export const CSTS_SHST = { NORMAL: 0, OCCURRING: 1, COMPLETE: 2 } as const;

/** The value written to NSSR to start an NVM subsystem reset: "NVMe" (NVMe 1.4 §3.1.7, Figure 75). */
export const NSSR_RESET_VALUE = 0x4e564d65;

/** AQA fields, both 0's based (NVMe 1.4 §3.1.8, Figure 76). */
export const AQA = {
  ASQS: { shift: 0, width: 12 },
  ACQS: { shift: 16, width: 12 },
} as const satisfies Record<string, BitField>;

/** ASQ/ACQ base address: bits 63:12; bits 11:0 reserved (NVMe 1.4 Figures 77-78). */
export const ADMIN_QUEUE_BASE_MASK = 0xfffffffffffff000n;

/** CMBLOC fields (NVMe 1.4 §3.1.11, Figure 79). */
export const CMBLOC = {
  /** Base Indicator Register: the BAR holding the CMB. */
  BIR: { shift: 0, width: 3 },
  /** CMB Queue Mixed Memory Support. */
  CQMMS: { shift: 3, width: 1 },
  /** CMB Queue Physically Discontiguous Support. */
  CQPDS: { shift: 4, width: 1 },
  /** CMB Data Pointer Mixed Locations Support. */
  CDPMLS: { shift: 5, width: 1 },
  /** CMB Data Pointer and Command Independent Locations Support. */
  CDPCILS: { shift: 6, width: 1 },
  /** CMB Data Metadata Mixed Memory Support. */
  CDMMMS: { shift: 7, width: 1 },
  /** CMB Queue Dword Alignment. */
  CQDA: { shift: 8, width: 1 },
  /** Offset of the CMB in the BAR, in CMBSZ.SZU units. */
  OFST: { shift: 12, width: 20 },
} as const satisfies Record<string, BitField>;

/** CMBSZ fields (NVMe 1.4 §3.1.12, Figure 80). */
export const CMBSZ = {
  /** Submission Queue Support. */
  SQS: { shift: 0, width: 1 },
  /** Completion Queue Support. */
  CQS: { shift: 1, width: 1 },
  /** PRP SGL List Support. */
  LISTS: { shift: 2, width: 1 },
  /** Read Data Support (controller-to-host transfers may target the CMB). */
  RDS: { shift: 3, width: 1 },
  /** Write Data Support (host-to-controller data may come from the CMB). */
  WDS: { shift: 4, width: 1 },
  /** Size Units: 4 KiB * 16^SZU. */
  SZU: { shift: 8, width: 4 },
  /** Size, in SZU units. */
  SZ: { shift: 12, width: 20 },
} as const satisfies Record<string, BitField>;

/** CMBSZ capability bits in place (NVMe 1.4 Figure 80), as `include/linux/nvme.h` names them. */
export const CMBSZ_BITS = { SQS: 1 << 0, CQS: 1 << 1, LISTS: 1 << 2, RDS: 1 << 3, WDS: 1 << 4 } as const;

/** CMBSZ.SZU values (NVMe 1.4 Figure 80); 7h-Fh are reserved. */
export const CMBSZ_SZU = { K4: 0, K64: 1, M1: 2, M16: 3, M256: 4, G4: 5, G64: 6 } as const;
/** The largest defined CMBSZ.SZU (64 GiB units). */
export const CMBSZ_SZU_MAX = 6;

/** Bytes per CMBSZ.SZU unit: 4 KiB * 16^SZU (NVMe 1.4 Figure 80). */
export function cmbSizeUnit(szu: number): bigint {
  return 1n << BigInt(12 + 4 * szu);
}

/** BPINFO fields (NVMe 1.4 §3.1.13, Figure 81). */
export const BPINFO = {
  /** Boot Partition Size, in 128 KiB units. */
  BPSZ: { shift: 0, width: 15 },
  /** Boot Read Status. */
  BRS: { shift: 24, width: 2 },
  /** Active Boot Partition ID. */
  ABPID: { shift: 31, width: 1 },
} as const satisfies Record<string, BitField>;

/** BPRSEL fields (NVMe 1.4 §3.1.14, Figure 82). */
export const BPRSEL = {
  BPRSZ: { shift: 0, width: 10 },
  BPROF: { shift: 10, width: 20 },
  BPID: { shift: 31, width: 1 },
} as const satisfies Record<string, BitField>;

/** BPMBL: Boot Partition Memory Buffer Base Address, bits 63:12 (NVMe 1.4 §3.1.15, Figure 83). */
export const BPMBL = { BMBBA: { shift: 12, width: 52 } } as const satisfies Record<string, BitField>;

/** CMBMSC fields of the 64-bit register (NVMe 1.4 §3.1.16, Figure 84). */
export const CMBMSC = {
  /** Capabilities Registers Enabled: CMBLOC/CMBSZ read their values only while set. */
  CRE: { shift: 0, width: 1 },
  /** Controller Memory Space Enable. */
  CMSE: { shift: 1, width: 1 },
  /** Controller Base Address, bits 63:12 of the address the CMB is decoded at. */
  CBA: { shift: 12, width: 52 },
} as const satisfies Record<string, BitField>;

/** CMBMSC bits in place (NVMe 1.4 Figure 84). */
export const CMBMSC_BITS = { CRE: 1n << 0n, CMSE: 1n << 1n, CBA_MASK: 0xfffffffffffff000n } as const;

/** CMBSTS fields (NVMe 1.4 §3.1.17, Figure 85). */
export const CMBSTS = {
  /** Controller Base Address Invalid. */
  CBAI: { shift: 0, width: 1 },
} as const satisfies Record<string, BitField>;

/** PMRCAP fields (NVMe 1.4 §3.1.18, Figure 86). */
export const PMRCAP = {
  RDS: { shift: 3, width: 1 },
  WDS: { shift: 4, width: 1 },
  BIR: { shift: 5, width: 3 },
  PMRTU: { shift: 8, width: 2 },
  PMRWBM: { shift: 10, width: 4 },
  PMRTO: { shift: 16, width: 8 },
  CMSS: { shift: 24, width: 1 },
} as const satisfies Record<string, BitField>;

/** PMRCTL fields (NVMe 1.4 §3.1.19, Figure 87). */
export const PMRCTL = { EN: { shift: 0, width: 1 } } as const satisfies Record<string, BitField>;

/** PMRSTS fields (NVMe 1.4 §3.1.20, Figure 88). */
export const PMRSTS = {
  ERR: { shift: 0, width: 8 },
  NRDY: { shift: 8, width: 1 },
  HSTS: { shift: 9, width: 3 },
  CBAI: { shift: 12, width: 1 },
} as const satisfies Record<string, BitField>;

/** PMREBS fields (NVMe 1.4 §3.1.21, Figure 89). */
export const PMREBS = {
  PMRSZU: { shift: 0, width: 4 },
  RBB: { shift: 4, width: 1 },
  PMRWBZ: { shift: 8, width: 24 },
} as const satisfies Record<string, BitField>;

/** PMRSWTP fields (NVMe 1.4 §3.1.22, Figure 90). */
export const PMRSWTP = {
  PMRSWTU: { shift: 0, width: 4 },
  PMRSWTV: { shift: 8, width: 24 },
} as const satisfies Record<string, BitField>;

/** PMRMSC fields of the 64-bit register (NVMe 1.4 §3.1.23, Figure 91). */
export const PMRMSC = {
  CMSE: { shift: 1, width: 1 },
  CBA: { shift: 12, width: 52 },
} as const satisfies Record<string, BitField>;

/** Doorbell register value fields (NVMe 1.4 §3.1.24-25, Figures 92-93). */
export const DOORBELL = {
  /** SQyTDBL.SQT: Submission Queue Tail. */
  SQT: { shift: 0, width: 16 },
  /** CQyHDBL.CQH: Completion Queue Head. */
  CQH: { shift: 0, width: 16 },
} as const satisfies Record<string, BitField>;

/**
 * Offset of a doorbell: SQ y tail at 1000h + (2y * (4 << DSTRD)), CQ y head at
 * 1000h + ((2y + 1) * (4 << DSTRD)) (NVMe 1.4 §3.1.24-25).
 */
export function doorbellOffset(qid: number, completion: boolean, dstrd: number): number {
  return NVME_REG.DBS + (2 * qid + (completion ? 1 : 0)) * (4 << dstrd);
}

/** Size of the register block before the doorbells (NVMe 1.4 Figure 68). */
export const NVME_REG_BLOCK_SIZE = 0x1000;
