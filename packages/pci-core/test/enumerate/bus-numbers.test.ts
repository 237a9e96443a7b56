/**
 * Bus numbering as firmware and `pci_scan_bridge_extend` do it: depth first in devfn order,
 * secondary = next free bus, subordinate = last bus of the subtree, programmed into config.
 */
import { describe, expect, test } from "vitest";
import type { EndpointSpec, NodeSpec, TopologySpec } from "../../src/topology/schema";
import { buildSystem } from "../../src/enumerate/build";
import { PCI_PRIMARY_BUS, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS } from "../../src/spec/header";

const ep = (label: string, extra: Partial<EndpointSpec> = {}): EndpointSpec => ({ kind: "endpoint", vendor: 0x8086, device: 0x0a54, label, ...extra });
const sw = (...ports: NodeSpec[][]): NodeSpec => ({
  kind: "switch",
  upstream: { vendor: 0x10b5, device: 0x8796 },
  downstream: ports.map((children) => ({ children })),
});
const rp = (children: NodeSpec[]): NodeSpec => ({ kind: "root-port", vendor: 0x8086, device: 0x2030, children });

function buses(spec: TopologySpec): Record<string, [number, number, number]> {
  const { system } = buildSystem(spec);
  const out: Record<string, [number, number, number]> = {};
  for (const d of system.devices) {
    if (!d.isBridge) continue;
    out[d.name] = [d.config.read8(PCI_PRIMARY_BUS), d.config.read8(PCI_SECONDARY_BUS), d.config.read8(PCI_SUBORDINATE_BUS)];
  }
  return out;
}

describe("bus numbering (depth first, devfn order)", () => {
  test("nested switches and two root ports", () => {
    // Root bus 00: host function 00.0, root port A (01.0), root port B (02.0).
    // A -> bus 01 (switch S1 upstream) -> bus 02 (S1 downstream ports 00.0, 01.0).
    //   02:00.0 -> bus 03 (endpoint a), subordinate 03.
    //   02:01.0 -> bus 04 (switch S2 upstream) -> bus 05 (S2 downstream 00.0, 01.0)
    //     05:00.0 -> bus 06 (b), 05:01.0 -> bus 07 (c); so S2 and 02:01.0 end at 07.
    //   S1 upstream and A end at 07 as well.
    // B gets the next free bus, 08, and ends there.
    const spec: TopologySpec = {
      hostBridges: [
        {
          hostFunction: { vendor: 0x8086, device: 0x2020 },
          children: [rp([sw([ep("a")], [sw([ep("b")], [ep("c")])])]), rp([ep("d")])],
        },
      ],
    };
    expect(buses(spec)).toEqual({
      "0000:00:01.0": [0x00, 0x01, 0x07],
      "0000:00:02.0": [0x00, 0x08, 0x08],
      "0000:01:00.0": [0x01, 0x02, 0x07],
      "0000:02:00.0": [0x02, 0x03, 0x03],
      "0000:02:01.0": [0x02, 0x04, 0x07],
      "0000:04:00.0": [0x04, 0x05, 0x07],
      "0000:05:00.0": [0x05, 0x06, 0x06],
      "0000:05:01.0": [0x05, 0x07, 0x07],
    });
  });

  test("a root bus other than 0 and an empty root port", () => {
    // Root bus 0x17 (a Skylake-SP stack): 17:00.0 -> 18 (empty, subordinate 18), 17:01.0 -> 19.
    const spec: TopologySpec = { hostBridges: [{ rootBus: 0x17, busEnd: 0x39, children: [rp([]), rp([ep("x")])] }] };
    expect(buses(spec)).toEqual({ "0000:17:00.0": [0x17, 0x18, 0x18], "0000:17:01.0": [0x17, 0x19, 0x19] });
  });

  test("SR-IOV: buses for VFs are reserved right after the PF's bus, before bridges are numbered", () => {
    // PF at 01:00.0 with TotalVFs 300, offset 1, stride 1: the last VF's routing ID is
    // 0x0100 + 1 + 299 = 0x022c -> bus 0x02, so buses 02 are reserved (pci_iov_bus_range) and
    // root port B gets bus 03 (not 02).
    const pf = ep("pf", { sriov: { totalVFs: 300, numVFs: 2, vfDevice: 0x1018 } });
    const spec: TopologySpec = { hostBridges: [{ children: [rp([pf]), rp([ep("y")])] }] };
    expect(buses(spec)).toEqual({ "0000:00:00.0": [0, 1, 2], "0000:00:01.0": [0, 3, 3] });
  });

  test("the secondary bus of each bridge becomes its subordinate PciBus", () => {
    const { system } = buildSystem({ hostBridges: [{ children: [rp([sw([ep("a")])])] }] });
    expect(system.allBuses().map((b) => b.name)).toEqual(["0000:00", "0000:01", "0000:02", "0000:03"]);
  });
});
