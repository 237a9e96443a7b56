/**
 * Address assignment: bottom-up window sizing (largest alignment first, 1 MiB window
 * granularity), non-prefetchable BARs below 4 GiB, 64-bit prefetchable ones above, bridge
 * base/limit registers, and CPU vs bus addresses through the host bridge's offset.
 */
import { describe, expect, test } from "vitest";
import type { EndpointSpec, NodeSpec, TopologySpec } from "../../src/topology/schema";
import { buildSystem } from "../../src/enumerate/build";
import {
  PCI_BASE_ADDRESS_0,
  PCI_MEMORY_BASE,
  PCI_MEMORY_LIMIT,
  PCI_PREF_BASE_UPPER32,
  PCI_PREF_LIMIT_UPPER32,
  PCI_PREF_MEMORY_BASE,
  PCI_PREF_MEMORY_LIMIT,
} from "../../src/spec/header";

const K = 1024n;
const M = K * K;
const rp = (children: NodeSpec[]): NodeSpec => ({ kind: "root-port", vendor: 0x8086, device: 0x2030, children });
const ep = (label: string, bars: EndpointSpec["bars"]): EndpointSpec => ({ kind: "endpoint", vendor: 0x1de5, device: 0x2000, label, bars: bars! });
const win = (r: { start: bigint; end: bigint }): [string, string] => [`0x${r.start.toString(16)}`, `0x${r.end.toString(16)}`];

describe("window sizing and placement", () => {
  test("largest alignment first inside a 1 MiB-granular window", () => {
    // BAR0 4K, BAR1 64K, BAR2 1M (32-bit, non-prefetchable). Packed by alignment: BAR2 at the
    // window base, BAR1 at +1M, BAR0 at +1M+64K: 1M+68K, rounded up to a 2M window. The
    // default 32-bit host window starts at 0x80000000.
    const { system, labels } = buildSystem({
      hostBridges: [{ children: [rp([ep("a", [{ index: 0, size: 4n * K }, { index: 1, size: 64n * K }, { index: 2, size: M }])])] }],
    });
    const a = labels.get("a")!;
    expect(a.resources.slice(0, 3).map(win)).toEqual([
      ["0x80110000", "0x80110fff"],
      ["0x80100000", "0x8010ffff"],
      ["0x80000000", "0x800fffff"],
    ]);
    const port = system.getDeviceByName("0000:00:00.0")!;
    expect(win(port.resources[14]!)).toEqual(["0x80000000", "0x801fffff"]);
    expect(port.resources[14]!.flags).toBe(0x200);
    expect(port.resources[15]!.flags).toBe(0); // nothing prefetchable below: window closed
    // Registers: memory base/limit hold address bits 31:20 in bits 15:4.
    expect([port.config.read16(PCI_MEMORY_BASE), port.config.read16(PCI_MEMORY_LIMIT)]).toEqual([0x8000, 0x8010]);
    // The BAR registers hold the (bus) addresses firmware wrote.
    expect(a.config.read32(PCI_BASE_ADDRESS_0 + 8) >>> 0).toBe(0x80000000);
  });

  test("64-bit prefetchable BARs go above 4 GiB, the rest below", () => {
    // nvme-like: BAR0 16K 64-bit non-prefetchable, BAR2 64M 64-bit prefetchable.
    const { system, labels } = buildSystem({
      hostBridges: [{ children: [rp([ep("n", [{ index: 0, size: 16n * K, bits: 64 }, { index: 2, size: 64n * M, bits: 64, prefetchable: true }])])] }],
    });
    const n = labels.get("n")!;
    expect(win(n.resources[0]!)).toEqual(["0x80000000", "0x80003fff"]);
    expect(win(n.resources[2]!)).toEqual(["0x380000000000", "0x380003ffffff"]);
    const port = system.getDeviceByName("0000:00:00.0")!;
    expect(win(port.resources[15]!)).toEqual(["0x380000000000", "0x380003ffffff"]);
    // 64-bit prefetchable window: MEM | PREFETCH | MEM_64 and the register's type bit 0x1.
    expect(port.resources[15]!.flags).toBe(0x102201);
    expect([
      port.config.read16(PCI_PREF_MEMORY_BASE),
      port.config.read16(PCI_PREF_MEMORY_LIMIT),
      port.config.read32(PCI_PREF_BASE_UPPER32),
      port.config.read32(PCI_PREF_LIMIT_UPPER32),
    ]).toEqual([0x0001, 0x03f1, 0x3800, 0x3800]);
    const hb = system.hostBridges[0]!;
    expect(hb.windows.map(win)).toEqual([
      ["0x80000000", "0x800fffff"],
      ["0x380000000000", "0x38003fffffff"],
    ]);
  });

  test("a 32-bit prefetchable BAR goes to the memory window (pbus_size_mem with a 64-bit prefetchable window)", () => {
    const { labels, system } = buildSystem({
      hostBridges: [{ children: [rp([ep("m", [{ index: 0, size: M, prefetchable: true }, { index: 2, size: 2n * M, bits: 64, prefetchable: true }])])] }],
    });
    const m = labels.get("m")!;
    expect(win(m.resources[0]!)).toEqual(["0x80000000", "0x800fffff"]);
    expect(m.resources[0]!.flags).toBe(0x42208); // still flagged prefetchable (decode_bar)
    expect(win(m.resources[2]!)).toEqual(["0x380000000000", "0x3800001fffff"]);
    const port = system.getDeviceByName("0000:00:00.0")!;
    expect(win(port.resources[14]!)).toEqual(["0x80000000", "0x800fffff"]);
    expect(win(port.resources[15]!)).toEqual(["0x380000000000", "0x3800001fffff"]);
  });

  test("host bridges take consecutive default windows", () => {
    const spec: TopologySpec = {
      hostBridges: [
        { domain: 0, children: [rp([ep("x", [{ index: 0, size: 2n * M }])])] },
        { domain: 1, children: [rp([ep("y", [{ index: 0, size: 2n * M }])])] },
      ],
    };
    const { system, labels } = buildSystem(spec);
    expect(system.hostBridges.map((h) => win(h.windows[0]!))).toEqual([
      ["0x80000000", "0x801fffff"],
      ["0x80200000", "0x803fffff"],
    ]);
    expect(win(labels.get("y")!.resources[0]!)).toEqual(["0x80200000", "0x803fffff"]);
  });
});

describe("CPU and bus addresses (host bridge offset)", () => {
  test("bus address = CPU address + busOffset; BARs hold bus addresses, resources CPU ones", () => {
    // An ARM-style host bridge: CPU window 0x40_0000_0000 (256M) appears on the bus at
    // 0x8000_0000, so busOffset = 0x8000_0000 - 0x40_0000_0000.
    const cpu = 0x40_0000_0000n;
    const bus = 0x8000_0000n;
    const { system, labels } = buildSystem({
      hostBridges: [
        {
          busOffset: bus - cpu,
          memoryWindows: [{ base: cpu, size: 256n * M }],
          children: [rp([ep("d", [{ index: 0, size: 16n * K, bits: 64 }, { index: 2, size: 64n * M, bits: 64, prefetchable: true }])])],
        },
      ],
    });
    const d = labels.get("d")!;
    const hb = system.hostBridges[0]!;
    // 64M prefetchable first (largest alignment) at the window start, then the 1M memory window.
    expect(d.resources[2]!.start).toBe(cpu);
    expect(hb.cpuToBus(d.resources[2]!.start)).toBe(bus);
    const lo = d.config.read32(PCI_BASE_ADDRESS_0 + 8) >>> 0;
    const hi = d.config.read32(PCI_BASE_ADDRESS_0 + 12) >>> 0;
    expect((BigInt(hi) << 32n) | BigInt((lo & ~0xf) >>> 0)).toBe(bus);
    expect(d.resources[0]!.start).toBe(cpu + 64n * M);
    expect(hb.cpuToBus(d.resources[0]!.start)).toBe(bus + 64n * M);
    const port = system.getDeviceByName("0000:00:00.0")!;
    expect(port.config.read16(PCI_MEMORY_BASE)).toBe(0x8400); // bus 0x84000000
    expect(port.resources[14]!.start).toBe(cpu + 64n * M);
  });
});
