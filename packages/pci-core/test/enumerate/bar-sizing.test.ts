/**
 * BAR sizing through config cycles (write all ones, read the mask back, restore), as firmware
 * and `__pci_read_base` do it, and the kernel's resource flags from `decode_bar`.
 */
import { describe, expect, test } from "vitest";
import type { FunctionSpec } from "../../src/topology/schema";
import { functionConfig } from "../../src/enumerate/device-config";
import { probeBar } from "../../src/enumerate/bar-sizing";
import { buildSystem } from "../../src/enumerate/build";
import { PCI_BASE_ADDRESS_0 } from "../../src/spec/header";

const G = 1n << 30n;
const p2pmem: FunctionSpec = {
  vendor: 0x1de5,
  device: 0x1000,
  bars: [
    { index: 0, size: 16n * 1024n, bits: 64 },
    { index: 2, size: 4096n },
    { index: 3, size: 1n << 20n, prefetchable: true },
    { index: 4, size: 32n * G, bits: 64, prefetchable: true },
  ],
};

describe("BAR sizing through config writes", () => {
  test("all-ones written, the sizing mask read back, the value restored", () => {
    const cs = functionConfig(p2pmem, "endpoint", false);
    const readBack = (reg: number): number => {
      const orig = cs.read32(reg);
      cs.write32(reg, 0xffffffff);
      const mask = cs.read32(reg);
      cs.write32(reg, orig);
      expect(cs.read32(reg)).toBe(orig);
      return mask >>> 0;
    };
    // BAR0: 16K, 64-bit non-prefetchable: address bits 31:14 writable, type 0b100 read-only.
    expect(readBack(PCI_BASE_ADDRESS_0)).toBe(0xffffc004);
    expect(readBack(PCI_BASE_ADDRESS_0 + 4)).toBe(0xffffffff);
    // BAR2: 4K 32-bit; BAR3: 1M 32-bit prefetchable (bit 3).
    expect(readBack(PCI_BASE_ADDRESS_0 + 8)).toBe(0xfffff000);
    expect(readBack(PCI_BASE_ADDRESS_0 + 12)).toBe(0xfff00008);
    // BAR4: 32G, 64-bit prefetchable: the low dword keeps only its type bits (0xc); the upper
    // dword's bits 34:32 (2^35 = 32G) read as zero.
    expect(readBack(PCI_BASE_ADDRESS_0 + 16)).toBe(0x0000000c);
    expect(readBack(PCI_BASE_ADDRESS_0 + 20)).toBe(0xfffffff8);
  });

  test("probeBar computes size and type like pci_size/decode_bar", () => {
    const cs = functionConfig(p2pmem, "endpoint", false);
    expect(probeBar(cs, PCI_BASE_ADDRESS_0)).toMatchObject({ size: 16384n, is64: true, prefetchable: false, io: false });
    expect(probeBar(cs, PCI_BASE_ADDRESS_0 + 8)).toMatchObject({ size: 4096n, is64: false, prefetchable: false });
    expect(probeBar(cs, PCI_BASE_ADDRESS_0 + 12)).toMatchObject({ size: 1n << 20n, is64: false, prefetchable: true });
    expect(probeBar(cs, PCI_BASE_ADDRESS_0 + 16)).toMatchObject({ size: 32n * G, is64: true, prefetchable: true });
    // BAR 1 is BAR0's upper half, BAR 5 BAR4's: probed alone they are not BARs of their own.
    expect(probeBar(functionConfig({ vendor: 1, device: 1 }, "endpoint", false), PCI_BASE_ADDRESS_0).size).toBe(0n);
  });

  test("resources carry decode_bar's flags: low type bits, MEM, PREFETCH, MEM_64, SIZEALIGN", () => {
    const { labels } = buildSystem({
      hostBridges: [{ children: [{ kind: "root-port", vendor: 0x8086, device: 0x2030, children: [{ kind: "endpoint", label: "p", ...p2pmem }] }] }],
    });
    const r = labels.get("p")!.resources;
    expect(r.slice(0, 6).map((x) => x.flags)).toEqual([0x140204, 0, 0x40200, 0x42208, 0x14220c, 0]);
    expect(r.slice(0, 6).map((x) => x.end - x.start + 1n)).toEqual([16384n, 1n, 4096n, 1n << 20n, 32n * G, 1n]);
  });
});
