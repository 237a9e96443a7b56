/**
 * ConfigSpace access semantics (PCI 3.0 §6.1, PCIe 4.0 §7.4 register attributes): RO, RW and
 * RW1C bits, access widths, natural alignment, range errors, write hooks and captured bytes.
 */
import { describe, expect, it } from "vitest";
import { ConfigAccessError, ConfigSpace } from "../src/config-space";

describe("ConfigSpace", () => {
  it("sizes: 256 by default, 4096 for extended space, nothing else", () => {
    expect(new ConfigSpace().size).toBe(256);
    expect(new ConfigSpace(4096).size).toBe(4096);
    expect(() => new ConfigSpace(512)).toThrow(ConfigAccessError);
  });

  it("read-only by default: software writes are ignored, init sets raw values", () => {
    const cs = new ConfigSpace();
    cs.init(0x00, 4, 0x12348086);
    cs.write32(0x00, 0xffffffff);
    expect(cs.read32(0x00)).toBe(0x12348086);
    expect(cs.read16(0x02)).toBe(0x1234);
    expect(cs.read8(0x00)).toBe(0x86);
  });

  it("read-write bits take the written value, others keep theirs", () => {
    const cs = new ConfigSpace();
    cs.init(0x04, 2, 0x0010);
    cs.setAccess(0x04, 2, { rw: 0x0007 });
    cs.write16(0x04, 0xffff);
    expect(cs.read16(0x04)).toBe(0x0017);
    cs.write16(0x04, 0x0000);
    expect(cs.read16(0x04)).toBe(0x0010);
  });

  it("write-1-to-clear bits clear only where a 1 is written", () => {
    const cs = new ConfigSpace();
    cs.init(0x06, 2, 0xf910);
    cs.setAccess(0x06, 2, { w1c: 0xf900 });
    cs.write16(0x06, 0x0800);
    expect(cs.read16(0x06)).toBe(0xf110);
    cs.write16(0x06, 0x0000);
    expect(cs.read16(0x06)).toBe(0xf110);
    cs.write16(0x06, 0xffff);
    expect(cs.read16(0x06)).toBe(0x0010);
  });

  it("byte and dword accesses see the same little-endian bytes", () => {
    const cs = new ConfigSpace();
    cs.setAccess(0x10, 4, { rw: 0xffffffff });
    cs.write8(0x13, 0xab);
    cs.write8(0x10, 0x01);
    expect(cs.read32(0x10)).toBe(0xab000001);
    cs.write16(0x12, 0x1234);
    expect(cs.read32(0x10)).toBe(0x12340001);
    expect(cs.read(0x12, 2)).toBe(0x1234);
  });

  it("refuses bad widths, unaligned and out-of-range accesses with ECONFIG_ACCESS", () => {
    const cs = new ConfigSpace();
    const bad = [
      () => cs.read(0x01, 2),
      () => cs.read(0x02, 4),
      () => cs.read(0x100, 1),
      () => cs.read(0xfe, 4),
      () => cs.read(-1, 1),
      () => cs.read(0.5, 1),
      () => cs.read(0, 3 as 1),
      () => cs.write(0x101, 1, 0),
      () => cs.init(0x03, 2, 0),
      () => cs.setAccess(0x100, 4, {}),
    ];
    for (const f of bad) {
      try {
        f();
        expect.unreachable("should have thrown");
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigAccessError);
        expect((e as ConfigAccessError).code).toBe("ECONFIG_ACCESS");
      }
    }
    expect(new ConfigSpace(4096).read32(0xffc)).toBe(0);
  });

  it("write hooks run after the write, only for accesses touching their range", () => {
    const cs = new ConfigSpace();
    cs.setAccess(0x44, 4, { rw: 0xffffffff });
    const seen: [number, number, number, number][] = [];
    cs.onWrite(0x44, 4, (off, w, v) => seen.push([off, w, v, cs.read32(0x44)]));
    cs.write8(0x43, 1);
    cs.write8(0x48, 1);
    cs.write16(0x46, 0xbeef);
    cs.write32(0x44, 0x12345678);
    expect(seen).toEqual([
      [0x46, 2, 0xbeef, 0xbeef0000],
      [0x44, 4, 0x12345678, 0x12345678],
    ]);
  });

  it("init writes ignore hooks and masks", () => {
    const cs = new ConfigSpace();
    let calls = 0;
    cs.onWrite(0, 256, () => calls++);
    cs.init(0x40, 4, 0xffffffff);
    expect(calls).toBe(0);
    expect(cs.read32(0x40)).toBe(0xffffffff);
  });

  it("fromBytes: pads short captures, picks 4096 for long ones, all read-only", () => {
    const short = ConfigSpace.fromBytes(new Uint8Array([0x86, 0x80, 0x34, 0x12]));
    expect(short.size).toBe(256);
    expect(short.read32(0)).toBe(0x12348086);
    expect(short.read32(0xfc)).toBe(0);
    short.write32(0, 0);
    expect(short.read32(0)).toBe(0x12348086);
    const long = ConfigSpace.fromBytes(new Uint8Array(257).fill(0xaa));
    expect(long.size).toBe(4096);
    expect(long.read8(0x100)).toBe(0xaa);
    expect(long.read8(0x101)).toBe(0);
    expect(() => ConfigSpace.fromBytes(new Uint8Array(4097))).toThrow(ConfigAccessError);
  });

  it("bytes() is a copy", () => {
    const cs = new ConfigSpace();
    cs.init(0, 1, 7);
    const b = cs.bytes();
    b[0] = 9;
    expect(cs.read8(0)).toBe(7);
    expect(b.length).toBe(256);
  });
});
