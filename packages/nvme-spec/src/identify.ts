/**
 * Identify data structures (NVMe 1.4 §5.15.2): Identify Controller (Figure 247, with the
 * NVMe-oF 1.1 fields at 1792), Identify Namespace (Figure 245), the active namespace ID list
 * and the namespace identification descriptor list (Figure 249). Byte offsets and sizes.
 */
import type { BitField } from "./field";

/** Size of every Identify data structure. */
export const IDENTIFY_DATA_SIZE = 4096;

/** Identify CNS values (NVMe 1.4 Figure 244). */
export const CNS = {
  NAMESPACE: 0x00,
  CONTROLLER: 0x01,
  ACTIVE_NS_LIST: 0x02,
  NS_ID_DESCRIPTORS: 0x03,
  NVM_SET_LIST: 0x04,
  ALLOCATED_NS_LIST: 0x10,
  ALLOCATED_NAMESPACE: 0x11,
  NS_ATTACHED_CTRL_LIST: 0x12,
  CTRL_LIST: 0x13,
  PRIMARY_CTRL_CAPS: 0x14,
  SECONDARY_CTRL_LIST: 0x15,
  NS_GRANULARITY_LIST: 0x16,
  UUID_LIST: 0x17,
} as const;

/** Identify Controller offsets (NVMe 1.4 Figure 247; NVMe-oF 1.1 Figure 31 for 1792-2047). */
export const ID_CTRL = {
  VID: 0,
  SSVID: 2,
  SN: 4,
  MN: 24,
  FR: 64,
  RAB: 72,
  IEEE: 73,
  CMIC: 76,
  MDTS: 77,
  CNTLID: 78,
  VER: 80,
  RTD3R: 84,
  RTD3E: 88,
  OAES: 92,
  CTRATT: 96,
  RRLS: 100,
  CNTRLTYPE: 111,
  FGUID: 112,
  CRDT1: 128,
  CRDT2: 130,
  CRDT3: 132,
  OACS: 256,
  ACL: 258,
  AERL: 259,
  FRMW: 260,
  LPA: 261,
  ELPE: 262,
  NPSS: 263,
  AVSCC: 264,
  APSTA: 265,
  WCTEMP: 266,
  CCTEMP: 268,
  MTFA: 270,
  HMPRE: 272,
  HMMIN: 276,
  TNVMCAP: 280,
  UNVMCAP: 296,
  RPMBS: 312,
  EDSTT: 316,
  DSTO: 318,
  FWUG: 319,
  KAS: 320,
  HCTMA: 322,
  MNTMT: 324,
  MXTMT: 326,
  SANICAP: 328,
  HMMINDS: 332,
  HMMAXD: 336,
  NSETIDMAX: 338,
  ENDGIDMAX: 340,
  ANATT: 342,
  ANACAP: 343,
  ANAGRPMAX: 344,
  NANAGRPID: 348,
  PELS: 352,
  SQES: 512,
  CQES: 513,
  MAXCMD: 514,
  NN: 516,
  ONCS: 520,
  FUSES: 522,
  FNA: 524,
  VWC: 525,
  AWUN: 526,
  AWUPF: 528,
  NVSCC: 530,
  NWPC: 531,
  ACWU: 532,
  SGLS: 536,
  MNAN: 540,
  SUBNQN: 768,
  /** NVMe-oF: I/O Queue Command Capsule Supported Size, in 16-byte units. */
  IOCCSZ: 1792,
  /** NVMe-oF: I/O Queue Response Capsule Supported Size, in 16-byte units. */
  IORCSZ: 1796,
  /** NVMe-oF: In Capsule Data Offset, in 16-byte units. */
  ICDOFF: 1800,
  /** NVMe-oF: Fabrics Controller Attributes. */
  FCATT: 1802,
  /** NVMe-oF: Maximum SGL Data Block Descriptors. */
  MSDBD: 1803,
  PSD0: 2048,
  VS: 3072,
} as const;

/** Field sizes of Identify Controller strings and wide fields (NVMe 1.4 Figure 247). */
export const ID_CTRL_SIZE = {
  SN: 20,
  MN: 40,
  FR: 8,
  IEEE: 3,
  FGUID: 16,
  TNVMCAP: 16,
  UNVMCAP: 16,
  SUBNQN: 256,
  PSD: 32,
  VS: 1024,
} as const;

/** Identify Controller ONCS bits: Optional NVM Command Support (NVMe 1.4 Figure 247). */
export const ONCS = {
  COMPARE: 1 << 0,
  WRITE_UNCORRECTABLE: 1 << 1,
  DSM: 1 << 2,
  WRITE_ZEROES: 1 << 3,
  SAVE_SELECT: 1 << 4,
  RESERVATIONS: 1 << 5,
  TIMESTAMP: 1 << 6,
  VERIFY: 1 << 7,
} as const;

/** Identify Controller OACS bits: Optional Admin Command Support (NVMe 1.4 Figure 247). */
export const OACS = {
  SECURITY: 1 << 0,
  FORMAT: 1 << 1,
  FIRMWARE: 1 << 2,
  NS_MANAGEMENT: 1 << 3,
  SELF_TEST: 1 << 4,
  DIRECTIVES: 1 << 5,
  NVME_MI: 1 << 6,
  VIRTUALIZATION: 1 << 7,
  DOORBELL_BUFFER_CONFIG: 1 << 8,
  GET_LBA_STATUS: 1 << 9,
} as const;

/** Identify Controller VWC fields (NVMe 1.4 Figure 247). */
export const ID_VWC = {
  /** A volatile write cache is present. */
  PRESENT: 1 << 0,
  /** Bits 2:1 = 11b: Flush with NSID FFFFFFFFh applies to all namespaces. */
  FLUSH_BROADCAST_SUPPORTED: 0x3 << 1,
  FLUSH_BROADCAST_NOT_SUPPORTED: 0x2 << 1,
} as const;

/** Identify Controller LPA bits: Log Page Attributes (NVMe 1.4 Figure 247). */
export const LPA = {
  SMART_PER_NS: 1 << 0,
  CMD_EFFECTS: 1 << 1,
  EXTENDED_DATA: 1 << 2,
  TELEMETRY: 1 << 3,
  PERSISTENT_EVENT: 1 << 4,
} as const;

/** Identify Controller SGLS fields and bits (NVMe 1.4 Figure 247). */
export const SGLS = {
  /** Bits 1:0: 00b SGLs not supported, 01b supported, 10b supported with dword alignment. */
  SUPPORT: { shift: 0, width: 2 },
  /** Keyed SGL Data Block descriptor supported. */
  KEYED: 1 << 2,
  /** SGL Bit Bucket descriptor supported. */
  BIT_BUCKET: 1 << 16,
  /** Byte aligned contiguous physical buffer of metadata supported. */
  BYTE_ALIGNED_METADATA: 1 << 17,
  /** SGL length larger than the data to transfer allowed. */
  EXCESS_LENGTH: 1 << 18,
  /** MPTR may hold an SGL descriptor (PSDT 10b). */
  MPTR_SGL: 1 << 19,
  /** Address field may be an offset. */
  ADDRESS_AS_OFFSET: 1 << 20,
  /** Transport SGL Data Block descriptor supported. */
  TRANSPORT_DATA_BLOCK: 1 << 21,
} as const;

/** SGLS.SUPPORT values (NVMe 1.4 Figure 247). */
export const SGLS_SUPPORT = { NONE: 0, SUPPORTED: 1, DWORD_ALIGNED: 2 } as const;

/** SQES/CQES nibbles: bits 3:0 required, 7:4 maximum, each log2 bytes (NVMe 1.4 Figure 247). */
export const QES = {
  REQUIRED: { shift: 0, width: 4 },
  MAXIMUM: { shift: 4, width: 4 },
} as const satisfies Record<string, BitField>;

/** Identify Namespace offsets (NVMe 1.4 Figure 245). */
export const ID_NS = {
  NSZE: 0,
  NCAP: 8,
  NUSE: 16,
  NSFEAT: 24,
  NLBAF: 25,
  FLBAS: 26,
  MC: 27,
  DPC: 28,
  DPS: 29,
  NMIC: 30,
  RESCAP: 31,
  FPI: 32,
  DLFEAT: 33,
  NAWUN: 34,
  NAWUPF: 36,
  NACWU: 38,
  NABSN: 40,
  NABO: 42,
  NABSPF: 44,
  NOIOB: 46,
  NVMCAP: 48,
  NPWG: 64,
  NPWA: 66,
  NPDG: 68,
  NPDA: 70,
  NOWS: 72,
  ANAGRPID: 92,
  NSATTR: 99,
  NVMSETID: 100,
  ENDGID: 102,
  NGUID: 104,
  EUI64: 120,
  /** LBA Format 0; format n is at LBAF0 + 4n, up to 16 formats. */
  LBAF0: 128,
  VS: 384,
} as const;

/** Size of one LBA Format entry and the number of entries (NVMe 1.4 Figure 245-246). */
export const LBAF_SIZE = 4;
/** Number of LBA Format entries in Identify Namespace. */
export const LBAF_COUNT = 16;

/** LBA Format fields (NVMe 1.4 Figure 246). */
export const LBAF = {
  /** Metadata Size in bytes. */
  MS: { shift: 0, width: 16 },
  /** LBA Data Size, log2 bytes (at least 9). */
  LBADS: { shift: 16, width: 8 },
  /** Relative Performance. */
  RP: { shift: 24, width: 2 },
} as const satisfies Record<string, BitField>;

/** FLBAS fields (NVMe 1.4 Figure 245). */
export const FLBAS = {
  /** The LBA format in use. */
  FORMAT: { shift: 0, width: 4 },
  /** Metadata transferred at the end of the data LBA (extended LBA). */
  EXTENDED: { shift: 4, width: 1 },
} as const satisfies Record<string, BitField>;

/** NSFEAT bits (NVMe 1.4 Figure 245). */
export const NSFEAT = {
  THIN_PROVISIONING: 1 << 0,
  NS_ATOMICS: 1 << 1,
  DEALLOCATED_ERROR: 1 << 2,
  UID_REUSE: 1 << 3,
  OPTPERF: 1 << 4,
} as const;

/** DLFEAT fields (NVMe 1.4 Figure 245): bits 2:0 read behaviour of deallocated blocks. */
export const DLFEAT = {
  READ_BEHAVIOUR: { shift: 0, width: 3 },
  /** Deallocate bit of Write Zeroes supported. */
  WRITE_ZEROES_DEAC: 1 << 3,
  /** Guard field of deallocated blocks is the CRC of their data. */
  GUARD_CRC: 1 << 4,
} as const;

/** DLFEAT read behaviour values (NVMe 1.4 Figure 245). */
export const DLFEAT_READ = { NOT_REPORTED: 0, ZEROES: 1, ONES: 2 } as const;

/** Active Namespace ID list: 1024 NSIDs of 4 bytes, ascending, zero-terminated (NVMe 1.4 §5.15.2.2). */
export const ACTIVE_NS_LIST = { ENTRIES: 1024, ENTRY_SIZE: 4 } as const;

/** Namespace Identification Descriptor header (NVMe 1.4 Figure 249). */
export const NS_ID_DESC = {
  /** Namespace Identifier Type. */
  NIDT: 0,
  /** Namespace Identifier Length. */
  NIDL: 1,
  /** The identifier itself starts at byte 4. */
  NID: 4,
  HEADER_SIZE: 4,
} as const;

/** Namespace Identifier Types and their lengths (NVMe 1.4 Figure 250). */
export const NIDT = { EUI64: 0x1, NGUID: 0x2, UUID: 0x3 } as const;
/** Length in bytes of each {@link NIDT} identifier. */
export const NIDT_LENGTH = { [NIDT.EUI64]: 8, [NIDT.NGUID]: 16, [NIDT.UUID]: 16 } as const;
