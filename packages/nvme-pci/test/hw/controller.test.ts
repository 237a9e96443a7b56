/** NVMe 1.4 §3.1 register semantics and the §7.6 enable / reset / shutdown state machine. */
import { describe, expect, it } from "vitest";
import { ADMIN_OPC, AER_RESULT, CAP, CC, CSTS, CSTS_SHST, NSSR_RESET_VALUE, NVME_REG, doorbellOffset, getField, getField64 } from "@p2pdma/nvme-spec";
import { NvmeModelError, resolveControllerOptions } from "../../src/hw";
import { Host, makeEnv } from "./harness";

describe("registers (NVMe 1.4 §3.1)", () => {
  it("CAP, VS and read-only registers", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme1, { maxQueueEntries: 1024, timeout: 20, mpsMax: 4 });
    const cap = h.r64(NVME_REG.CAP);
    expect(getField64(cap, CAP.MQES)).toBe(1023);
    expect(getField64(cap, CAP.CQR)).toBe(1);
    expect(getField64(cap, CAP.TO)).toBe(20);
    expect(getField64(cap, CAP.CSS)).toBe(1);
    expect(getField64(cap, CAP.MPSMAX)).toBe(4);
    expect(getField64(cap, CAP.CMBS)).toBe(0);
    expect(h.r32(NVME_REG.VS)).toBe(0x00010400);
    h.w32(NVME_REG.CAP, 0);
    h.w32(NVME_REG.VS, 0);
    h.w32(NVME_REG.CSTS, 0xffffffff);
    expect(h.r64(NVME_REG.CAP)).toBe(cap);
    expect(h.r32(NVME_REG.VS)).toBe(0x00010400);
    expect(h.r32(NVME_REG.CSTS)).toBe(0);
  });

  it("AQA keeps only ASQS/ACQS; ASQ written as two dwords; INTMS/INTMC set and clear", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme1);
    h.w32(NVME_REG.AQA, 0xffffffff);
    expect(h.r32(NVME_REG.AQA)).toBe(0x0fff0fff);
    h.w64(NVME_REG.ASQ, 0x1_2345_6000n);
    expect(h.r64(NVME_REG.ASQ)).toBe(0x1_2345_6000n);
    h.w32(NVME_REG.INTMS, 0x5);
    h.w32(NVME_REG.INTMS, 0x2);
    expect(h.r32(NVME_REG.INTMS)).toBe(0x7);
    h.w32(NVME_REG.INTMC, 0x1);
    expect(h.r32(NVME_REG.INTMC)).toBe(0x6);
  });

  it("CSTS.RDY rises only after the enable delay and falls after CC.EN = 0", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme1, { timing: { enableNs: 5000, disableNs: 700 } });
    const asq = h.alloc(4096);
    const acq = h.alloc(4096);
    h.w32(NVME_REG.AQA, 0x001f001f);
    h.w64(NVME_REG.ASQ, asq);
    h.w64(NVME_REG.ACQ, acq);
    h.w32(NVME_REG.CC, 0x00460001);
    env.clock.runUntil(4999);
    expect(getField(h.csts, CSTS.RDY)).toBe(0);
    env.clock.runUntil(5000);
    expect(getField(h.csts, CSTS.RDY)).toBe(1);
    h.w32(NVME_REG.CC, 0x00460000);
    env.clock.runUntil(5699);
    expect(getField(h.csts, CSTS.RDY)).toBe(1);
    env.clock.runUntil(5700);
    expect(getField(h.csts, CSTS.RDY)).toBe(0);
  });

  it("normal shutdown: SHST occurring, then complete", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme1);
    h.enable();
    h.w32(NVME_REG.CC, h.r32(NVME_REG.CC) | (1 << CC.SHN.shift));
    expect(getField(h.csts, CSTS.SHST)).toBe(CSTS_SHST.OCCURRING);
    h.run();
    expect(getField(h.csts, CSTS.SHST)).toBe(CSTS_SHST.COMPLETE);
  });

  it("CFS on enable with unaligned ASQ, on MPS beyond MPSMAX; a reset clears it", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme1);
    h.enable(32, { asq: h.alloc(8192) + 0x200n });
    expect(h.cfs).toBe(true);
    expect(h.ready).toBe(false);
    h.w32(NVME_REG.CC, 0);
    h.run();
    expect(h.cfs).toBe(false);
    h.enable(32, { mps: 5 });
    expect(h.cfs).toBe(true);
    h.w32(NVME_REG.CC, 0);
    h.run();
    h.enable();
    expect(h.ready).toBe(true);
  });

  it("doorbell beyond the queue size or of a missing queue: CFS without an AER outstanding", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme1);
    h.enable(32);
    h.w32(doorbellOffset(0, false, 0), 32);
    expect(h.cfs).toBe(true);
    const h2 = new Host(makeEnv(), makeEnv().devs.nvme1);
    expect(h2.ready).toBe(false);
  });

  it("invalid doorbell with an AER outstanding: Error event (Invalid Doorbell Register / Write Value)", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme1);
    h.enable(32);
    h.submit(0, { opc: ADMIN_OPC.ASYNC_EVENT_REQUEST, cid: 100 });
    h.submit(0, { opc: ADMIN_OPC.ASYNC_EVENT_REQUEST, cid: 101 });
    h.run();
    expect(h.reap(0)).toEqual([]);
    h.w32(doorbellOffset(5, false, 0), 1);
    h.w32(doorbellOffset(0, true, 0), 31);
    h.run();
    const c = h.reap(0);
    expect(c.map((x) => [x.cid, x.status, getField(x.dw0, AER_RESULT.TYPE), getField(x.dw0, AER_RESULT.INFO), getField(x.dw0, AER_RESULT.LOG_PAGE)])).toEqual([
      [100, 0, 0, 0, 1],
      [101, 0, 0, 1, 1],
    ]);
    expect(h.cfs).toBe(false);
  });

  it("NVM subsystem reset: RDY and CC clear, NSSRO set and write-1-to-clear", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme1);
    h.enable();
    h.w32(NVME_REG.NSSR, 0x1234);
    expect(h.ready).toBe(true);
    h.w32(NVME_REG.NSSR, NSSR_RESET_VALUE);
    expect(h.ready).toBe(false);
    expect(h.r32(NVME_REG.CC)).toBe(0);
    expect(getField(h.csts, CSTS.NSSRO)).toBe(1);
    h.w32(NVME_REG.CSTS, 1 << CSTS.NSSRO.shift);
    expect(getField(h.csts, CSTS.NSSRO)).toBe(0);
  });

  it("interrupts: one per posted completion on vector 0; INTMS masks them", () => {
    const env = makeEnv();
    const h = new Host(env, env.devs.nvme1);
    h.enable();
    h.admin({ opc: ADMIN_OPC.GET_FEATURES, cdw10: 7 });
    expect(h.interrupts).toEqual([0]);
    h.w32(NVME_REG.INTMS, 1);
    h.admin({ opc: ADMIN_OPC.GET_FEATURES, cdw10: 7 });
    expect(h.interrupts).toEqual([0]);
  });

  it("bad options are EOPTIONS errors", () => {
    expect(() => resolveControllerOptions({ maxQueueEntries: 1 })).toThrow(NvmeModelError);
    expect(() => resolveControllerOptions({ namespaces: [{ nsid: 1, sizeBytes: 1000n }] })).toThrow(/multiple of 512/);
    expect(() => resolveControllerOptions({ cmb: { scheme: "1.4", bar: 0, offset: 0n, size: 4096n, sqs: true, cqs: false, lists: false, rds: true, wds: true } })).toThrow(/must be 2 or 4/);
  });
});
