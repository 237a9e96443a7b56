/**
 * SR-IOV VFs (`pci_enable_sriov` / `pci_iov_add_virtfn`): routing ID = PF + First VF Offset +
 * n * VF Stride, BARs carved from the PF's VF BAR resources 7-12, VF ids from the PF.
 */
import { describe, expect, test } from "vitest";
import type { EndpointSpec, RootPortSpec, TopologySpec } from "../../src/topology/schema";
import { buildSystem } from "../../src/enumerate/build";
import { upstreamBridge } from "../../src/upstream";

const M = 1n << 20n;

function pfSpec(offset: number, stride: number, numVFs: number, totalVFs = 8): TopologySpec {
  return {
    hostBridges: [
      {
        children: [
          {
            kind: "root-port",
            vendor: 0x8086,
            device: 0x2030,
            children: [
              {
                kind: "endpoint",
                label: "pf",
                vendor: 0x15b3,
                device: 0x1017,
                classCode: 0x020000,
                bars: [{ index: 0, size: 32n * M, bits: 64, prefetchable: true }],
                sriov: { totalVFs, numVFs, vfDevice: 0x1018, offset, stride, bars: [{ index: 0, size: M, bits: 64, prefetchable: true }, { index: 2, size: 16n * 1024n }] },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe("SR-IOV VFs", () => {
  test("routing IDs, ids, PF relation, registration after the PF", () => {
    const { system, labels } = buildSystem(pfSpec(2, 2, 3));
    const pf = labels.get("pf")!;
    expect(pf.virtfns.map((v) => v.name)).toEqual(["0000:01:00.2", "0000:01:00.4", "0000:01:00.6"]);
    const vf = pf.virtfns[1]!;
    expect([vf.vendor, vf.device, vf.classCode, vf.isVirtfn, vf.physfn]).toEqual([0x15b3, 0x1018, 0x020000, true, pf]);
    expect(upstreamBridge(vf)!.name).toBe("0000:00:00.0");
    expect(system.devices.map((d) => d.name)).toEqual(["0000:00:00.0", "0000:01:00.0", "0000:01:00.2", "0000:01:00.4", "0000:01:00.6"]);
  });

  test("PF VF BAR resources hold TotalVFs slices; VF n gets slice n", () => {
    const { labels } = buildSystem(pfSpec(1, 1, 2));
    const pf = labels.get("pf")!;
    const iov0 = pf.resources[7]!;
    const iov2 = pf.resources[9]!;
    // 8 x 1M prefetchable 64-bit (above 4G) and 8 x 16K 32-bit (below 4G).
    expect(iov0.end - iov0.start + 1n).toBe(8n * M);
    expect(iov0.flags).toBe(0x14220c);
    expect(iov2.end - iov2.start + 1n).toBe(8n * 16384n);
    expect(iov2.flags).toBe(0x40200);
    const [vf0, vf1] = pf.virtfns;
    expect([vf0!.resources[0]!.start - iov0.start, vf1!.resources[0]!.start - iov0.start]).toEqual([0n, M]);
    expect(vf1!.resources[0]!.end - vf1!.resources[0]!.start + 1n).toBe(M);
    expect(vf1!.resources[2]!.start).toBe(iov2.start + 16384n);
    expect(vf1!.resources[0]!.flags).toBe(iov0.flags);
  });

  test("VFs beyond the PF's bus land on a virtual bus firmware reserved", () => {
    // offset 0x100: VF0 at routing ID 0x0100 + 0x100 -> bus 02, devfn 00.
    const { system, labels } = buildSystem(pfSpec(0x100, 1, 2));
    const vfs = labels.get("pf")!.virtfns;
    expect(vfs.map((v) => v.name)).toEqual(["0000:02:00.0", "0000:02:00.1"]);
    expect(vfs[0]!.bus.self).toBeNull();
    expect(system.getDeviceByName("0000:00:00.0")!.config.read8(0x1a)).toBe(2); // subordinate covers bus 02
  });

  test("VF routing IDs colliding with another function are refused", () => {
    const base = pfSpec(1, 1, 1);
    const port = base.hostBridges[0]!.children![0]! as RootPortSpec;
    const pf = port.children![0]! as EndpointSpec;
    const spec: TopologySpec = {
      hostBridges: [
        {
          children: [
            {
              ...port,
              children: [
                { ...pf, slot: 0, function: 0 },
                { kind: "endpoint", slot: 0, function: 1, vendor: 0x15b3, device: 0x1017, label: "fn1" },
              ],
            },
          ],
        },
      ],
    };
    expect(() => buildSystem(spec)).toThrow("hostBridges[0].children[0].children[0].sriov: VF 0 would be 0000:01:00.1, which is already fn1 (change offset/stride)");
  });
});
