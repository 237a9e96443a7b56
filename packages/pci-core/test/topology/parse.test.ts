/** Parsing and defaults of the topology format (docs/topology-format.md). */
import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { loadTopologyFile } from "../../src/enumerate/load";
import { parseTopology } from "../../src/topology/parse";
import { PCI_HEADER_TYPE } from "../../src/spec/header";

const small = `---
name: small
cmdline: pci=disable_acs_redir=0000:00:00.0 quiet
platform: { cpu: amd:0x19, iommu: true }
hostBridges:
  - children:
      - kind: rc-endpoint
        slot: 4
        vendor: 0x8086
        device: 0x2021
        label: ioat
      - kind: root-port
        vendor: 0x1022
        device: 0x1483
        acs: { cap: 0x1d }
        children:
          - kind: switch
            upstream: { vendor: 0x10b5, device: 0x8747 }
            downstream:
              - { acs: { cap: [SV, RR, CR, UF] }, children: [{ kind: endpoint, slot: 0, function: 0, vendor: 0x144d, device: 0xa808, label: f0 }, { kind: endpoint, slot: 0, function: 1, vendor: 0x144d, device: 0xa808, label: f1 }] }
              - children:
                  - kind: pci-bridge
                    vendor: 0x8086
                    device: 0x244e
                    children:
                      - { kind: endpoint, vendor: 0x8086, device: 0x100e, label: legacy0 }
                      - { kind: endpoint, vendor: 0x8086, device: 0x100e, label: legacy1 }
`;

describe("parsing and defaults", () => {
  test("a spec parses to typed values", () => {
    const spec = parseTopology(small, "s.yaml");
    expect(spec.cmdline).toEqual(["pci=disable_acs_redir=0000:00:00.0", "quiet"]);
    expect(spec.platform).toEqual({ cpu: { vendor: "amd", family: 0x19 }, iommu: true });
    expect(spec.hostBridges[0]!.children![1]).toMatchObject({ kind: "root-port", acs: { cap: 0x1d, ctl: 0 } });
  });

  test("JSON with the same structure builds the same machine", () => {
    const json = JSON.stringify(parseYaml(small));
    const a = loadTopologyFile(small, "s.yaml").system.devices.map((d) => [d.name, d.type, d.label]);
    const b = loadTopologyFile(json, "s.json").system.devices.map((d) => [d.name, d.type, d.label]);
    expect(b).toEqual(a);
  });

  test("slots, functions, kinds and defaults as documented", () => {
    const { system, labels } = loadTopologyFile(small, "s.yaml");
    expect(system.devices.map((d) => [d.name, d.type, d.label ?? null])).toEqual([
      // Root bus: the root port takes the lowest free slot (0); the RC endpoint sits at 04.0.
      ["0000:00:00.0", "root-port", null],
      ["0000:00:04.0", "rc-endpoint", "ioat"],
      ["0000:01:00.0", "upstream-port", null],
      ["0000:02:00.0", "downstream-port", null],
      ["0000:02:01.0", "downstream-port", null],
      ["0000:03:00.0", "endpoint", "f0"],
      ["0000:03:00.1", "endpoint", "f1"],
      ["0000:04:00.0", "pci-bridge", null],
      ["0000:05:00.0", "endpoint", "legacy0"],
      ["0000:05:01.0", "endpoint", "legacy1"],
    ]);
    // Downstream ports inherit the upstream port's ids; bridges default to class 0x060400.
    const dsp = system.getDeviceByName("0000:02:01.0")!;
    expect([dsp.vendor, dsp.device, dsp.classCode]).toEqual([0x10b5, 0x8747, 0x060400]);
    // Two functions in one slot: the multi-function bit is set on both.
    expect([labels.get("f0")!.multifunction, labels.get("f1")!.multifunction, labels.get("legacy0")!.multifunction]).toEqual([true, true, false]);
    expect(labels.get("f0")!.config.read8(PCI_HEADER_TYPE)).toBe(0x80);
    // Endpoints default to class 0xff0000 and an 8 GT/s x4 link; conventional ones have no PCIe capability.
    const f0 = labels.get("f0")!;
    expect([f0.classCode, f0.config.read16(f0.pcieCap + 0x12)]).toEqual([0xff0000, 3 | (4 << 4)]);
    expect(labels.get("legacy0")!.pcieCap).toBe(0);
    expect(system.platform).toEqual({ cpuVendor: "amd", cpuFamily: 0x19, arch: "x86" });
  });

  test("platform.iommu enables ACS at boot and pci=disable_acs_redir= then clears the redirect bits", () => {
    const { system, acsLog } = loadTopologyFile(small, "s.yaml");
    // 6.12: the root port's firmware control 0 -> IOMMU enabling (SV|RR|CR|UF) -> disable_acs_redir
    // recomputes from the firmware value: (0 & ~0x2c) | (~0x2c & 0x2c) = 0 (SV and UF go too).
    expect(system.getDeviceByName("0000:00:00.0")!.acs()).toEqual({ cap: 0x1d, ctl: 0 });
    // The downstream port is not named: the IOMMU's ACS stays on.
    expect(system.getDeviceByName("0000:02:00.0")!.acs()).toEqual({ cap: 0x1d, ctl: 0x1d });
    expect(acsLog.map((l) => l.text)).toEqual(["pci 0000:00:00.0: Configured ACS to 0x0000"]);
  });
});
