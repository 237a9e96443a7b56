import { describe, expect, it } from "vitest";
import { PciSystem, TopologyError } from "../src/system";
import { systemFromFacts } from "../src/machine/from-facts";
import { upstreamBridge, upstreamChain, findParentPciDev } from "../src/upstream";
import { KDevice } from "../src/device";
import { seedFacts, endpoint, rootPort, hostBridgeFn } from "./helpers/facts";
import type { PciFunction } from "../src/pci-function";

function dev(sys: PciSystem, name: string): PciFunction {
  const d = sys.getDeviceByName(name);
  if (!d) throw new Error(`no ${name}`);
  return d;
}

describe("devices and topology (spec 1.1, 1.2)", () => {
  const sys = systemFromFacts(seedFacts());

  it("registers functions in the kernel's scan order: a whole bus, then each bridge's bus", () => {
    expect(sys.devices.map((d) => d.name)).toEqual([
      "0000:00:00.0",
      "0000:00:01.0",
      "0000:00:02.0",
      "0000:01:00.0",
      "0000:02:00.0",
      "0000:02:01.0",
      "0000:02:02.0",
      "0000:02:03.0",
      "0000:03:00.0",
      "0000:04:00.0",
      "0000:05:00.0",
      "0000:06:00.0",
      "0000:06:00.1",
      "0000:07:00.0",
    ]);
  });

  it("types functions from their PCI Express capability", () => {
    expect(dev(sys, "0000:00:00.0").type).toBe("host-bridge");
    expect(dev(sys, "0000:00:01.0").type).toBe("root-port");
    expect(dev(sys, "0000:01:00.0").type).toBe("upstream-port");
    expect(dev(sys, "0000:02:01.0").type).toBe("downstream-port");
    expect(dev(sys, "0000:04:00.0").type).toBe("endpoint");
  });

  it("upstream(): root-bus functions have none; others the bridge owning their bus", () => {
    expect(upstreamBridge(dev(sys, "0000:00:01.0"))).toBeNull();
    expect(upstreamBridge(dev(sys, "0000:00:00.0"))).toBeNull();
    expect(upstreamBridge(dev(sys, "0000:01:00.0"))?.name).toBe("0000:00:01.0");
    expect(upstreamChain(dev(sys, "0000:04:00.0")).map((d) => d.name)).toEqual([
      "0000:04:00.0",
      "0000:02:01.0",
      "0000:01:00.0",
      "0000:00:01.0",
    ]);
  });

  it("lookup by name is exact but ignores one trailing newline (bus_find_device_by_name)", () => {
    expect(sys.getDeviceByName("0000:04:00.0\n")?.name).toBe("0000:04:00.0");
    expect(sys.getDeviceByName("0000:04:00.0\n\n")).toBeNull();
    expect(sys.getDeviceByName("04:00.0")).toBeNull();
    expect(sys.getDeviceByName("0000:04:00.0 ")).toBeNull();
    expect(sys.getDeviceByName("0000:04:00.00")).toBeNull();
  });

  it("find_parent_pci_dev walks the generic device parents to the first PCI function", () => {
    const ctrl = new KDevice("nvme0", dev(sys, "0000:04:00.0"));
    const disk = new KDevice("nvme0n1", ctrl);
    expect(findParentPciDev(disk)?.name).toBe("0000:04:00.0");
    expect(findParentPciDev(new KDevice("rxe0", null))).toBeNull();
  });

  it("SR-IOV: a VF's upstream is its PF's", () => {
    const facts = seedFacts();
    const withVfs = {
      ...facts,
      functions: [
        ...facts.functions,
        endpoint("0000:05:00.2", { physfn: "0000:05:00.0" }),
        endpoint("0000:05:00.3", { physfn: "0000:05:00.0" }),
      ],
    };
    const s = systemFromFacts(withVfs);
    const vf = dev(s, "0000:05:00.2");
    expect(vf.physfn?.name).toBe("0000:05:00.0");
    expect(upstreamBridge(vf)?.name).toBe("0000:02:02.0");
    expect(dev(s, "0000:05:00.0").virtfns.map((v) => v.name)).toEqual(["0000:05:00.2", "0000:05:00.3"]);
    expect(s.sysfs.lookup("/bus/pci/devices/0000:05:00.0/virtfn1", false)).toMatchObject({ kind: "link" });
    expect(s.devices.at(-1)?.name).toBe("0000:05:00.3");
  });

  it("refuses impossible topologies with a clear message", () => {
    const facts = seedFacts();
    const clash = { ...facts, functions: [...facts.functions, rootPort("0000:00:03.0", 7, 7)] };
    expect(() => systemFromFacts(clash)).toThrow(/0000:00:03.0 and 0000:00:02.0 both claim bus 07/);
    const orphan = {
      ...facts,
      functions: facts.functions.filter((f) => f.bdf !== "0000:02:02.0"),
    };
    expect(() => systemFromFacts(orphan)).toThrow(/bus 0000:05 lies behind 0000:00:01.0 but no bridge in the input leads to it/);
    const s = new PciSystem();
    const hb = s.addHostBridge({ domain: 0, rootBus: 0 });
    expect(() => s.addHostBridge({ domain: 0, rootBus: 0 })).toThrow(TopologyError);
    const one = systemFromFacts({ sources: [], functions: [hostBridgeFn()] });
    expect(one.devices).toHaveLength(1);
    void hb;
  });
});
