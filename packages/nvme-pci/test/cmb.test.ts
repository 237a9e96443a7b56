import { describe, expect, it } from "vitest";
import { cmbAttrText, cmbQdepth, emptyCmbState, nvmeErrorStatus } from "../src/index";
import { reference } from "./helpers";

describe("nvme_cmb_qdepth (spec 5.3 / 10 vectors)", () => {
  const M = 1n << 20n;
  it("CMB 1 MiB, 16 queues of depth 1024 (64 KiB each) fit", () => expect(cmbQdepth(1024, 16, 64, M)).toBe(1024));
  it("32 queues -> 32 KiB per queue -> depth 512", () => expect(cmbQdepth(1024, 32, 64, M)).toBe(512));
  it("512 queues -> 2 KiB rounded down to 0 -> give up", () => expect(cmbQdepth(1024, 512, 64, M)).toBe(-1));
  it("one queue of 1024 puts 64 KiB in a 64 MiB CMB", () => expect(cmbQdepth(1024, 1, 64, 64n * M)).toBe(1024));
});

describe("cmb attribute (nvme_cmb_show)", () => {
  it("formats the raw registers as the real kernel (seed-sysfs golden)", () => {
    const s = { ...emptyCmbState(), cmbloc: 0x62, cmbsz: 0x0004021d };
    expect(cmbAttrText(s)).toBe("cmbloc : x00000062\ncmbsz  : x0004021d\n");
  });
  it("6.12: cmb, cmbloc, cmbsz under /sys/class/nvme/<ctrl>; none for a controller without CMB", () => {
    const m = reference();
    const fs = m.system.sysfs;
    const c0 = m.ctrl("nvme0")!;
    expect(fs.list(c0.sysfsDir)!.sort()).toEqual(["cmb", "cmbloc", "cmbsz"]);
    expect(fs.read(`${c0.sysfsDir}/cmbsz`)).toBe(`${c0.cmb.cmbsz}\n`);
    expect(fs.read(`${c0.sysfsDir}/cmb`)).toBe(cmbAttrText(c0.cmb));
    expect(fs.list(m.ctrl("nvme2")!.sysfsDir)).toEqual([]);
  });
  it("4.20: only `cmb`, released at remove", () => {
    const m = reference({ kernel: "4.20" }, { cmbScheme: "1.3" });
    const c0 = m.ctrl("nvme0")!;
    expect(m.system.sysfs.list(c0.sysfsDir)).toEqual(["cmb"]);
    m.system.unbind(c0.pdev);
    expect(c0.cmb.cmbSize).toBe(0n);
    expect(m.disk("nvme0n1")).toBeNull();
  });
  it("4.20 ignores a v1.4-scheme CMB (it never writes CMBMSC.CRE, so CMBSZ reads 0)", () => {
    const m = reference({ kernel: "4.20" });
    expect(m.ctrl("nvme0")!.cmb.cmbSize).toBe(0n);
  });
});

describe("nvme_error_status", () => {
  it("maps statuses as 6.12 core.c", () => {
    expect(nvmeErrorStatus(0)).toBe("OK");
    expect(nvmeErrorStatus(0x80)).toBe("TARGET");
    expect(nvmeErrorStatus(0x81)).toBe("NOSPC");
    expect(nvmeErrorStatus(0x0b)).toBe("NOTSUPP");
    expect(nvmeErrorStatus(0x281)).toBe("MEDIUM");
    expect(nvmeErrorStatus(0x4000 | 0x281)).toBe("MEDIUM");
    expect(nvmeErrorStatus(0x06)).toBe("IOERR");
  });
});

describe("reset", () => {
  it("keeps data and the CMB registration across nvme_reset_ctrl", async () => {
    const { directIo, ramBuffer } = await import("@p2pdma/block");
    const m = reference();
    const c = m.ctrl("nvme0")!;
    const d = m.diskOf("nvme0")!;
    const b = ramBuffer(m.mem, 4096);
    b.write(0, new Uint8Array(4096).fill(0xa5));
    expect(directIo(d, { op: "write", pos: 0, buffer: b })).toBe(4096);
    expect(c.reset()).toBe(0);
    const r = ramBuffer(m.mem, 4096);
    expect(directIo(d, { op: "read", pos: 0, buffer: r })).toBe(4096);
    expect(r.read(0, 4096)[100]).toBe(0xa5);
    expect(c.cmb.cmbSize).toBe(64n << 20n);
  });
});
