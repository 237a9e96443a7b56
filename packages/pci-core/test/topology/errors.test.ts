/**
 * Validation errors of topology files: every malformed document fails with a
 * TopologySpecError whose message points at the offending place (file:line:column: path).
 */
import { describe, expect, test } from "vitest";
import { loadTopologyFile } from "../../src/enumerate/load";
import { TopologySpecError } from "../../src/topology/errors";

const hb = (children: string): string => `hostBridges:\n  - hostFunction: { vendor: 0x8086, device: 0x2020 }\n    children:\n${children}`;
const ep = (extra = "", indent = "          "): string =>
  `${indent}- kind: endpoint\n${indent}  vendor: 0x8086\n${indent}  device: 0x0a54\n${extra
    .split("\n")
    .filter(Boolean)
    .map((l) => `${indent}  ${l}`)
    .join("\n")}\n`;
const rp = (kids: string, extra = ""): string => `      - kind: root-port\n        vendor: 0x8086\n        device: 0x2030\n${extra}        children:\n${kids}`;
const EP = "hostBridges[0].children[0].children[0]";

const cases: [string, string, string][] = [
  ["YAML syntax error", "hostBridges: [\n  - a: 1\n", "t.yaml:2:3: YAML syntax error: Block collections are not allowed within flow collections"],
  ["duplicate key", "name: a\nname: b\nhostBridges: []\n", "t.yaml:2:1: duplicate key (keys must be unique)"],
  ["empty document", "", "t.yaml:1:1: the document is empty (expected a mapping with hostBridges)"],
  ["not a mapping", "- 1\n", "t.yaml:1:1: expected a topology (a mapping), got a list"],
  ["unknown key, did you mean", "name: x\nhostBridge: []\n", 't.yaml:2:1: hostBridge: unknown key "hostBridge" in a topology (did you mean "hostBridges"?)'],
  ["unknown key, transposed letters", hb(rp(ep("lable: x"))), `t.yaml:11:13: ${EP}.lable: unknown key "lable" in an endpoint (did you mean "label"?)`],
  ["missing hostBridges", "name: x\n", 't.yaml:1:1: missing "hostBridges" (a list of host bridges)'],
  ["no host bridge", "hostBridges: []\n", "t.yaml:1:14: hostBridges: a topology needs at least one host bridge"],
  ["wrong type", "hostBridges: 3\n", "t.yaml:1:14: hostBridges: expected host bridges (a list), got 3"],
  ["size with a bad unit", hb(rp(ep("bars: [{ index: 0, size: 16Q }]"))), `t.yaml:11:38: ${EP}.bars[0].size: "16Q" is not a size (use 4096, 64K, 16M, 1G)`],
  ["size not a power of two", hb(rp(ep("bars: [{ index: 0, size: 24K }]"))), `t.yaml:11:38: ${EP}.bars[0].size: a BAR size must be a power of two, not 24576`],
  ["size below 16 bytes", hb(rp(ep("bars: [{ index: 0, size: 8 }]"))), `t.yaml:11:38: ${EP}.bars[0].size: 8 is below the smallest memory BAR (16 bytes)`],
  ["BAR index out of range", hb(rp(ep("bars: [{ index: 6, size: 4K }]"))), `t.yaml:11:29: ${EP}.bars[0].index: 6 is out of range (0..5)`],
  ["64-bit BAR at index 5", hb(rp(ep("bars: [{ index: 5, size: 4K, bits: 64 }]"))), `t.yaml:11:29: ${EP}.bars[0].index: a 64-bit BAR takes two registers; BAR 5 is the last one`],
  ["BAR registers overlap", hb(rp(ep("bars: [{ index: 0, size: 4K, bits: 64 }, { index: 1, size: 4K }]"))), `t.yaml:11:63: ${EP}.bars[1].index: BAR register 1 is already used by ${EP}.bars[0]`],
  ["BAR of 48 bits", hb(rp(ep("bars: [{ index: 0, size: 4K, bits: 48 }]"))), `t.yaml:11:48: ${EP}.bars[0].bits: a BAR is 32 or 64 bits wide, not 48`],
  ["32-bit BAR of 4G", hb(rp(ep("bars: [{ index: 0, size: 4G }]"))), `t.yaml:11:38: ${EP}.bars[0].size: a 32-bit BAR decodes at most 2G; use bits: 64 for 4G`],
  ["vendor out of range", hb(rp(ep().replace("0x8086", "0x18086"))), `t.yaml:9:21: ${EP}.vendor: 0x18086 is out of range (0..0xffff)`],
  ["vendor as a name", hb(rp(ep().replace("0x8086", "intel"))), `t.yaml:9:21: ${EP}.vendor: expected a vendor id, got "intel"`],
  ["unknown kind", hb(rp(ep().replace("endpoint", "endpont"))), `t.yaml:8:19: ${EP}.kind: unknown kind "endpont" (did you mean "endpoint"? kinds: root-port, switch, pci-bridge, endpoint, rc-endpoint)`],
  ["children of an endpoint", hb(rp(ep("children: []"))), `t.yaml:11:13: ${EP}.children: unknown key "children" in an endpoint (an endpoint has no children; put devices below a port or bridge)`],
  ["duplicate label", hb(rp(ep("label: a")) + rp(ep("label: a"))), 't.yaml:19:20: hostBridges[0].children[1].children[0].label: label "a" is already used by hostBridges[0].children[0].children[0]'],
  ["duplicate slot", hb(rp(ep(), "        slot: 3\n") + rp(ep(), "        slot: 3\n")), "t.yaml:16:15: hostBridges[0].children[1]: slot 3 function 0 is already taken by hostBridges[0].children[0]"],
  ["slot of the host function", hb(rp(ep(), "        slot: 0\n")), "t.yaml:7:15: hostBridges[0].children[0]: slot 0 function 0 is already taken by the host-bridge function"],
  ["two devices below a link", hb(rp(ep() + ep())), "t.yaml:12:13: hostBridges[0].children[0].children[1]: a PCIe link has room for one device (slot 0); put a switch below the port to attach more"],
  ["slot 2 below a link", hb(rp(ep("slot: 2"))), `t.yaml:11:19: ${EP}: slot 2 is not reachable below a PCIe link: a root or downstream port leads to device 0 only`],
  ["function without function 0", hb(rp(ep(), "        slot: 3\n        function: 1\n")), "t.yaml:8:19: hostBridges[0].children[0]: slot 3 has function 1 but no function 0 (the kernel scans the other functions only when function 0 exists)"],
  ["function without slot", hb(rp(ep(), "        function: 1\n")), "t.yaml:7:19: hostBridges[0].children[0]: function 1 needs an explicit slot (the device's function 0 decides the slot)"],
  ["more than 32 slots", hb(Array.from({ length: 32 }, () => rp(ep())).join("")), "t.yaml:252:9: hostBridges[0].children[31]: no free slot: a bus has 32 slots (0-31)"],
  ["switch on a root bus", hb("      - kind: switch\n        upstream: { vendor: 0x10b5, device: 0x8796 }\n        downstream: [{}]\n"), "t.yaml:4:15: hostBridges[0].children[0].kind: a switch hangs below a root port or a switch downstream port (its upstream port is the device at the other end of a link)"],
  ["switch with an endpoint as upstream", hb(rp("          - kind: switch\n            upstream: { kind: endpoint, vendor: 0x10b5, device: 0x8796 }\n            downstream: [{}]\n")), `t.yaml:9:25: ${EP}.upstream.kind: unknown key "kind" in the switch upstream port (a switch's upstream is always its upstream port; give only its properties)`],
  ["switch without downstream ports", hb(rp("          - kind: switch\n            upstream: { vendor: 0x10b5, device: 0x8796 }\n            downstream: []\n")), `t.yaml:10:25: ${EP}.downstream: a switch needs at least one downstream port`],
  ["endpoint on a root bus", hb(ep("", "      ")), "t.yaml:4:15: hostBridges[0].children[0].kind: an endpoint on a root bus is root-complex integrated: use kind: rc-endpoint (or put it below a root port)"],
  ["RC endpoint below a port", hb(rp(ep().replace("kind: endpoint", "kind: rc-endpoint"))), `t.yaml:8:19: ${EP}.kind: a root-complex integrated endpoint sits on a root bus; below a port use kind: endpoint`],
  ["VF count above TotalVFs", hb(rp(ep("sriov: { totalVFs: 4, numVFs: 8, vfDevice: 0x1018 }"))), `t.yaml:11:43: ${EP}.sriov.numVFs: 8 VFs is above TotalVFs (4)`],
  ["VF BAR below a page", hb(rp(ep("sriov: { totalVFs: 4, numVFs: 1, vfDevice: 0x1018, bars: [{ index: 0, size: 1K }] }"))), `t.yaml:11:89: ${EP}.sriov.bars[0].size: 1K is below a page (4K): sriov_init refuses VF BARs smaller than the system page`],
  ["ACS control not in capability", hb(rp(ep(), "        acs: { cap: [SV, RR], ctl: [RR, CR] }\n")), "t.yaml:7:36: hostBridges[0].children[0].acs.ctl: control bits 0x8 are not in the capability (0x5); unimplemented controls read as 0"],
  ["unknown ACS flag", hb(rp(ep(), "        acs: { cap: [SV, RX] }\n")), 't.yaml:7:26: hostBridges[0].children[0].acs.cap[1]: unknown ACS flag "RX" (did you mean "RR"? flags: SV, TB, RR, CR, UF, EC, DT)'],
  ["link speed", hb(rp(ep("link: { speed: 7, width: 4 }"))), `t.yaml:11:28: ${EP}.link.speed: 7 is not a PCIe link speed (GT/s: 2.5, 5, 8, 16, 32, 64)`],
  ["link width", hb(rp(ep("link: { speed: 8, width: 3 }"))), `t.yaml:11:38: ${EP}.link.width: x3 is not a PCIe link width (1, 2, 4, 8, 12, 16, 32)`],
  ["link above its maximum", hb(rp(ep("link: { speed: 16, width: 4, maxSpeed: 8 }"))), `t.yaml:11:28: ${EP}.link.speed: current speed 16 GT/s is above the maximum 8 GT/s`],
  ["slot out of range", hb(rp(ep(), "        slot: 32\n")), "t.yaml:7:15: hostBridges[0].children[0].slot: 32 is out of range (0..31)"],
  ["bus number out of range", "hostBridges:\n  - rootBus: 0x100\n", "t.yaml:2:14: hostBridges[0].rootBus: 0x100 is out of range (0..255)"],
  ["CPU", "platform: { cpu: arm:8 }\nhostBridges: []\n", 't.yaml:1:18: platform.cpu: "arm:8" is not a CPU (use VENDOR:FAMILY such as amd:0x19 or intel:0x6)'],
  ["kernel mode", "kernel: 5.4\nhostBridges: []\n", "t.yaml:1:9: kernel: 5.4 is not a kernel mode (4.20, 6.12)"],
  ["alias", "name: &a x\ndescription: *a\nhostBridges: []\n", "t.yaml:2:14: description: anchors and aliases are not supported in topology files"],
  ["model without kind", hb(rp(ep("model: { cmb: 1 }"))), `t.yaml:11:20: ${EP}.model: a model needs a "kind" string (e.g. nvme, rnic, p2pmem)`],
  ["bus numbers exhausted", "hostBridges:\n  - busEnd: 1\n    children:\n" + rp(ep()) + rp(ep()), "t.yaml:12:9: hostBridges[0].children[1]: no bus number left for this bridge: hostBridges[0] ends at bus 01 (set busEnd or use another host bridge)"],
  ["overlapping host bridges", "hostBridges:\n  - busEnd: 0x7f\n  - rootBus: 0x40\n", "t.yaml:3:14: hostBridges[1].rootBus: buses 40-ff of domain 0 overlap hostBridges[0] (00-7f); set busEnd on the first one"],
  ["bus offset without windows", "hostBridges:\n  - busOffset: 0x1000\n", "t.yaml:2:16: hostBridges[0].busOffset: a host bridge with a bus offset needs explicit memoryWindows (CPU addresses)"],
  ["window across 4G", "hostBridges:\n  - memoryWindows: [{ base: 0xf0000000, size: 1G }]\n", "t.yaml:2:47: hostBridges[0].memoryWindows[0].size: a window must lie entirely below or entirely above 4G (bus addresses)"],
  ["window too small", "hostBridges:\n  - memoryWindows: [{ base: 0xf0000000, size: 1M }]\n    children:\n" + rp(ep("bars: [{ index: 0, size: 2M }]")), "t.yaml:2:20: hostBridges[0].memoryWindows: no window has room for a 2M memory range (aligned to 2M)"],
  ["JSON with a wrong type", '{"hostBridges": [{"domain": "zero"}]}', 't.yaml:1:29: hostBridges[0].domain: expected a PCI domain, got "zero"'],
];

describe("topology file errors (typed, with line:column and path)", () => {
  test.each(cases)("%s", (_name, text, message) => {
    let err: unknown;
    try {
      loadTopologyFile(text, "t.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TopologySpecError);
    expect((err as TopologySpecError).code).toBe("ETOPOLOGY_SPEC");
    expect((err as Error).message).toBe(message);
  });

  test("the error carries its parts", () => {
    try {
      loadTopologyFile(hb(rp(ep("bars: [{ index: 0, size: 16Q }]"))), "file.yaml");
      expect.unreachable();
    } catch (e) {
      const err = e as TopologySpecError;
      expect(err.source).toBe("file.yaml");
      expect(err.pos).toEqual({ line: 11, column: 38 });
      expect(err.path).toBe(`${EP}.bars[0].size`);
      expect(err.problem).toBe('"16Q" is not a size (use 4096, 64K, 16M, 1G)');
    }
  });
});
