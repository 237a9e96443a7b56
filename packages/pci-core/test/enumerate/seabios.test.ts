/**
 * SeaBIOS's placement (platform.firmware: seabios), checked against the addresses a real
 * QEMU 7.2 q35 + SeaBIOS 1.16.2 machine got (the seed-sysfs golden's boot log): everything
 * below 4 GiB, root regions top-down from 0xfec00000, bridge windows of at least 2 MiB (an
 * empty one on a hot-plug port too), equal entries in bus-number-descending order.
 */
import { describe, expect, test } from "vitest";
import type { EndpointSpec, NodeSpec, RootPortSpec, TopologySpec } from "../../src/topology/schema";
import { buildSystem } from "../../src/enumerate/build";
import { TopologySpecError } from "../../src/topology/errors";

const K = 1024n;
const M = K * K;
const G = K * M;

const nvme = (label: string, cmb: bigint | null): EndpointSpec => ({
  kind: "endpoint",
  vendor: 0x1b36,
  device: 0x0010,
  classCode: 0x010802,
  label,
  bars: [{ index: 0, size: 16n * K, bits: 64 }, ...(cmb !== null ? [{ index: 2, size: cmb, bits: 64 as const, prefetchable: true }] : [])],
});

const port = (slot: number, children: NodeSpec[]): RootPortSpec => ({ kind: "root-port", slot, vendor: 0x1b36, device: 0x000c, label: `rp${slot}`, bars: [{ index: 0, size: 4n * K }], children });

/** The seed-sysfs machine: a switch with three NVMe (two CMBs) and one NVMe with a CMB. */
const machine = (firmware: "seabios" | undefined, cmb = 64n * M): TopologySpec => ({
  ...(firmware ? { platform: { firmware } } : {}),
  hostBridges: [
    {
      hostFunction: { vendor: 0x8086, device: 0x29c0, classCode: 0x060000 },
      children: [
        port(1, [
          {
            kind: "switch",
            upstream: { vendor: 0x104c, device: 0x8232, label: "up" },
            downstream: [0, 1, 2].map((slot) => ({ slot, label: `dp${slot}`, children: [nvme(`n${slot}`, slot < 2 ? cmb : null)] })),
          },
        ]),
        port(2, [nvme("n3", cmb)]),
        { kind: "rc-endpoint", slot: 0x1f, function: 0, vendor: 0x8086, device: 0x2918, classCode: 0x060100 },
        { kind: "rc-endpoint", slot: 0x1f, function: 2, vendor: 0x8086, device: 0x2922, label: "ahci", bars: [{ index: 5, size: 4n * K }] },
      ],
    },
  ],
});

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const range = (r: { start: bigint; end: bigint }): string => `${hex(r.start)}-${hex(r.end)}`;

describe("SeaBIOS placement", () => {
  test("matches the real q35 machine's BARs and bridge windows", () => {
    const { labels } = buildSystem(machine("seabios"));
    const at = (l: string, i: number): string => range(labels.get(l)!.resources[i]!);
    expect([at("rp1", 0), at("rp2", 0), at("ahci", 5)]).toEqual(["0xfea00000-0xfea00fff", "0xfea01000-0xfea01fff", "0xfea02000-0xfea02fff"]);
    expect([at("rp1", 14), at("rp1", 15)]).toEqual(["0xfe200000-0xfe7fffff", "0xec000000-0xf7ffffff"]);
    expect([at("rp2", 14), at("rp2", 15)]).toEqual(["0xfe800000-0xfe9fffff", "0xf8000000-0xfbffffff"]);
    expect([at("up", 14), at("up", 15)]).toEqual(["0xfe200000-0xfe7fffff", "0xec000000-0xf7ffffff"]);
    expect([at("dp0", 14), at("dp0", 15)]).toEqual(["0xfe600000-0xfe7fffff", "0xf0000000-0xf3ffffff"]);
    expect([at("dp1", 14), at("dp1", 15)]).toEqual(["0xfe400000-0xfe5fffff", "0xec000000-0xefffffff"]);
    // An empty prefetchable window of a hot-plug port still gets 2 MiB.
    expect([at("dp2", 14), at("dp2", 15)]).toEqual(["0xfe200000-0xfe3fffff", "0xf4000000-0xf41fffff"]);
    expect([at("n0", 0), at("n0", 2), at("n1", 2), at("n2", 0), at("n3", 2)]).toEqual([
      "0xfe600000-0xfe603fff",
      "0xf0000000-0xf3ffffff",
      "0xec000000-0xefffffff",
      "0xfe200000-0xfe203fff",
      "0xf8000000-0xfbffffff",
    ]);
  });

  test("the default policy still places 64-bit prefetchable BARs above 4 GiB", () => {
    const { labels } = buildSystem(machine(undefined));
    expect(labels.get("n3")!.resources[2]!.start >= 4n * G).toBe(true);
  });

  test("moves the 64-bit entries above 4 GiB when the 32-bit hole is too small", () => {
    // Three 512 MiB CMBs do not fit in 0xc0000000-0xfebfffff: the 64-bit prefetchable windows
    // go from 4 GiB (largest first), the non-prefetchable BARs stay in the hole.
    const { labels } = buildSystem(machine("seabios", 512n * M));
    expect(range(labels.get("rp1")!.resources[15]!)).toBe("0x100000000-0x15fffffff");
    expect(range(labels.get("rp2")!.resources[15]!)).toBe("0x160000000-0x17fffffff");
    expect(labels.get("n0")!.resources[0]!.end < 4n * G).toBe(true);
    expect(range(labels.get("ahci")!.resources[5]!)).toBe("0xfea02000-0xfea02fff");
  });

  test("rejects explicit memoryWindows", () => {
    const spec = machine("seabios");
    const bad: TopologySpec = { ...spec, hostBridges: [{ ...spec.hostBridges[0]!, memoryWindows: [{ base: 0xc0000000n, size: 256n * M }] }] };
    expect(() => buildSystem(bad)).toThrow(TopologySpecError);
  });
});
