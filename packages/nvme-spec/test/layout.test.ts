/**
 * Static-assert style pins of every offset, size and bit value of @p2pdma/nvme-spec against
 * NVMe Base 1.4 and NVMe-oF 1.1 (the figures named in each module).
 */
import { describe, expect, it } from "vitest";
import * as S from "../src";

type Fields = Record<string, { shift: number; width: number }>;
const f = (o: Fields): Record<string, [number, number]> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [v.shift, v.width]]));

describe("NVMe 1.4 §3.1 controller registers", () => {
  it("register offsets (Figure 68)", () => {
    expect(S.NVME_REG).toEqual({
      CAP: 0x00, VS: 0x08, INTMS: 0x0c, INTMC: 0x10, CC: 0x14, CSTS: 0x1c, NSSR: 0x20, AQA: 0x24,
      ASQ: 0x28, ACQ: 0x30, CMBLOC: 0x38, CMBSZ: 0x3c, BPINFO: 0x40, BPRSEL: 0x44, BPMBL: 0x48,
      CMBMSC: 0x50, CMBSTS: 0x58, PMRCAP: 0xe00, PMRCTL: 0xe04, PMRSTS: 0xe08, PMREBS: 0xe0c,
      PMRSWTP: 0xe10, PMRMSC: 0xe14, DBS: 0x1000,
    });
    expect(S.NVME_REG_BLOCK_SIZE).toBe(0x1000);
  });
  it("CAP fields incl. CMBS at bit 57", () => {
    expect(f(S.CAP)).toEqual({
      MQES: [0, 16], CQR: [16, 1], AMS: [17, 2], TO: [24, 8], DSTRD: [32, 4], NSSRS: [36, 1], CSS: [37, 8],
      BPS: [45, 1], MPSMIN: [48, 4], MPSMAX: [52, 4], PMRS: [56, 1], CMBS: [57, 1],
    });
    expect(S.getField64(1n << 57n, S.CAP.CMBS)).toBe(1);
    expect(S.getField64(0x0020_0030_0f00_07ffn, S.CAP.MQES)).toBe(0x7ff);
    expect(S.getField64(0x0020_0030_0f00_07ffn, S.CAP.TO)).toBe(0x0f);
    expect(S.getField64(0x0020_0030_0f00_07ffn, S.CAP.CSS)).toBe(1);
    expect(S.CAP_CSS_NVM).toBe(1);
    expect(S.CAP_AMS).toEqual({ WRR_URGENT: 1, VENDOR: 2 });
  });
  it("VS, CC, CSTS, AQA", () => {
    expect(f(S.VS)).toEqual({ TER: [0, 8], MNR: [8, 8], MJR: [16, 16] });
    expect(S.NVME_VERSION).toEqual({ V1_2: 0x10200, V1_3: 0x10300, V1_4: 0x10400 });
    expect(f(S.CC)).toEqual({ EN: [0, 1], CSS: [4, 3], MPS: [7, 4], AMS: [11, 3], SHN: [14, 2], IOSQES: [16, 4], IOCQES: [20, 4] });
    expect(S.CC_SHN).toEqual({ NONE: 0, NORMAL: 1, ABRUPT: 2 });
    expect(S.CC_AMS).toEqual({ RR: 0, WRR_URGENT: 1, VENDOR: 7 });
    expect(f(S.CSTS)).toEqual({ RDY: [0, 1], CFS: [1, 1], SHST: [2, 2], NSSRO: [4, 1], PP: [5, 1] });
    expect(S.CSTS_SHST).toEqual({ NORMAL: 0, OCCURRING: 1, COMPLETE: 2 });
    expect(S.NSSR_RESET_VALUE).toBe(0x4e564d65);
    expect(f(S.AQA)).toEqual({ ASQS: [0, 12], ACQS: [16, 12] });
    expect(S.ADMIN_QUEUE_BASE_MASK).toBe(0xfffffffffffff000n);
    // Linux's NVME_CC_* shifts match.
    expect(S.setField(0, S.CC.IOSQES, 6) | S.setField(0, S.CC.IOCQES, 4) | 1).toBe(0x00460001);
  });
  it("CMBLOC, CMBSZ, CMBMSC, CMBSTS (Figures 79-80, 84-85)", () => {
    expect(f(S.CMBLOC)).toEqual({ BIR: [0, 3], CQMMS: [3, 1], CQPDS: [4, 1], CDPMLS: [5, 1], CDPCILS: [6, 1], CDMMMS: [7, 1], CQDA: [8, 1], OFST: [12, 20] });
    expect(f(S.CMBSZ)).toEqual({ SQS: [0, 1], CQS: [1, 1], LISTS: [2, 1], RDS: [3, 1], WDS: [4, 1], SZU: [8, 4], SZ: [12, 20] });
    expect(S.CMBSZ_BITS).toEqual({ SQS: 1, CQS: 2, LISTS: 4, RDS: 8, WDS: 16 });
    expect(S.CMBSZ_SZU).toEqual({ K4: 0, K64: 1, M1: 2, M16: 3, M256: 4, G4: 5, G64: 6 });
    expect([0, 1, 2, 3, 4, 5, 6].map(S.cmbSizeUnit)).toEqual([4096n, 65536n, 1n << 20n, 1n << 24n, 1n << 28n, 1n << 32n, 1n << 36n]);
    expect(f(S.CMBMSC)).toEqual({ CRE: [0, 1], CMSE: [1, 1], CBA: [12, 52] });
    expect(S.CMBMSC_BITS).toEqual({ CRE: 1n, CMSE: 2n, CBA_MASK: 0xfffffffffffff000n });
    expect(f(S.CMBSTS)).toEqual({ CBAI: [0, 1] });
  });
  it("boot partition and PMR registers (Figures 81-83, 86-91)", () => {
    expect(f(S.BPINFO)).toEqual({ BPSZ: [0, 15], BRS: [24, 2], ABPID: [31, 1] });
    expect(f(S.BPRSEL)).toEqual({ BPRSZ: [0, 10], BPROF: [10, 20], BPID: [31, 1] });
    expect(f(S.BPMBL)).toEqual({ BMBBA: [12, 52] });
    expect(f(S.PMRCAP)).toEqual({ RDS: [3, 1], WDS: [4, 1], BIR: [5, 3], PMRTU: [8, 2], PMRWBM: [10, 4], PMRTO: [16, 8], CMSS: [24, 1] });
    expect(f(S.PMRCTL)).toEqual({ EN: [0, 1] });
    expect(f(S.PMRSTS)).toEqual({ ERR: [0, 8], NRDY: [8, 1], HSTS: [9, 3], CBAI: [12, 1] });
    expect(f(S.PMREBS)).toEqual({ PMRSZU: [0, 4], RBB: [4, 1], PMRWBZ: [8, 24] });
    expect(f(S.PMRSWTP)).toEqual({ PMRSWTU: [0, 4], PMRSWTV: [8, 24] });
    expect(f(S.PMRMSC)).toEqual({ CMSE: [1, 1], CBA: [12, 52] });
  });
  it("doorbells at 1000h with stride 4 << DSTRD (§3.1.24-25)", () => {
    expect(S.doorbellOffset(0, false, 0)).toBe(0x1000);
    expect(S.doorbellOffset(0, true, 0)).toBe(0x1004);
    expect(S.doorbellOffset(3, false, 0)).toBe(0x1018);
    expect(S.doorbellOffset(3, true, 0)).toBe(0x101c);
    expect(S.doorbellOffset(1, true, 2)).toBe(0x1000 + 3 * 16);
    expect(f(S.DOORBELL)).toEqual({ SQT: [0, 16], CQH: [0, 16] });
  });
});

describe("NVMe 1.4 §4.2 / §4.6 SQE and CQE", () => {
  it("SQE is 64 bytes with the common command format", () => {
    expect(S.SQE_SIZE).toBe(64);
    expect(1 << S.SQE_SIZE_SHIFT).toBe(64);
    expect(S.SQE).toEqual({ CDW0: 0, OPC: 0, FLAGS: 1, CID: 2, NSID: 4, CDW2: 8, CDW3: 12, MPTR: 16, DPTR: 24, PRP1: 24, PRP2: 32, CDW10: 40, CDW11: 44, CDW12: 48, CDW13: 52, CDW14: 56, CDW15: 60 });
    expect(f(S.CDW0)).toEqual({ OPC: [0, 8], FUSE: [8, 2], PSDT: [14, 2], CID: [16, 16] });
    expect(S.FUSE).toEqual({ NORMAL: 0, FIRST: 1, SECOND: 2 });
    expect(S.PSDT).toEqual({ PRP: 0, SGL_MPTR_CONTIG: 1, SGL_MPTR_SGL: 2, RESERVED: 3 });
  });
  it("command dwords", () => {
    expect(S.RW.SLBA).toBe(40);
    expect([S.RW.NLB, S.RW.DEAC, S.RW.PRINFO, S.RW.FUA, S.RW.LR].map((x) => [x.shift, x.width])).toEqual([[0, 16], [25, 1], [26, 4], [30, 1], [31, 1]]);
    expect(S.DSM).toEqual({ NR: { shift: 0, width: 8 }, IDR: 1, IDW: 2, AD: 4, RANGE_SIZE: 16, RANGE_CATTR: 0, RANGE_NLB: 4, RANGE_SLBA: 8, MAX_RANGES: 256 });
    expect(f(S.CREATE_CQ)).toEqual({ QID: [0, 16], QSIZE: [16, 16], PC: [0, 1], IEN: [1, 1], IV: [16, 16] });
    expect(f(S.CREATE_SQ)).toEqual({ QID: [0, 16], QSIZE: [16, 16], PC: [0, 1], QPRIO: [1, 2], CQID: [16, 16], NVMSETID: [0, 16] });
    expect(f(S.DELETE_QUEUE)).toEqual({ QID: [0, 16] });
    expect(f(S.IDENTIFY_CMD)).toEqual({ CNS: [0, 8], CNTID: [16, 16], NVMSETID: [0, 16] });
    expect(S.GET_LOG_PAGE.LPOL).toBe(48);
    expect(S.GET_LOG_PAGE.LPOU).toBe(52);
    expect([S.GET_LOG_PAGE.LID, S.GET_LOG_PAGE.LSP, S.GET_LOG_PAGE.RAE, S.GET_LOG_PAGE.NUMDL, S.GET_LOG_PAGE.NUMDU, S.GET_LOG_PAGE.LSI].map((x) => [x.shift, x.width])).toEqual([[0, 8], [8, 4], [15, 1], [16, 16], [0, 16], [16, 16]]);
    expect(f(S.FEATURES_CMD)).toEqual({ FID: [0, 8], SEL: [8, 3], SV: [31, 1] });
    expect(S.FEATURES_SEL).toEqual({ CURRENT: 0, DEFAULT: 1, SAVED: 2, SUPPORTED: 3 });
    expect(f(S.ABORT_CMD)).toEqual({ SQID: [0, 16], CID: [16, 16] });
  });
  it("CQE is 16 bytes; status word holds P, SC, SCT, CRD, M, DNR", () => {
    expect(S.CQE_SIZE).toBe(16);
    expect(1 << S.CQE_SIZE_SHIFT).toBe(16);
    expect(S.CQE).toEqual({ DW0: 0, DW1: 4, SQHD: 8, SQID: 10, CID: 12, STATUS: 14 });
    expect(f(S.CQE_STATUS)).toEqual({ P: [0, 1], SC: [1, 8], SCT: [9, 3], CRD: [12, 2], M: [14, 1], DNR: [15, 1] });
  });
});

describe("opcodes (NVMe 1.4 Figures 139, 346; NVMe-oF 1.1 Figure 10)", () => {
  it("admin", () => {
    expect(S.ADMIN_OPC).toMatchObject({
      DELETE_IO_SQ: 0x00, CREATE_IO_SQ: 0x01, GET_LOG_PAGE: 0x02, DELETE_IO_CQ: 0x04, CREATE_IO_CQ: 0x05,
      IDENTIFY: 0x06, ABORT: 0x08, SET_FEATURES: 0x09, GET_FEATURES: 0x0a, ASYNC_EVENT_REQUEST: 0x0c,
      NAMESPACE_MANAGEMENT: 0x0d, FIRMWARE_COMMIT: 0x10, FIRMWARE_IMAGE_DOWNLOAD: 0x11, DEVICE_SELF_TEST: 0x14,
      NAMESPACE_ATTACHMENT: 0x15, KEEP_ALIVE: 0x18, DIRECTIVE_SEND: 0x19, DIRECTIVE_RECEIVE: 0x1a,
      VIRTUALIZATION_MANAGEMENT: 0x1c, NVME_MI_SEND: 0x1d, NVME_MI_RECEIVE: 0x1e, DOORBELL_BUFFER_CONFIG: 0x7c,
      FABRICS: 0x7f, FORMAT_NVM: 0x80, SECURITY_SEND: 0x81, SECURITY_RECEIVE: 0x82, SANITIZE: 0x84, GET_LBA_STATUS: 0x86,
    });
  });
  it("NVM I/O and fabrics", () => {
    expect(S.NVM_OPC).toEqual({
      FLUSH: 0x00, WRITE: 0x01, READ: 0x02, WRITE_UNCORRECTABLE: 0x04, COMPARE: 0x05, WRITE_ZEROES: 0x08,
      DATASET_MANAGEMENT: 0x09, VERIFY: 0x0c, RESERVATION_REGISTER: 0x0d, RESERVATION_REPORT: 0x0e,
      RESERVATION_ACQUIRE: 0x11, RESERVATION_RELEASE: 0x15,
    });
    expect(S.FABRICS_OPC).toBe(0x7f);
    expect(S.FABRICS_TYPE).toEqual({ PROPERTY_SET: 0, CONNECT: 1, PROPERTY_GET: 4, AUTHENTICATION_SEND: 5, AUTHENTICATION_RECEIVE: 6, DISCONNECT: 8 });
    expect(S.opcodeDataTransfer(S.NVM_OPC.WRITE)).toBe(S.OPC_DATA_XFER.HOST_TO_CTRL);
    expect(S.opcodeDataTransfer(S.NVM_OPC.READ)).toBe(S.OPC_DATA_XFER.CTRL_TO_HOST);
  });
});

describe("status codes (NVMe 1.4 §4.6.1)", () => {
  it("SCT and bit layout", () => {
    expect(S.SCT).toEqual({ GENERIC: 0, COMMAND_SPECIFIC: 1, MEDIA: 2, PATH: 3, VENDOR: 7 });
    expect(S.STATUS_BITS.DNR).toBe(0x4000);
    expect(S.STATUS_BITS.MORE).toBe(0x2000);
    expect(S.nvmeStatus(S.SCT.COMMAND_SPECIFIC, S.SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER, { dnr: true })).toBe(0x4101);
    expect(S.nvmeStatus(S.SCT.GENERIC, S.SC_GENERIC.LBA_OUT_OF_RANGE, { dnr: true, more: true })).toBe(0x6080);
    expect(S.statusCode(0x6080)).toBe(0x80);
  });
  it("generic values", () => {
    const g = S.SC_GENERIC;
    expect([g.INVALID_OPCODE, g.INVALID_FIELD, g.CID_CONFLICT, g.DATA_TRANSFER_ERROR, g.INTERNAL_ERROR, g.ABORT_REQUESTED, g.ABORTED_SQ_DELETION]).toEqual([1, 2, 3, 4, 6, 7, 8]);
    expect([g.INVALID_NAMESPACE_OR_FORMAT, g.COMMAND_SEQUENCE_ERROR, g.INVALID_SGL_SEGMENT_DESCRIPTOR, g.INVALID_NUMBER_OF_SGL_DESCRIPTORS, g.DATA_SGL_LENGTH_INVALID, g.METADATA_SGL_LENGTH_INVALID, g.SGL_DESCRIPTOR_TYPE_INVALID]).toEqual([0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11]);
    expect([g.INVALID_USE_OF_CMB, g.PRP_OFFSET_INVALID, g.SGL_OFFSET_INVALID, g.SGL_DATA_BLOCK_GRANULARITY_INVALID, g.CMD_NOT_SUPPORTED_FOR_QUEUE_IN_CMB, g.TRANSIENT_TRANSPORT_ERROR]).toEqual([0x12, 0x13, 0x16, 0x1e, 0x1f, 0x22]);
    expect([g.LBA_OUT_OF_RANGE, g.CAPACITY_EXCEEDED, g.NS_NOT_READY, g.RESERVATION_CONFLICT, g.FORMAT_IN_PROGRESS]).toEqual([0x80, 0x81, 0x82, 0x83, 0x84]);
  });
  it("command specific, fabrics, media and path values", () => {
    const c = S.SC_CMD_SPECIFIC;
    expect([c.COMPLETION_QUEUE_INVALID, c.INVALID_QUEUE_IDENTIFIER, c.INVALID_QUEUE_SIZE, c.ABORT_COMMAND_LIMIT_EXCEEDED, c.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED]).toEqual([0, 1, 2, 3, 5]);
    expect([c.INVALID_INTERRUPT_VECTOR, c.INVALID_LOG_PAGE, c.INVALID_FORMAT, c.INVALID_QUEUE_DELETION, c.FEATURE_ID_NOT_SAVEABLE, c.FEATURE_NOT_CHANGEABLE, c.FEATURE_NOT_NS_SPECIFIC]).toEqual([8, 9, 0x0a, 0x0c, 0x0d, 0x0e, 0x0f]);
    expect([c.CONFLICTING_ATTRIBUTES, c.INVALID_PROTECTION_INFORMATION, c.WRITE_TO_READ_ONLY_RANGE]).toEqual([0x80, 0x81, 0x82]);
    expect(S.SC_FABRICS).toEqual({ INCOMPATIBLE_FORMAT: 0x80, CONTROLLER_BUSY: 0x81, CONNECT_INVALID_PARAMETERS: 0x82, CONNECT_RESTART_DISCOVERY: 0x83, CONNECT_INVALID_HOST: 0x84, INVALID_QUEUE_TYPE: 0x90, DISCOVER_RESTART: 0x91, AUTHENTICATION_REQUIRED: 0x92 });
    expect(Object.values(S.SC_MEDIA)).toEqual([0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87]);
    expect(S.SC_PATH).toEqual({ INTERNAL_PATH_ERROR: 0, ASYMMETRIC_ACCESS_PERSISTENT_LOSS: 1, ASYMMETRIC_ACCESS_INACCESSIBLE: 2, ASYMMETRIC_ACCESS_TRANSITION: 3, CONTROLLER_PATHING_ERROR: 0x60, HOST_PATHING_ERROR: 0x70, COMMAND_ABORTED_BY_HOST: 0x71 });
  });
  it("formatStatus names the code", () => {
    expect(S.formatStatus(S.nvmeStatus(0, 0x02, { dnr: true }))).toBe("GENERIC/INVALID_FIELD (sct 0 sc 0x02) DNR");
    expect(S.formatStatus(S.nvmeStatus(1, 0x80))).toBe("COMMAND_SPECIFIC/CONFLICTING_ATTRIBUTES (sct 1 sc 0x80)");
    expect(S.formatStatus(S.nvmeStatus(2, 0x81))).toBe("MEDIA/UNRECOVERED_READ_ERROR (sct 2 sc 0x81)");
    expect(S.formatStatus(S.nvmeStatus(0, 0x7e))).toBe("GENERIC/SC_7e (sct 0 sc 0x7e)");
  });
});

describe("Identify (NVMe 1.4 §5.15.2)", () => {
  it("CNS values and structure size", () => {
    expect(S.IDENTIFY_DATA_SIZE).toBe(4096);
    expect(S.CNS).toMatchObject({ NAMESPACE: 0, CONTROLLER: 1, ACTIVE_NS_LIST: 2, NS_ID_DESCRIPTORS: 3, NVM_SET_LIST: 4, ALLOCATED_NS_LIST: 0x10 });
  });
  it("Identify Controller offsets incl. NVMe-oF fields", () => {
    const c = S.ID_CTRL;
    expect([c.VID, c.SSVID, c.SN, c.MN, c.FR, c.RAB, c.IEEE, c.CMIC, c.MDTS, c.CNTLID, c.VER, c.RTD3R, c.RTD3E, c.OAES, c.CTRATT, c.RRLS, c.CNTRLTYPE, c.FGUID, c.CRDT1, c.CRDT2, c.CRDT3]).toEqual([0, 2, 4, 24, 64, 72, 73, 76, 77, 78, 80, 84, 88, 92, 96, 100, 111, 112, 128, 130, 132]);
    expect([c.OACS, c.ACL, c.AERL, c.FRMW, c.LPA, c.ELPE, c.NPSS, c.AVSCC, c.APSTA, c.WCTEMP, c.CCTEMP, c.MTFA, c.HMPRE, c.HMMIN, c.TNVMCAP, c.UNVMCAP, c.RPMBS, c.EDSTT, c.DSTO, c.FWUG, c.KAS]).toEqual([256, 258, 259, 260, 261, 262, 263, 264, 265, 266, 268, 270, 272, 276, 280, 296, 312, 316, 318, 319, 320]);
    expect([c.HCTMA, c.MNTMT, c.MXTMT, c.SANICAP, c.HMMINDS, c.HMMAXD, c.NSETIDMAX, c.ENDGIDMAX, c.ANATT, c.ANACAP, c.ANAGRPMAX, c.NANAGRPID, c.PELS]).toEqual([322, 324, 326, 328, 332, 336, 338, 340, 342, 343, 344, 348, 352]);
    expect([c.SQES, c.CQES, c.MAXCMD, c.NN, c.ONCS, c.FUSES, c.FNA, c.VWC, c.AWUN, c.AWUPF, c.NVSCC, c.NWPC, c.ACWU, c.SGLS, c.MNAN, c.SUBNQN]).toEqual([512, 513, 514, 516, 520, 522, 524, 525, 526, 528, 530, 531, 532, 536, 540, 768]);
    expect([c.IOCCSZ, c.IORCSZ, c.ICDOFF, c.FCATT, c.MSDBD, c.PSD0, c.VS]).toEqual([1792, 1796, 1800, 1802, 1803, 2048, 3072]);
    expect(S.ID_CTRL_SIZE).toEqual({ SN: 20, MN: 40, FR: 8, IEEE: 3, FGUID: 16, TNVMCAP: 16, UNVMCAP: 16, SUBNQN: 256, PSD: 32, VS: 1024 });
    expect(c.PSD0 + 32 * S.ID_CTRL_SIZE.PSD).toBe(c.VS);
  });
  it("Identify Controller bit values", () => {
    expect(S.ONCS).toEqual({ COMPARE: 1, WRITE_UNCORRECTABLE: 2, DSM: 4, WRITE_ZEROES: 8, SAVE_SELECT: 16, RESERVATIONS: 32, TIMESTAMP: 64, VERIFY: 128 });
    expect(S.OACS.DOORBELL_BUFFER_CONFIG).toBe(0x100);
    expect(S.ID_VWC).toEqual({ PRESENT: 1, FLUSH_BROADCAST_SUPPORTED: 6, FLUSH_BROADCAST_NOT_SUPPORTED: 4 });
    expect(S.SGLS).toMatchObject({ KEYED: 4, BIT_BUCKET: 1 << 16, BYTE_ALIGNED_METADATA: 1 << 17, EXCESS_LENGTH: 1 << 18, MPTR_SGL: 1 << 19, ADDRESS_AS_OFFSET: 1 << 20, TRANSPORT_DATA_BLOCK: 1 << 21 });
    expect(S.SGLS_SUPPORT).toEqual({ NONE: 0, SUPPORTED: 1, DWORD_ALIGNED: 2 });
    expect(f(S.QES)).toEqual({ REQUIRED: [0, 4], MAXIMUM: [4, 4] });
  });
  it("Identify Namespace offsets", () => {
    const n = S.ID_NS;
    expect([n.NSZE, n.NCAP, n.NUSE, n.NSFEAT, n.NLBAF, n.FLBAS, n.MC, n.DPC, n.DPS, n.NMIC, n.RESCAP, n.FPI, n.DLFEAT]).toEqual([0, 8, 16, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33]);
    expect([n.NAWUN, n.NAWUPF, n.NACWU, n.NABSN, n.NABO, n.NABSPF, n.NOIOB, n.NVMCAP, n.NPWG, n.NPWA, n.NPDG, n.NPDA, n.NOWS]).toEqual([34, 36, 38, 40, 42, 44, 46, 48, 64, 66, 68, 70, 72]);
    expect([n.ANAGRPID, n.NSATTR, n.NVMSETID, n.ENDGID, n.NGUID, n.EUI64, n.LBAF0, n.VS]).toEqual([92, 99, 100, 102, 104, 120, 128, 384]);
    expect(n.LBAF0 + S.LBAF_COUNT * S.LBAF_SIZE).toBe(192);
    expect(f(S.LBAF)).toEqual({ MS: [0, 16], LBADS: [16, 8], RP: [24, 2] });
    expect(f(S.FLBAS)).toEqual({ FORMAT: [0, 4], EXTENDED: [4, 1] });
    expect(S.NSFEAT).toEqual({ THIN_PROVISIONING: 1, NS_ATOMICS: 2, DEALLOCATED_ERROR: 4, UID_REUSE: 8, OPTPERF: 16 });
    expect(S.DLFEAT_READ).toEqual({ NOT_REPORTED: 0, ZEROES: 1, ONES: 2 });
    expect(S.DLFEAT.WRITE_ZEROES_DEAC).toBe(8);
  });
  it("namespace lists and descriptors", () => {
    expect(S.ACTIVE_NS_LIST.ENTRIES * S.ACTIVE_NS_LIST.ENTRY_SIZE).toBe(4096);
    expect(S.NS_ID_DESC).toEqual({ NIDT: 0, NIDL: 1, NID: 4, HEADER_SIZE: 4 });
    expect(S.NIDT).toEqual({ EUI64: 1, NGUID: 2, UUID: 3 });
    expect(S.NIDT_LENGTH).toEqual({ 1: 8, 2: 16, 3: 16 });
  });
});

describe("log pages (NVMe 1.4 §5.14.1; NVMe-oF 1.1 §5.3)", () => {
  it("identifiers", () => {
    expect(S.LID).toMatchObject({ ERROR_INFORMATION: 1, SMART_HEALTH: 2, FIRMWARE_SLOT: 3, CHANGED_NS_LIST: 4, COMMANDS_SUPPORTED_AND_EFFECTS: 5, ANA: 0x0c, DISCOVERY: 0x70, RESERVATION_NOTIFICATION: 0x80, SANITIZE_STATUS: 0x81 });
  });
  it("error information entry is 64 bytes", () => {
    expect(S.ERROR_LOG).toEqual({ SIZE: 64, ERROR_COUNT: 0, SQID: 8, CMDID: 10, STATUS: 12, PARAM_ERROR_LOCATION: 14, LBA: 16, NSID: 24, VS_INFO_AVAILABLE: 28, TRTYPE: 29, COMMAND_SPECIFIC: 32, TRTYPE_SPECIFIC: 40 });
  });
  it("SMART / health is 512 bytes", () => {
    const s = S.SMART_LOG;
    expect(s.SIZE).toBe(512);
    expect([s.CRITICAL_WARNING, s.COMPOSITE_TEMPERATURE, s.AVAILABLE_SPARE, s.AVAILABLE_SPARE_THRESHOLD, s.PERCENTAGE_USED, s.ENDURANCE_GROUP_CRITICAL_WARNING]).toEqual([0, 1, 3, 4, 5, 6]);
    expect([s.DATA_UNITS_READ, s.DATA_UNITS_WRITTEN, s.HOST_READ_COMMANDS, s.HOST_WRITE_COMMANDS, s.CONTROLLER_BUSY_TIME, s.POWER_CYCLES, s.POWER_ON_HOURS, s.UNSAFE_SHUTDOWNS, s.MEDIA_ERRORS, s.NUM_ERROR_LOG_ENTRIES]).toEqual([32, 48, 64, 80, 96, 112, 128, 144, 160, 176]);
    expect([s.WARNING_TEMP_TIME, s.CRITICAL_TEMP_TIME, s.TEMP_SENSOR1, s.THERMAL_MGMT_T1_COUNT, s.THERMAL_MGMT_T2_COUNT, s.THERMAL_MGMT_T1_TIME, s.THERMAL_MGMT_T2_TIME]).toEqual([192, 196, 200, 216, 220, 224, 228]);
    expect(S.SMART_CRITICAL_WARNING).toEqual({ SPARE: 1, TEMPERATURE: 2, RELIABILITY: 4, READ_ONLY: 8, VOLATILE_BACKUP: 16, PMR_READ_ONLY: 32 });
  });
  it("changed namespace list and discovery", () => {
    expect(S.CHANGED_NS_LIST).toEqual({ SIZE: 4096, ENTRIES: 1024, ENTRY_SIZE: 4, OVERFLOW: 0xffffffff });
    expect(S.DISCOVERY_LOG).toEqual({ HEADER_SIZE: 1024, GENCTR: 0, NUMREC: 8, RECFMT: 16, ENTRIES: 1024 });
    expect(S.DISCOVERY_ENTRY).toEqual({ SIZE: 1024, TRTYPE: 0, ADRFAM: 1, SUBTYPE: 2, TREQ: 3, PORTID: 4, CNTLID: 6, ASQSZ: 8, TRSVCID: 32, SUBNQN: 256, TRADDR: 512, TSAS: 768, TRSVCID_SIZE: 32, SUBNQN_SIZE: 256, TRADDR_SIZE: 256, TSAS_SIZE: 256 });
    expect(S.TRTYPE).toEqual({ RDMA: 1, FC: 2, TCP: 3, LOOP: 254 });
    expect(S.ADRFAM).toEqual({ IPV4: 1, IPV6: 2, IB: 3, FC: 4, LOOP: 254 });
    expect(S.SUBTYPE).toEqual({ DISCOVERY: 1, NVME: 2 });
  });
});

describe("features (NVMe 1.4 §5.21.1) and AER (§5.2)", () => {
  it("feature identifiers", () => {
    expect(S.FID).toMatchObject({ ARBITRATION: 1, POWER_MANAGEMENT: 2, LBA_RANGE_TYPE: 3, TEMPERATURE_THRESHOLD: 4, ERROR_RECOVERY: 5, VOLATILE_WRITE_CACHE: 6, NUMBER_OF_QUEUES: 7, INTERRUPT_COALESCING: 8, INTERRUPT_VECTOR_CONFIG: 9, WRITE_ATOMICITY_NORMAL: 0x0a, ASYNC_EVENT_CONFIG: 0x0b, AUTONOMOUS_POWER_STATE_TRANSITION: 0x0c, HOST_MEMORY_BUFFER: 0x0d, TIMESTAMP: 0x0e, KEEP_ALIVE_TIMER: 0x0f, HOST_BEHAVIOR_SUPPORT: 0x16, SOFTWARE_PROGRESS_MARKER: 0x80, HOST_IDENTIFIER: 0x81 });
    expect(f(S.FEAT_ARBITRATION)).toEqual({ AB: [0, 3], LPW: [8, 8], MPW: [16, 8], HPW: [24, 8] });
    expect(f(S.FEAT_VWC)).toEqual({ WCE: [0, 1] });
    expect(S.FEAT_NUM_QUEUES.INVALID).toBe(0xffff);
    expect(f(S.AER_RESULT)).toEqual({ TYPE: [0, 3], INFO: [8, 8], LOG_PAGE: [16, 8] });
    expect(S.AER_TYPE).toEqual({ ERROR: 0, SMART: 1, NOTICE: 2, IO_COMMAND_SPECIFIC: 6, VENDOR: 7 });
    expect(S.AER_ERROR_INFO.INVALID_DOORBELL_REGISTER).toBe(0);
    expect(S.AER_ERROR_INFO.INVALID_DOORBELL_WRITE_VALUE).toBe(1);
    expect(S.AER_NOTICE_INFO.DISCOVERY_LOG_CHANGED).toBe(0xf0);
    expect(S.ABORT_RESULT_NOT_ABORTED).toBe(1);
  });
});

describe("SGL (NVMe 1.4 §4.4) and PRP (§4.3)", () => {
  it("descriptor layout and types", () => {
    expect(S.SGL_DESC_SIZE).toBe(16);
    expect(S.SGL_DESC).toEqual({ ADDRESS: 0, LENGTH: 8, KEYED_LENGTH: 8, KEYED_LENGTH_SIZE: 3, KEY: 11, IDENTIFIER: 15 });
    expect(f(S.SGL_ID)).toEqual({ SUBTYPE: [0, 4], TYPE: [4, 4] });
    expect(S.SGL_TYPE).toEqual({ DATA_BLOCK: 0, BIT_BUCKET: 1, SEGMENT: 2, LAST_SEGMENT: 3, KEYED_DATA_BLOCK: 4, TRANSPORT_DATA_BLOCK: 5, VENDOR_SPECIFIC: 0xf });
    expect(S.SGL_SUBTYPE).toEqual({ ADDRESS: 0, OFFSET: 1, TRANSPORT_SPECIFIC: 0xa, INVALIDATE_KEY: 0xf });
    expect(S.sglIdentifier(S.SGL_TYPE.LAST_SEGMENT)).toBe(0x30);
    expect(S.sglIdentifier(S.SGL_TYPE.KEYED_DATA_BLOCK, S.SGL_SUBTYPE.INVALIDATE_KEY)).toBe(0x4f);
  });
  it("PRP entries", () => {
    expect(S.PRP_ENTRY_SIZE).toBe(8);
    expect(S.PRP_OFFSET_RESERVED_MASK).toBe(3n);
    expect(S.memoryPageSize(0)).toBe(4096);
    expect(S.memoryPageSize(4)).toBe(65536);
    expect(S.prpEntriesPerPage(4096)).toBe(512);
  });
});

describe("fabrics (NVMe-oF 1.1 §3)", () => {
  it("Connect command and data", () => {
    expect(S.FABRICS_CMD).toEqual({ OPC: 0, CID: 2, FCTYPE: 4, SGL1: 24 });
    expect(S.CONNECT_CMD).toEqual({ RECFMT: 40, QID: 42, SQSIZE: 44, CATTR: 46, KATO: 48 });
    expect(S.CONNECT_DATA).toEqual({ SIZE: 1024, HOSTID: 0, HOSTID_SIZE: 16, CNTLID: 16, SUBNQN: 256, HOSTNQN: 512, NQN_SIZE: 256 });
    expect(S.CNTLID).toEqual({ DYNAMIC: 0xffff, ANY_STATIC: 0xfffe });
    expect(S.DISCOVERY_NQN).toBe("nqn.2014-08.org.nvmexpress.discovery");
  });
  it("Property Get/Set", () => {
    expect(S.PROPERTY_CMD).toEqual({ ATTRIB: 40, OFST: 44, VALUE: 48 });
    expect(S.PROPERTY_SIZE).toEqual({ BYTES4: 0, BYTES8: 1 });
    expect(S.PROPERTY).toEqual({ CAP: 0, VS: 8, CC: 0x14, CSTS: 0x1c, NSSR: 0x20 });
  });
});

describe("field helpers", () => {
  it("get/set round trip", () => {
    expect(S.getField(0xfffff000, S.CMBSZ.SZ)).toBe(0xfffff);
    expect(S.setField(0, S.CMBSZ.SZU, 2)).toBe(0x200);
    expect(S.fieldMask(S.CMBLOC.OFST)).toBe(0xfffff000);
    expect(S.setField64(0n, S.CAP.CMBS, 1)).toBe(1n << 57n);
  });
});
