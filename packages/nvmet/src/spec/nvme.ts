/**
 * NVMe Base 2.0 / NVMe over Fabrics 1.1 definitions nvmet needs (no behaviour), as
 * include/linux/nvme.h of Linux 6.12 spells them. Kept local until `@p2pdma/nvme-spec`
 * lands; then this file re-exports from it and nothing else changes.
 */

/** NVMe Base 2.0 §3.3.3.2.1 Table: Generic Command Status values and the SCT/flag bits. */
export const NVME_SC = {
  SUCCESS: 0x0,
  INVALID_OPCODE: 0x1,
  INVALID_FIELD: 0x2,
  DATA_XFER_ERROR: 0x4,
  INTERNAL: 0x6,
  INVALID_NS: 0xb,
  CMD_SEQ_ERROR: 0xc,
  SGL_INVALID_DATA: 0xf,
  SGL_INVALID_TYPE: 0x11,
  SGL_INVALID_OFFSET: 0x16,
  KA_TIMEOUT_INVALID: 0x1a,
  NS_WRITE_PROTECTED: 0x20,
  INVALID_IO_CMD_SET: 0x2c,
  LBA_RANGE: 0x80,
  CAP_EXCEEDED: 0x81,
  ASYNC_LIMIT: 0x105,
  INVALID_LOG_PAGE: 0x109,
  CONNECT_FORMAT: 0x180,
  CONNECT_CTRL_BUSY: 0x181,
  CONNECT_INVALID_PARAM: 0x182,
  CONNECT_RESTART_DISC: 0x183,
  CONNECT_INVALID_HOST: 0x184,
  AUTH_REQUIRED: 0x191,
  ACCESS_DENIED: 0x286,
  INTERNAL_PATH_ERROR: 0x300,
  ANA_PERSISTENT_LOSS: 0x301,
  ANA_INACCESSIBLE: 0x302,
  ANA_TRANSITION: 0x303,
} as const;
/** Status flag bits in the kernel's unshifted status value (nvme.h `NVME_STATUS_*`). */
export const NVME_STATUS_MORE = 0x2000;
export const NVME_STATUS_DNR = 0x4000;

/** NVMe Base 2.0 §5 Admin opcodes. */
export const NVME_ADMIN = {
  GET_LOG_PAGE: 0x02,
  IDENTIFY: 0x06,
  ABORT: 0x08,
  SET_FEATURES: 0x09,
  GET_FEATURES: 0x0a,
  ASYNC_EVENT: 0x0c,
  KEEP_ALIVE: 0x18,
} as const;

/** NVM Command Set 1.0 §3 I/O opcodes. */
export const NVME_CMD = {
  FLUSH: 0x00,
  WRITE: 0x01,
  READ: 0x02,
  WRITE_ZEROES: 0x08,
  DSM: 0x09,
} as const;

/** NVMe-oF 1.1 §3.3 the Fabrics opcode and command types. */
export const NVME_FABRICS_COMMAND = 0x7f;
export const NVMF_FCTYPE = { PROPERTY_SET: 0x00, CONNECT: 0x01, PROPERTY_GET: 0x04 } as const;

/** Identify CNS values (NVMe Base 2.0 §5.17.2). */
export const NVME_ID_CNS = { NS: 0x00, CTRL: 0x01, NS_ACTIVE_LIST: 0x02, NS_DESC_LIST: 0x03, CS_NS: 0x05, CS_CTRL: 0x06 } as const;
export const NVME_IDENTIFY_DATA_SIZE = 4096;
export const NVME_CSI_NVM = 0;
export const NVME_CSI_ZNS = 2;
/** Namespace identification descriptor types (NIDT) and lengths. */
export const NVME_NIDT = { EUI64: 1, NGUID: 2, UUID: 3, CSI: 4 } as const;

/** Log page identifiers (NVMe Base 2.0 §5.16.1). */
export const NVME_LOG = { ERROR: 0x01, SMART: 0x02, FW_SLOT: 0x03, CHANGED_NS: 0x04, CMD_EFFECTS: 0x05, ANA: 0x0c, DISC: 0x70 } as const;
export const NVME_MAX_CHANGED_NAMESPACES = 1024;
export const NVME_ERROR_SLOT_SIZE = 64;
export const NVME_SMART_LOG_SIZE = 512;

/** Feature identifiers (NVMe Base 2.0 §5.27.1). */
export const NVME_FEAT = { VOLATILE_WC: 0x06, NUM_QUEUES: 0x07, ASYNC_EVENT: 0x0b, KATO: 0x0f, HOST_ID: 0x81, WRITE_PROTECT: 0x84 } as const;

/** Asynchronous event types, infos and the AEN configuration bits nvmet uses. */
export const NVME_AER_NOTICE = 2;
export const NVME_AER_NOTICE_NS_CHANGED = 0x00;
export const NVME_AER_NOTICE_ANA = 0x03;
export const NVME_AER_NOTICE_DISC_CHANGED = 0xf0;
export const NVME_AEN_BIT_NS_ATTR = 8;
export const NVME_AEN_BIT_ANA_CHANGE = 11;
export const NVME_AEN_BIT_DISC_CHANGE = 31;
export const NVME_AEN_CFG_NS_ATTR = 1 << NVME_AEN_BIT_NS_ATTR;
export const NVME_AEN_CFG_ANA_CHANGE = 1 << NVME_AEN_BIT_ANA_CHANGE;
export const NVME_AEN_CFG_DISC_CHANGE = (1 << NVME_AEN_BIT_DISC_CHANGE) >>> 0;
/** SMART critical warning bits (0x1f) allowed in the AEN configuration. */
export const NVME_SMART_CRIT_ALL = 0x1f;

/** Controller registers reachable by Property Get/Set (NVMe-oF 1.1 §3.4). */
export const NVME_REG = { CAP: 0x00, VS: 0x08, CC: 0x14, CSTS: 0x1c } as const;
export const NVME_CC_ENABLE = 1 << 0;
export const NVME_CC_CSS_SHIFT = 4;
export const NVME_CC_MPS_SHIFT = 7;
export const NVME_CC_AMS_SHIFT = 11;
export const NVME_CC_SHN_SHIFT = 14;
export const NVME_CC_IOSQES_SHIFT = 16;
export const NVME_CC_IOCQES_SHIFT = 20;
export const NVME_CC_CSS_NVM = 0;
export const NVME_CC_CSS_CSI = 6;
export const NVME_NVM_IOSQES = 6;
export const NVME_NVM_IOCQES = 4;
export const NVME_CSTS_RDY = 1 << 0;
export const NVME_CSTS_CFS = 1 << 1;
export const NVME_CSTS_SHST_CMPLT = 2 << 2;

/** Command flags (CDW0 bits 8..15): fused operation and PSDT. */
export const NVME_CMD_FUSE_FIRST = 1 << 0;
export const NVME_CMD_FUSE_SECOND = 1 << 1;
export const NVME_CMD_SGL_METABUF = 1 << 6;
export const NVME_CMD_SGL_ALL = (1 << 6) | (1 << 7);
export const NVME_RW_FUA = 1 << 14;
export const NVME_DSMGMT_AD = 1 << 2;
export const NVME_NSID_ALL = 0xffffffff;

/** SGL descriptor types (NVMe Base 2.0 §4.1.8). */
export const NVME_SGL_FMT_DATA_DESC = 0x0;
export const NVME_KEY_SGL_FMT_DATA_DESC = 0x4;
export const NVME_SGL_FMT_ADDRESS = 0x0;
export const NVME_SGL_FMT_OFFSET = 0x1;
export const NVME_SGL_FMT_INVALIDATE = 0xf;

/** Fabrics constants (include/linux/nvme.h). */
export const NVMF_NQN_FIELD_LEN = 256;
export const NVMF_NQN_SIZE = 223;
export const NVMF_TRSVCID_SIZE = 32;
export const NVMF_TRADDR_SIZE = 256;
export const NVMF_TSAS_SIZE = 256;
export const NVME_DISC_SUBSYS_NAME = "nqn.2014-08.org.nvmexpress.discovery";
export const NVME_NQN_DISC = 1;
export const NVME_NQN_NVME = 2;
export const NVME_NQN_CURR = 3;
export const NVME_CNTLID_MIN = 1;
export const NVME_CNTLID_MAX = 0xffef;
export const NVME_CNTLID_DYNAMIC = 0xffff;
export const NVME_AQ_DEPTH = 32;
export const NVME_CONNECT_DISABLE_SQFLOW = 1 << 2;

export const NVMF_TRTYPE = { RDMA: 1, FC: 2, TCP: 3, LOOP: 254 } as const;
export const NVMF_ADDR_FAMILY = { PCI: 0, IP4: 1, IP6: 2, IB: 3, FC: 4, LOOP: 254, MAX: 255 } as const;
export const NVMF_TREQ = { NOT_SPECIFIED: 0, REQUIRED: 1, NOT_REQUIRED: 2, DISABLE_SQFLOW: 1 << 2 } as const;
export const NVME_TREQ_SECURE_CHANNEL_MASK = 0x3;
export const NVMF_RDMA_QPTYPE = { CONNECTED: 1, DATAGRAM: 2 } as const;
export const NVMF_RDMA_PRTYPE_NOT_SPECIFIED = 1;
export const NVMF_RDMA_CMS_RDMA_CM = 1;
export const NVMF_TCP_SECTYPE = { NONE: 0, TLS12: 1, TLS13: 2 } as const;

/** ANA states (NVMe Base 2.0 §8.1.3). */
export const NVME_ANA = { OPTIMIZED: 0x01, NONOPTIMIZED: 0x02, INACCESSIBLE: 0x03, PERSISTENT_LOSS: 0x04, CHANGE: 0x0f } as const;

/**
 * Byte offsets inside the 64-byte SQE used as "parameter error location" (the kernel's
 * `offsetof(struct nvme_*_command, field)`).
 */
export const SQE = {
  opcode: 0,
  flags: 1,
  commandId: 2,
  nsid: 4,
  cdw2: 8,
  mptr: 16,
  dptr: 24,
  cdw10: 40,
  cdw11: 44,
  cdw12: 48,
  cdw13: 52,
  cdw14: 56,
  cdw15: 60,
  /** fabrics: fctype at byte 4 */
  fctype: 4,
  /** Read/Write: SLBA (cdw10-11), length (cdw12 low 16), control (cdw12 high 16) */
  slba: 40,
  length: 48,
  control: 50,
  /** Identify: CNS (cdw10 byte 0), CSI (cdw11 byte 3) */
  cns: 40,
  csi: 47,
  /** Get Log Page: LID (cdw10 byte 0), LSP (byte 1), NUMDL (cdw10 hi), NUMDU (cdw11 lo), LPO (cdw12-13) */
  lid: 40,
  lsp: 41,
  numdl: 42,
  numdu: 44,
  lpo: 48,
  /** Connect: recfmt, qid, sqsize, cattr, kato */
  recfmt: 40,
  qid: 42,
  sqsize: 44,
  cattr: 46,
  kato: 48,
  /** Property Get/Set: attrib (byte 40), offset (byte 44), value (byte 48) */
  attrib: 40,
  propOffset: 44,
  propValue: 48,
  /** DSM: nr (cdw10), attributes (cdw11) */
  dsmNr: 40,
  dsmAttributes: 44,
} as const;
export const SQE_SIZE = 64;
export const CQE_SIZE = 16;

/** struct nvmf_connect_data layout (NVMe-oF 1.1 §3.3 Figure 20). */
export const CONNECT_DATA = { hostid: 0, cntlid: 16, subsysnqn: 256, hostnqn: 512, size: 1024 } as const;

/** Discovery log page (NVMe-oF 1.1 §5.3): header 1024 bytes, entries 1024 bytes each. */
export const DISC_LOG = {
  headerSize: 1024,
  entrySize: 1024,
  genctr: 0,
  numrec: 8,
  recfmt: 16,
  e: { trtype: 0, adrfam: 1, subtype: 2, treq: 3, portid: 4, cntlid: 6, asqsz: 8, trsvcid: 32, subnqn: 256, traddr: 512, tsas: 768 },
} as const;

/** Identify Controller field offsets (NVMe Base 2.0 §5.17.2.1, NVMe-oF fields at 1792). */
export const ID_CTRL = {
  vid: 0, ssvid: 2, sn: 4, mn: 24, fr: 64, rab: 72, ieee: 73, cmic: 76, mdts: 77, cntlid: 78, ver: 80,
  oaes: 92, ctratt: 96, cntrltype: 111, oacs: 256, acl: 258, aerl: 259, frmw: 260, lpa: 261, elpe: 262,
  npss: 263, kas: 320, anatt: 330, anacap: 331, anagrpmax: 332, nanagrpid: 336, sqes: 512, cqes: 513,
  maxcmd: 514, nn: 516, oncs: 520, vwc: 525, awun: 526, awupf: 528, nwpc: 531, mnan: 540, sgls: 536,
  subnqn: 768, ioccsz: 1792, iorcsz: 1796, icdoff: 1800, fcatt: 1802, msdbd: 1803, psd0: 2048,
} as const;
export const NVME_CTRL_IO = 1;
export const NVME_CTRL_DISC = 2;

/** Identify Namespace field offsets (NVM Command Set 1.0 §4.1.5.1). */
export const ID_NS = {
  nsze: 0, ncap: 8, nuse: 16, nsfeat: 24, nlbaf: 25, flbas: 26, nmic: 30, nsattr: 99,
  nawun: 34, nawupf: 36, nacwu: 38, npwg: 64, npwa: 66, npdg: 68, npda: 70, nows: 72,
  anagrpid: 92, nguid: 104, lbaf0: 128,
} as const;
