import { describe, expect, it } from "vitest";
import { systemFromFacts } from "../src/machine/from-facts";
import { seedFacts } from "./helpers/facts";
import { EACCES, ENOENT } from "../src/errno";

describe("PCI sysfs attributes (pci-sysfs.c formats)", () => {
  const sys = systemFromFacts(seedFacts());
  const base = "/bus/pci/devices/0000:04:00.0";

  it("nests device directories as the kernel does and links them from bus/pci/devices", () => {
    expect(sys.sysfs.lookup(base, false)).toEqual({
      kind: "link",
      name: "0000:04:00.0",
      target: "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/0000:04:00.0",
    });
  });

  it("formats ids, class, revision and numa_node", () => {
    expect(sys.sysfs.read(`${base}/vendor`)).toBe("0x144d\n");
    expect(sys.sysfs.read(`${base}/device`)).toBe("0xa808\n");
    expect(sys.sysfs.read(`${base}/class`)).toBe("0x010802\n");
    expect(sys.sysfs.read(`${base}/revision`)).toBe("0x00\n");
    expect(sys.sysfs.read(`${base}/numa_node`)).toBe("0\n");
  });

  it("resource: 13 lines for an endpoint, 17 for a bridge, `0x%016llx` triples", () => {
    const text = sys.sysfs.read(`${base}/resource`) as string;
    const lines = text.split("\n").filter(Boolean);
    expect(lines).toHaveLength(13);
    expect(lines[0]).toBe("0x00000000f0000000 0x00000000f0003fff 0x0000000000140204");
    expect(lines[1]).toBe("0x0000000000000000 0x0000000000000000 0x0000000000000000");
    expect(lines[2]).toBe("0x0000038004000000 0x0000038007ffffff 0x000000000014220c");
    const bridge = (sys.sysfs.read("/bus/pci/devices/0000:00:01.0/resource") as string).split("\n").filter(Boolean);
    expect(bridge).toHaveLength(17);
  });

  it("link attributes for PCIe functions only", () => {
    expect(sys.sysfs.read("/bus/pci/devices/0000:00:00.0/current_link_speed")).toBe(-ENOENT);
    expect(sys.sysfs.read(`${base}/current_link_speed`)).toBe("Unknown\n");
    expect(sys.sysfs.read("/bus/pci/devices/0000:00:01.0/secondary_bus_number")).toBe("1\n");
    expect(sys.sysfs.read("/bus/pci/devices/0000:00:01.0/subordinate_bus_number")).toBe("6\n");
  });

  it("config reads the whole config space; read-only attributes refuse writes", () => {
    const cfg = sys.sysfs.read(`${base}/config`) as Uint8Array;
    expect(cfg.length).toBe(256);
    expect([...cfg.slice(0, 4)]).toEqual([0x4d, 0x14, 0x08, 0xa8]);
    expect(sys.sysfs.write(`${base}/vendor`, "0x1234")).toBe(-EACCES);
  });
});
