/** Admin command set (NVMe 1.4 §5): exact statuses for valid and invalid commands. */
import { describe, expect, it } from "vitest";
import { readLE, readLE64 } from "@p2pdma/pci-core";
import { ADMIN_OPC, CNS, FID, ID_CTRL, ID_NS, LID, SCT, SC_CMD_SPECIFIC, SC_GENERIC, SMART_LOG, nvmeStatus } from "@p2pdma/nvme-spec";
import { Host, M, makeEnv } from "./harness";

const G = (sc: number) => nvmeStatus(SCT.GENERIC, sc, { dnr: true });
const S = (sc: number) => nvmeStatus(SCT.COMMAND_SPECIFIC, sc, { dnr: true });

function setup() {
  const env = makeEnv();
  const h = new Host(env, env.devs.nvme1, {
    namespaces: [
      { nsid: 1, sizeBytes: 64n * M },
      { nsid: 3, sizeBytes: 32n * M, lbaSize: 4096 },
    ],
    maxNamespaces: 4,
    maxIoQueues: 4,
    maxQueueEntries: 256,
    serial: "SN123",
  });
  h.enable();
  return h;
}

describe("Identify (§5.15)", () => {
  it("controller", () => {
    const h = setup();
    const buf = h.alloc(4096);
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, prp1: buf, cdw10: CNS.CONTROLLER }).status).toBe(0);
    const d = h.readMem(buf, 4096);
    expect(readLE(d, ID_CTRL.VID, 2)).toBe(0x1b36);
    expect(new TextDecoder().decode(d.subarray(ID_CTRL.SN, ID_CTRL.SN + 20))).toBe("SN123".padEnd(20, " "));
    expect(d[ID_CTRL.MDTS]).toBe(5);
    expect(readLE(d, ID_CTRL.VER, 4)).toBe(0x10400);
    expect(d[ID_CTRL.SQES]).toBe(0x66);
    expect(d[ID_CTRL.CQES]).toBe(0x44);
    expect(readLE(d, ID_CTRL.NN, 4)).toBe(4);
    expect(readLE(d, ID_CTRL.ONCS, 2)).toBe(0x0c);
    expect(d[ID_CTRL.VWC]).toBe(0x07);
    expect(readLE(d, ID_CTRL.SGLS, 4)).toBe(0x10001);
    expect(d[ID_CTRL.AERL]).toBe(3);
    expect(readLE(d, ID_CTRL.IOCCSZ, 4)).toBe(0);
  });
  it("namespace, inactive namespace, invalid NSID", () => {
    const h = setup();
    const buf = h.alloc(4096);
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, nsid: 3, prp1: buf, cdw10: CNS.NAMESPACE }).status).toBe(0);
    const d = h.readMem(buf, 4096);
    expect(readLE64(d, ID_NS.NSZE)).toBe(8192n);
    expect(readLE(d, ID_NS.LBAF0, 4)).toBe(12 << 16);
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, nsid: 2, prp1: buf, cdw10: CNS.NAMESPACE }).status).toBe(0);
    expect(h.readMem(buf, 4096).every((b) => b === 0)).toBe(true);
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, nsid: 9, prp1: buf, cdw10: CNS.NAMESPACE }).status).toBe(G(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT));
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, nsid: 0, prp1: buf, cdw10: CNS.NAMESPACE }).status).toBe(G(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT));
  });
  it("active namespace list, descriptors, unsupported CNS", () => {
    const h = setup();
    const buf = h.alloc(4096);
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, nsid: 0, prp1: buf, cdw10: CNS.ACTIVE_NS_LIST }).status).toBe(0);
    const d = h.readMem(buf, 16);
    expect([readLE(d, 0, 4), readLE(d, 4, 4), readLE(d, 8, 4)]).toEqual([1, 3, 0]);
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, nsid: 1, prp1: buf, cdw10: CNS.ACTIVE_NS_LIST }).status).toBe(0);
    expect(readLE(h.readMem(buf, 4), 0, 4)).toBe(3);
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, nsid: 1, prp1: buf, cdw10: CNS.NS_ID_DESCRIPTORS }).status).toBe(0);
    expect([...h.readMem(buf, 2)]).toEqual([1, 8]);
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, nsid: 2, prp1: buf, cdw10: CNS.NS_ID_DESCRIPTORS }).status).toBe(G(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT));
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, prp1: buf, cdw10: 0x15 }).status).toBe(G(SC_GENERIC.INVALID_FIELD));
  });
  it("admin data pointer: PRP offset and SGL (PSDT != 0) errors", () => {
    const h = setup();
    const buf = h.alloc(8192);
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, prp1: buf + 2n, cdw10: 1 }).status).toBe(G(SC_GENERIC.PRP_OFFSET_INVALID));
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, prp1: buf + 0x100n, prp2: buf + 0x1010n, cdw10: 1 }).status).toBe(G(SC_GENERIC.PRP_OFFSET_INVALID));
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, prp1: buf + 0x100n, prp2: buf + 0x1000n, cdw10: 1 }).status).toBe(0);
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, psdt: 1, prp1: buf, cdw10: 1 }).status).toBe(G(SC_GENERIC.INVALID_FIELD));
    expect(h.admin({ opc: ADMIN_OPC.IDENTIFY, prp1: 0xdead_0000_0000n, cdw10: 1 }).status).toBe(nvmeStatus(SCT.GENERIC, SC_GENERIC.DATA_TRANSFER_ERROR));
  });
});

describe("queue management (§5.3-5.6)", () => {
  it("create and delete with every error status", () => {
    const h = setup();
    const m = h.alloc(64 * 4096);
    const cq = (qid: number, qsize: number, cdw11 = 0x1, prp1 = m) => h.admin({ opc: ADMIN_OPC.CREATE_IO_CQ, prp1, cdw10: (qsize << 16) | qid, cdw11 }).status;
    const sq = (qid: number, qsize: number, cqid: number, cdw11 = 0x1, prp1 = m + 0x10000n) => h.admin({ opc: ADMIN_OPC.CREATE_IO_SQ, prp1, cdw10: (qsize << 16) | qid, cdw11: (cqid << 16) | cdw11 }).status;
    expect(cq(0, 15)).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER));
    expect(cq(5, 15)).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER));
    expect(cq(1, 0)).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_SIZE));
    expect(cq(1, 256)).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_SIZE));
    expect(cq(1, 15, 0x0)).toBe(G(SC_GENERIC.INVALID_FIELD));
    expect(cq(1, 15, 0x1, m + 0x800n)).toBe(G(SC_GENERIC.PRP_OFFSET_INVALID));
    expect(cq(1, 15, 0x3 | (1 << 16))).toBe(S(SC_CMD_SPECIFIC.INVALID_INTERRUPT_VECTOR));
    expect(cq(1, 15, 0x3)).toBe(0);
    expect(cq(1, 15)).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER));
    expect(sq(1, 15, 0)).toBe(S(SC_CMD_SPECIFIC.COMPLETION_QUEUE_INVALID));
    expect(sq(1, 15, 2)).toBe(S(SC_CMD_SPECIFIC.COMPLETION_QUEUE_INVALID));
    expect(sq(0, 15, 1)).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER));
    expect(sq(1, 0, 1)).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_SIZE));
    expect(sq(1, 15, 1, 0)).toBe(G(SC_GENERIC.INVALID_FIELD));
    expect(sq(1, 15, 1)).toBe(0);
    expect(sq(1, 15, 1)).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER));
    // Number of Queues after queues exist: Command Sequence Error.
    expect(h.admin({ opc: ADMIN_OPC.SET_FEATURES, cdw10: FID.NUMBER_OF_QUEUES, cdw11: 0x00010001 }).status).toBe(G(SC_GENERIC.COMMAND_SEQUENCE_ERROR));
    expect(h.admin({ opc: ADMIN_OPC.DELETE_IO_CQ, cdw10: 1 }).status).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_DELETION));
    expect(h.admin({ opc: ADMIN_OPC.DELETE_IO_SQ, cdw10: 0 }).status).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER));
    expect(h.admin({ opc: ADMIN_OPC.DELETE_IO_SQ, cdw10: 2 }).status).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER));
    expect(h.admin({ opc: ADMIN_OPC.DELETE_IO_SQ, cdw10: 1 }).status).toBe(0);
    expect(h.admin({ opc: ADMIN_OPC.DELETE_IO_CQ, cdw10: 0 }).status).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER));
    expect(h.admin({ opc: ADMIN_OPC.DELETE_IO_CQ, cdw10: 1 }).status).toBe(0);
    expect(h.admin({ opc: ADMIN_OPC.DELETE_IO_CQ, cdw10: 1 }).status).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER));
  });
  it("Number of Queues: FFFFh invalid, allocation clamps and limits queue ids", () => {
    const h = setup();
    expect(h.admin({ opc: ADMIN_OPC.SET_FEATURES, cdw10: FID.NUMBER_OF_QUEUES, cdw11: 0xffff }).status).toBe(G(SC_GENERIC.INVALID_FIELD));
    const r = h.admin({ opc: ADMIN_OPC.SET_FEATURES, cdw10: FID.NUMBER_OF_QUEUES, cdw11: 0x00630063 });
    expect([r.status, r.dw0]).toEqual([0, 0x00030003]);
    const r2 = h.admin({ opc: ADMIN_OPC.SET_FEATURES, cdw10: FID.NUMBER_OF_QUEUES, cdw11: 0x00000000 });
    expect(r2.dw0).toBe(0x00030003);
    expect(h.createIoQueue(4).cq.status).toBe(0);
    expect(h.createIoQueue(5).cq.status).toBe(S(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER));
  });
});

describe("features, log pages, AER, abort, opcodes", () => {
  it("Get/Set Features", () => {
    const h = setup();
    expect(h.admin({ opc: ADMIN_OPC.GET_FEATURES, cdw10: FID.VOLATILE_WRITE_CACHE }).dw0).toBe(1);
    expect(h.admin({ opc: ADMIN_OPC.SET_FEATURES, cdw10: FID.VOLATILE_WRITE_CACHE, cdw11: 0 }).status).toBe(0);
    expect(h.admin({ opc: ADMIN_OPC.GET_FEATURES, cdw10: FID.VOLATILE_WRITE_CACHE }).dw0).toBe(0);
    expect(h.admin({ opc: ADMIN_OPC.GET_FEATURES, cdw10: FID.VOLATILE_WRITE_CACHE | (1 << 8) }).dw0).toBe(1);
    expect(h.admin({ opc: ADMIN_OPC.SET_FEATURES, cdw10: FID.ARBITRATION, cdw11: 0x03020107 }).status).toBe(0);
    expect(h.admin({ opc: ADMIN_OPC.GET_FEATURES, cdw10: FID.ARBITRATION }).dw0).toBe(0x03020107);
    expect(h.admin({ opc: ADMIN_OPC.SET_FEATURES, cdw10: FID.HOST_MEMORY_BUFFER }).status).toBe(G(SC_GENERIC.INVALID_FIELD));
    expect(h.admin({ opc: ADMIN_OPC.GET_FEATURES, cdw10: 0x7e }).status).toBe(G(SC_GENERIC.INVALID_FIELD));
    expect(h.admin({ opc: ADMIN_OPC.SET_FEATURES, cdw10: FID.ARBITRATION | (1 << 31) }).status).toBe(S(SC_CMD_SPECIFIC.FEATURE_ID_NOT_SAVEABLE));
    expect(h.admin({ opc: ADMIN_OPC.GET_FEATURES, cdw10: FID.ARBITRATION | (2 << 8) }).status).toBe(G(SC_GENERIC.INVALID_FIELD));
    const env = makeEnv();
    const h2 = new Host(env, env.devs.nvme1, { volatileWriteCache: false });
    h2.enable();
    expect(h2.admin({ opc: ADMIN_OPC.SET_FEATURES, cdw10: FID.VOLATILE_WRITE_CACHE, cdw11: 1 }).status).toBe(G(SC_GENERIC.INVALID_FIELD));
  });
  it("Get Log Page: error log records failures, SMART counts commands, bad LID", () => {
    const h = setup();
    h.admin({ opc: 0x77, cid: 0x42 });
    const buf = h.alloc(4096);
    expect(h.admin({ opc: ADMIN_OPC.GET_LOG_PAGE, prp1: buf, cdw10: LID.ERROR_INFORMATION | (15 << 16) }).status).toBe(0);
    const e = h.readMem(buf, 64);
    expect(readLE64(e, 0)).toBe(1n);
    expect(readLE(e, 10, 2)).toBe(0x42);
    expect(readLE(e, 12, 2) >> 1).toBe(G(SC_GENERIC.INVALID_OPCODE));
    expect(h.admin({ opc: ADMIN_OPC.GET_LOG_PAGE, prp1: buf, nsid: 0xffffffff, cdw10: LID.SMART_HEALTH | (127 << 16) }).status).toBe(0);
    expect(readLE64(h.readMem(buf, 512), SMART_LOG.NUM_ERROR_LOG_ENTRIES)).toBe(1n);
    expect(h.admin({ opc: ADMIN_OPC.GET_LOG_PAGE, prp1: buf, nsid: 1, cdw10: LID.SMART_HEALTH | (127 << 16) }).status).toBe(G(SC_GENERIC.INVALID_FIELD));
    expect(h.admin({ opc: ADMIN_OPC.GET_LOG_PAGE, prp1: buf, cdw10: 0x33 | (15 << 16) }).status).toBe(S(SC_CMD_SPECIFIC.INVALID_LOG_PAGE));
    expect(h.admin({ opc: ADMIN_OPC.GET_LOG_PAGE, prp1: buf, cdw10: LID.CHANGED_NS_LIST | (1023 << 16) }).status).toBe(0);
  });
  it("AER limit, Abort result, invalid opcodes, fused commands", () => {
    const h = setup();
    for (let i = 0; i < 4; i++) h.submit(0, { opc: ADMIN_OPC.ASYNC_EVENT_REQUEST });
    h.run();
    expect(h.reap(0)).toEqual([]);
    expect(h.admin({ opc: ADMIN_OPC.ASYNC_EVENT_REQUEST }).status).toBe(S(SC_CMD_SPECIFIC.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED));
    const a = h.admin({ opc: ADMIN_OPC.ABORT, cdw10: 1 | (5 << 16) });
    expect([a.status, a.dw0]).toEqual([0, 1]);
    expect(h.admin({ opc: ADMIN_OPC.FABRICS }).status).toBe(G(SC_GENERIC.INVALID_OPCODE));
    expect(h.admin({ opc: ADMIN_OPC.FORMAT_NVM }).status).toBe(G(SC_GENERIC.INVALID_OPCODE));
    expect(h.admin({ opc: 0x02 | 0x80 }).status).toBe(G(SC_GENERIC.INVALID_OPCODE));
    expect(h.admin({ opc: ADMIN_OPC.GET_FEATURES, fuse: 1, cdw10: 7 }).status).toBe(G(SC_GENERIC.INVALID_FIELD));
  });
});
