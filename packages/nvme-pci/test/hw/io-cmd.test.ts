/** NVM I/O commands (NVMe 1.4 §6) with PRP (§4.3) and SGL (§4.4) data pointers. */
import { describe, expect, it } from "vitest";
import { writeLE, writeLE64 } from "@p2pdma/pci-core";
import { NVM_OPC, SCT, SC_GENERIC, SGL_TYPE, nvmeStatus } from "@p2pdma/nvme-spec";
import { Host, M, makeEnv, pattern, prpList, sglDesc } from "./harness";

const G = (sc: number) => nvmeStatus(SCT.GENERIC, sc, { dnr: true });

function setup(opts = {}) {
  const env = makeEnv();
  const h = new Host(env, env.devs.nvme1, { namespaces: [{ nsid: 1, sizeBytes: 16n * M }, { nsid: 2, sizeBytes: 16n * M }], ...opts });
  h.enable();
  h.createIoQueue(1);
  return h;
}

const rw = (opc: number, slba: number, nlb: number, extra: object) => ({ opc, nsid: 1, cdw10: slba, cdw12: nlb - 1, ...extra });

describe("PRP data pointers", () => {
  it("one page with offset, two pages, a PRP list and a chained PRP list", () => {
    const h = setup();
    const data = pattern(64 * 1024, 7);
    // 4 KiB at an offset spanning two pages: PRP2 is the second page.
    const a = h.alloc(8192);
    h.writeMem(a + 0x200n, data.subarray(0, 4096));
    expect(h.cmd(1, rw(NVM_OPC.WRITE, 0, 8, { prp1: a + 0x200n, prp2: a + 0x1000n })).status).toBe(0);
    const r = h.alloc(4096);
    expect(h.cmd(1, rw(NVM_OPC.READ, 0, 8, { prp1: r })).status).toBe(0);
    expect(h.readMem(r, 4096)).toEqual(data.subarray(0, 4096));
    // 64 KiB through a PRP list of scattered pages.
    const pages = Array.from({ length: 16 }, () => h.alloc(4096 * 2)).map((p, i) => (i % 2 ? p + 4096n : p));
    pages.forEach((p, i) => h.writeMem(p, data.subarray(i * 4096, (i + 1) * 4096)));
    const list = h.alloc(4096);
    prpList(h, list, pages.slice(1));
    expect(h.cmd(1, rw(NVM_OPC.WRITE, 100, 128, { prp1: pages[0], prp2: list })).status).toBe(0);
    const out = h.alloc(64 * 1024);
    const outPages = Array.from({ length: 16 }, (_, i) => out + BigInt(i * 4096));
    // Read back through a chained list: first list page at offset 4096 - 16 holds 1 entry + chain pointer.
    const l1 = h.alloc(8192) + 4096n - 16n;
    const l2 = h.alloc(4096);
    prpList(h, l1, [outPages[1]!, l2]);
    prpList(h, l2, outPages.slice(2));
    expect(h.cmd(1, rw(NVM_OPC.READ, 100, 128, { prp1: outPages[0], prp2: l1 })).status).toBe(0);
    expect(h.readMem(out, 64 * 1024)).toEqual(data);
  });

  it("offset errors: PRP1 not dword aligned, PRP2 page with offset, list entry with offset", () => {
    const h = setup();
    const a = h.alloc(16384);
    expect(h.cmd(1, rw(NVM_OPC.READ, 0, 1, { prp1: a + 2n })).status).toBe(G(SC_GENERIC.PRP_OFFSET_INVALID));
    expect(h.cmd(1, rw(NVM_OPC.READ, 0, 8, { prp1: a + 0x200n, prp2: a + 0x1200n })).status).toBe(G(SC_GENERIC.PRP_OFFSET_INVALID));
    expect(h.cmd(1, rw(NVM_OPC.READ, 0, 24, { prp1: a, prp2: a + 0x3001n })).status).toBe(G(SC_GENERIC.PRP_OFFSET_INVALID));
    prpList(h, a + 0x3000n, [a + 0x1000n, a + 0x2008n]);
    expect(h.cmd(1, rw(NVM_OPC.READ, 0, 24, { prp1: a, prp2: a + 0x3000n })).status).toBe(G(SC_GENERIC.PRP_OFFSET_INVALID));
  });

  it("DMA to an unclaimed address: Data Transfer Error", () => {
    const h = setup();
    expect(h.cmd(1, rw(NVM_OPC.READ, 0, 1, { prp1: 0x7000_0000_0000n })).status).toBe(nvmeStatus(SCT.GENERIC, SC_GENERIC.DATA_TRANSFER_ERROR));
  });
});

describe("SGL data pointers", () => {
  it("data block, segment chain with last segment, bit bucket on read", () => {
    const h = setup();
    const data = pattern(12288, 3);
    const bufs = [h.alloc(4096), h.alloc(4096), h.alloc(4096)];
    bufs.forEach((b, i) => h.writeMem(b, data.subarray(i * 4096, (i + 1) * 4096)));
    // Segment: [data0, last-seg ->] ; last segment: [data1, data2]
    const seg1 = h.alloc(32);
    const seg2 = h.alloc(32);
    h.writeMem(seg1, new Uint8Array([...sglDesc(bufs[0]!, 4096, SGL_TYPE.DATA_BLOCK), ...sglDesc(seg2, 32, SGL_TYPE.LAST_SEGMENT)]));
    h.writeMem(seg2, new Uint8Array([...sglDesc(bufs[1]!, 4096, SGL_TYPE.DATA_BLOCK), ...sglDesc(bufs[2]!, 4096, SGL_TYPE.DATA_BLOCK)]));
    expect(h.cmd(1, rw(NVM_OPC.WRITE, 0, 24, { psdt: 1, dptr: sglDesc(seg1, 32, SGL_TYPE.SEGMENT) })).status).toBe(0);
    const out = h.alloc(12288);
    expect(h.cmd(1, rw(NVM_OPC.READ, 0, 24, { psdt: 1, dptr: sglDesc(out, 12288, SGL_TYPE.DATA_BLOCK) })).status).toBe(0);
    expect(h.readMem(out, 12288)).toEqual(data);
    // Bit bucket discards the first 4 KiB.
    const o2 = h.alloc(8192);
    const l = h.alloc(32);
    h.writeMem(l, new Uint8Array([...sglDesc(0n, 4096, SGL_TYPE.BIT_BUCKET), ...sglDesc(o2, 8192, SGL_TYPE.DATA_BLOCK)]));
    expect(h.cmd(1, rw(NVM_OPC.READ, 0, 24, { psdt: 1, dptr: sglDesc(l, 32, SGL_TYPE.LAST_SEGMENT) })).status).toBe(0);
    expect(h.readMem(o2, 8192)).toEqual(data.subarray(4096));
  });

  it("type, segment and length errors; SGLs unsupported; PSDT 11b", () => {
    const h = setup();
    const b = h.alloc(8192);
    const read = (dptr: Uint8Array, psdt = 1, nlb = 8) => h.cmd(1, rw(NVM_OPC.READ, 0, nlb, { psdt, dptr })).status;
    const write = (dptr: Uint8Array) => h.cmd(1, rw(NVM_OPC.WRITE, 0, 8, { psdt: 1, dptr })).status;
    expect(read(sglDesc(b, 4096, SGL_TYPE.KEYED_DATA_BLOCK))).toBe(G(SC_GENERIC.SGL_DESCRIPTOR_TYPE_INVALID));
    expect(read(sglDesc(b, 4096, 0x7))).toBe(G(SC_GENERIC.SGL_DESCRIPTOR_TYPE_INVALID));
    expect(read(sglDesc(b, 4096, SGL_TYPE.DATA_BLOCK, 1))).toBe(G(SC_GENERIC.SGL_DESCRIPTOR_TYPE_INVALID));
    expect(write(sglDesc(b, 4096, SGL_TYPE.BIT_BUCKET))).toBe(G(SC_GENERIC.SGL_DESCRIPTOR_TYPE_INVALID));
    expect(read(sglDesc(b, 2048, SGL_TYPE.DATA_BLOCK))).toBe(G(SC_GENERIC.DATA_SGL_LENGTH_INVALID));
    expect(read(sglDesc(b, 8192, SGL_TYPE.DATA_BLOCK))).toBe(G(SC_GENERIC.DATA_SGL_LENGTH_INVALID));
    expect(read(sglDesc(b, 24, SGL_TYPE.SEGMENT))).toBe(G(SC_GENERIC.INVALID_SGL_SEGMENT_DESCRIPTOR));
    // A segment descriptor that is not the last of its list, and one inside a last segment.
    const l = h.alloc(48);
    h.writeMem(l, new Uint8Array([...sglDesc(l, 16, SGL_TYPE.SEGMENT), ...sglDesc(b, 4096, SGL_TYPE.DATA_BLOCK)]));
    expect(read(sglDesc(l, 32, SGL_TYPE.SEGMENT))).toBe(G(SC_GENERIC.INVALID_SGL_SEGMENT_DESCRIPTOR));
    h.writeMem(l, new Uint8Array([...sglDesc(b, 2048, SGL_TYPE.DATA_BLOCK), ...sglDesc(l, 32, SGL_TYPE.SEGMENT)]));
    expect(read(sglDesc(l, 32, SGL_TYPE.LAST_SEGMENT))).toBe(G(SC_GENERIC.INVALID_SGL_SEGMENT_DESCRIPTOR));
    // A self-referencing segment chain ends at the descriptor limit.
    h.writeMem(l, new Uint8Array([...sglDesc(b, 0, SGL_TYPE.DATA_BLOCK), ...sglDesc(l, 32, SGL_TYPE.SEGMENT)]));
    expect(read(sglDesc(l, 32, SGL_TYPE.SEGMENT))).toBe(G(SC_GENERIC.INVALID_NUMBER_OF_SGL_DESCRIPTORS));
    expect(read(sglDesc(b, 4096, SGL_TYPE.DATA_BLOCK), 3)).toBe(G(SC_GENERIC.INVALID_FIELD));
    const h2 = setup({ sgl: false });
    expect(h2.cmd(1, rw(NVM_OPC.READ, 0, 8, { psdt: 1, dptr: sglDesc(b, 4096, SGL_TYPE.DATA_BLOCK) })).status).toBe(G(SC_GENERIC.INVALID_FIELD));
  });
});

describe("command checks", () => {
  it("bad opcode, bad namespace, LBA out of range, MDTS", () => {
    const h = setup();
    const b = h.alloc(256 * 1024);
    expect(h.cmd(1, { opc: 0x7e, nsid: 1 }).status).toBe(G(SC_GENERIC.INVALID_OPCODE));
    expect(h.cmd(1, { opc: NVM_OPC.COMPARE, nsid: 1 }).status).toBe(G(SC_GENERIC.INVALID_OPCODE));
    expect(h.cmd(1, { opc: 0x06, nsid: 1 }).status).toBe(G(SC_GENERIC.INVALID_OPCODE)); // Identify on an I/O queue
    expect(h.cmd(1, { ...rw(NVM_OPC.READ, 0, 1, { prp1: b }), nsid: 3 }).status).toBe(G(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT));
    expect(h.cmd(1, { ...rw(NVM_OPC.READ, 0, 1, { prp1: b }), nsid: 0 }).status).toBe(G(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT));
    expect(h.cmd(1, rw(NVM_OPC.READ, 32767, 2, { prp1: b })).status).toBe(G(SC_GENERIC.LBA_OUT_OF_RANGE));
    expect(h.cmd(1, rw(NVM_OPC.READ, 32767, 1, { prp1: b })).status).toBe(0);
    expect(h.cmd(1, { ...rw(NVM_OPC.READ, 0, 1, { prp1: b }), cdw11: 1 }).status).toBe(G(SC_GENERIC.LBA_OUT_OF_RANGE));
    // MDTS 5 with 4 KiB pages: 128 KiB = 256 blocks is the most.
    const list = h.alloc(4096);
    prpList(h, list, Array.from({ length: 63 }, (_, i) => b + BigInt((i + 1) * 4096)));
    expect(h.cmd(1, rw(NVM_OPC.READ, 0, 256, { prp1: b, prp2: list })).status).toBe(0);
    expect(h.cmd(1, rw(NVM_OPC.READ, 0, 264, { prp1: b, prp2: list })).status).toBe(G(SC_GENERIC.INVALID_FIELD));
  });

  it("Write Zeroes, Dataset Management deallocate, Flush", () => {
    const h = setup();
    const b = h.alloc(8192);
    h.writeMem(b, pattern(8192, 9));
    expect(h.cmd(1, rw(NVM_OPC.WRITE, 10, 16, { prp1: b, prp2: b + 4096n })).status).toBe(0);
    expect(h.cmd(1, rw(NVM_OPC.WRITE_ZEROES, 10, 1, {})).status).toBe(0);
    const r = h.alloc(8192);
    h.cmd(1, rw(NVM_OPC.READ, 10, 16, { prp1: r, prp2: r + 4096n }));
    const back = h.readMem(r, 8192);
    expect(back.subarray(0, 512).every((x) => x === 0)).toBe(true);
    expect(back.subarray(512)).toEqual(pattern(8192, 9).subarray(512));
    const ranges = h.alloc(32);
    const d = new Uint8Array(32);
    writeLE(d, 4, 4, 2);
    writeLE64(d, 8, 12n);
    writeLE(d, 16 + 4, 4, 1);
    writeLE64(d, 16 + 8, 20n);
    h.writeMem(ranges, d);
    expect(h.cmd(1, { opc: NVM_OPC.DATASET_MANAGEMENT, nsid: 1, prp1: ranges, cdw10: 1, cdw11: 4 }).status).toBe(0);
    h.cmd(1, rw(NVM_OPC.READ, 10, 16, { prp1: r, prp2: r + 4096n }));
    const z = h.readMem(r, 8192);
    expect(z.subarray(1024, 2048).every((x) => x === 0)).toBe(true);
    expect(z.subarray(5120, 5632).every((x) => x === 0)).toBe(true);
    expect(z.subarray(512, 1024)).toEqual(pattern(8192, 9).subarray(512, 1024));
    writeLE64(d, 8, 1n << 40n);
    h.writeMem(ranges, d);
    expect(h.cmd(1, { opc: NVM_OPC.DATASET_MANAGEMENT, nsid: 1, prp1: ranges, cdw10: 1, cdw11: 4 }).status).toBe(G(SC_GENERIC.LBA_OUT_OF_RANGE));
    expect(h.cmd(1, { opc: NVM_OPC.FLUSH, nsid: 1 }).status).toBe(0);
    expect(h.cmd(1, { opc: NVM_OPC.FLUSH, nsid: 0xffffffff }).status).toBe(0);
    expect(h.cmd(1, { opc: NVM_OPC.FLUSH, nsid: 7 }).status).toBe(G(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT));
  });

  it("queue full: a 4-entry CQ holds 3 completions; the rest wait for the head doorbell", () => {
    const h = setup();
    h.createIoQueue(2, 4);
    const b = h.alloc(4096);
    for (let i = 0; i < 3; i++) h.submit(2, rw(NVM_OPC.READ, i, 1, { prp1: b }));
    h.run();
    const first = h.reap(2, false);
    expect(first.length).toBe(3);
    for (let i = 0; i < 3; i++) h.submit(2, rw(NVM_OPC.READ, i, 1, { prp1: b }));
    h.run();
    expect(h.reap(2, false).length).toBe(0); // CQ still full: nothing fetched, nothing posted
    h.w32(0x1000 + 2 * 2 * 4 + 4, (first.length) % 4);
    h.run();
    const more = h.reap(2);
    expect(more.map((c) => c.status)).toEqual([0, 0, 0]);
    expect(more.map((c) => c.sqhd)).toEqual([0, 0, 0].map(() => 2));
  });

  it("Command ID conflict with a command still in flight", () => {
    const h = setup();
    const b = h.alloc(4096);
    h.submit(1, { ...rw(NVM_OPC.READ, 0, 1, { prp1: b }), cid: 9 });
    h.submit(1, { ...rw(NVM_OPC.READ, 0, 1, { prp1: b }), cid: 9 });
    h.run();
    expect(h.reap(1).map((c) => c.status)).toEqual([G(SC_GENERIC.CID_CONFLICT), 0]);
  });
});
