/** CMB v1.3 and v1.4 (NVMe 1.4 §3.1.11-12, §3.1.16-17, §8.7) and P2P data through another device's CMB. */
import { describe, expect, it } from "vitest";
import { CAP, CMBLOC, CMBSZ, NVME_REG, SCT, SC_GENERIC, getField, getField64, nvmeStatus } from "@p2pdma/nvme-spec";
import { barBusAddress } from "../../src/hw";
import { Host, M, cmbOpts, makeEnv, pattern } from "./harness";

const G = (sc: number) => nvmeStatus(SCT.GENERIC, sc, { dnr: true });

describe("CMB v1.3", () => {
  it("CMBLOC/CMBSZ always readable; CAP.CMBS clear; CMBMSC absent", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme0, { version: 0x10300, cmb: cmbOpts("1.3", { sqs: true, rds: true, wds: true }, 2n * M) });
    expect(getField64(h.r64(NVME_REG.CAP), CAP.CMBS)).toBe(0);
    const sz = h.r32(NVME_REG.CMBSZ);
    expect(getField(sz, CMBSZ.SZU)).toBe(2);
    expect(getField(sz, CMBSZ.SZ)).toBe(2);
    expect(sz & 0x1f).toBe(0x19);
    expect(getField(h.r32(NVME_REG.CMBLOC), CMBLOC.BIR)).toBe(2);
    h.w32(NVME_REG.CMBMSC, 3);
    expect(h.r32(NVME_REG.CMBMSC)).toBe(0);
    // The CMB is decoded as memory at the BAR.
    const cmb = barBusAddress(env.devs.nvme0, 2)!;
    h.writeMem(cmb + 0x1000n, new Uint8Array([1, 2, 3]));
    expect([...h.readMem(cmb + 0x1000n, 3)]).toEqual([1, 2, 3]);
  });
});

describe("CMB v1.4", () => {
  it("CRE shows the registers; CMSE with the right CBA decodes the CMB; a wrong CBA sets CBAI", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme0, { cmb: cmbOpts("1.4", { sqs: true, rds: true, wds: true }) });
    expect(getField64(h.r64(NVME_REG.CAP), CAP.CMBS)).toBe(1);
    expect(h.r32(NVME_REG.CMBSZ)).toBe(0);
    expect(h.r32(NVME_REG.CMBLOC)).toBe(0);
    h.w32(NVME_REG.CMBMSC, 1); // CRE, as nvme_map_cmb does first
    expect(h.r32(NVME_REG.CMBSZ)).toBe(0x00001219); // SZ 1 x SZU 2 (1 MiB), WDS RDS SQS
    expect(h.r32(NVME_REG.CMBLOC)).toBe(0x2);
    const cmb = barBusAddress(env.devs.nvme0, 2)!;
    expect("error" in env.fabric.read(null, cmb, 4)).toBe(true); // not decoded yet
    h.w64HiLo(NVME_REG.CMBMSC, (cmb + 0x1000n) | 3n);
    expect(h.r32(NVME_REG.CMBSTS)).toBe(1);
    expect("error" in env.fabric.read(null, cmb, 4)).toBe(true);
    h.w64HiLo(NVME_REG.CMBMSC, cmb | 3n);
    expect(h.r32(NVME_REG.CMBSTS)).toBe(0);
    expect(h.r64(NVME_REG.CMBMSC)).toBe(cmb | 3n);
    expect("error" in env.fabric.read(null, cmb, 4)).toBe(false);
    // CMBMSC survives a controller reset (CC.EN 1 -> 0), as nvme_map_cmb relies on.
    h.enable();
    h.w32(NVME_REG.CC, 0);
    h.run();
    expect(h.r64(NVME_REG.CMBMSC)).toBe(cmb | 3n);
    h.w64HiLo(NVME_REG.CMBMSC, 0n);
    expect(h.r32(NVME_REG.CMBSZ)).toBe(0);
    expect("error" in env.fabric.read(null, cmb, 4)).toBe(true);
  });

  it("an I/O SQ in the CMB works with SQS; a CQ there without CQS is Invalid Use of CMB", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme0, { cmb: cmbOpts("1.4", { sqs: true, rds: true, wds: true }) });
    const cmb = barBusAddress(env.devs.nvme0, 2)!;
    h.w64HiLo(NVME_REG.CMBMSC, cmb | 3n);
    h.enable();
    const bad = h.createIoQueue(1, 64, { cq: cmb + 0x10000n });
    expect(bad.cq.status).toBe(G(SC_GENERIC.INVALID_USE_OF_CMB));
    expect(h.createIoQueue(1, 64, { sq: cmb }).sq.status).toBe(0);
    const b = h.alloc(4096);
    h.writeMem(b, pattern(4096, 4));
    expect(h.write(1, 1, 0n, b, 8).status).toBe(0);
    const o = h.alloc(4096);
    expect(h.read(1, 1, 0n, o, 8).status).toBe(0);
    expect(h.readMem(o, 4096)).toEqual(pattern(4096, 4));
  });

  it("data and lists in the CMB only as RDS / WDS / LISTS allow", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme0, { cmb: cmbOpts("1.4", { sqs: true, wds: true }) });
    const cmb = barBusAddress(env.devs.nvme0, 2)!;
    h.w64HiLo(NVME_REG.CMBMSC, cmb | 3n);
    h.enable();
    h.createIoQueue(1);
    h.writeMem(cmb, pattern(4096, 5));
    expect(h.write(1, 1, 0n, cmb, 8).status).toBe(0); // WDS
    expect(h.read(1, 1, 0n, cmb + 0x2000n, 8).status).toBe(G(SC_GENERIC.INVALID_USE_OF_CMB)); // no RDS
    const host = h.alloc(16384);
    expect(h.read(1, 1, 0n, host, 24, cmb + 0x3000n).status).toBe(G(SC_GENERIC.INVALID_USE_OF_CMB)); // PRP list, no LISTS
  });
});

describe("peer-to-peer data", () => {
  it("nvme1 writes from and reads into nvme0's CMB: the payload never crosses the root port", () => {
    const env = makeEnv();
    const h0 = new Host(env, env.devs.nvme0, { cmb: cmbOpts("1.3", { sqs: true, rds: true, wds: true }) });
    const h1 = new Host(env, env.devs.nvme1, {}, 64n * M);
    h1.enable();
    h1.createIoQueue(1);
    const cmb = barBusAddress(env.devs.nvme0, 2)!;
    const data = pattern(65536, 11);
    h0.writeMem(cmb, data);
    env.fabric.resetCounters();
    const list = h1.alloc(4096);
    const pages = Array.from({ length: 15 }, (_, i) => cmb + BigInt((i + 1) * 4096));
    const lb = new Uint8Array(15 * 8);
    pages.forEach((p, i) => new DataView(lb.buffer).setBigUint64(i * 8, p, true));
    h1.writeMem(list, lb);
    expect(h1.write(1, 1, 0n, cmb, 128, list).status).toBe(0);
    expect(h1.read(1, 1, 0n, cmb + 0x20000n, 8).status).toBe(0);
    const counters = env.fabric.linkCounters();
    expect(h0.readMem(cmb + 0x20000n, 4096)).toEqual(data.subarray(0, 4096));
    const c = Object.fromEntries(counters.map((x) => [x.link, x]));
    const toNvme0 = Object.keys(c).find((k) => k.endsWith(env.devs.nvme0.name.slice(0, -2)))!;
    const toNvme1 = Object.keys(c).find((k) => k.endsWith(env.devs.nvme1.name.slice(0, -2)))!;
    // 64 KiB pulled from the CMB (up nvme0's link, down nvme1's) and 4 KiB pushed back.
    expect(c[toNvme0]!.up).toBeGreaterThanOrEqual(65536 + 0);
    expect(c[toNvme0]!.down).toBeGreaterThanOrEqual(4096);
    expect(c[toNvme1]!.down).toBeGreaterThanOrEqual(65536);
    const rootPort = counters.filter((x) => x.link.startsWith("pci0000:00->0000:00:01"));
    const rpBytes = rootPort.reduce((s, x) => s + x.up + x.down, 0);
    // Only SQEs, CQEs, the PRP list and doorbells cross the root port; no payload.
    expect(rpBytes).toBe(2 * 64 + 2 * 16 + 15 * 8 + 4 * 4); // 2 SQEs, 2 CQEs, the PRP list, 4 doorbells
  });
});
