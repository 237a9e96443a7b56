/** mergeFacts: known beats unknown, conflicts name both sources, config prefixes extend. */
import { describe, expect, it } from "vitest";
import type { MachineFacts } from "../../src/import/facts";
import { CaptureParseError } from "../../src/import/facts";
import { importLspciHex } from "../../src/import/lspci-hex";
import { importLspciTree } from "../../src/import/lspci-tree";
import { importLspciVerbose } from "../../src/import/lspci-verbose";
import { mergeFacts } from "../../src/import/merge";

const m = (name: string, functions: MachineFacts["functions"]): MachineFacts => ({ functions, sources: [{ name, format: "lspci-verbose" }] });

describe("mergeFacts", () => {
  it("combines a tree, a verbose capture and a hex dump of one machine", () => {
    const tree = importLspciTree("tree.txt", "-[0000:00]-+-00.0  Host\n           \\-01.0-[01]----00.0  NVMe [144d:a808]\n");
    const verbose = importLspciVerbose(
      "v.txt",
      "00:01.0 PCI bridge [0604]: X [1022:1483] (prog-if 00 [Normal decode])\n\tNUMA node: 0\n\tCapabilities: [2a0 v1] Access Control Services\n\t\tACSCap:\tSrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans+\n\t\tACSCtl:\tSrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl- DirectTrans-\n",
    );
    const hex = importLspciHex("x.txt", `01:00.0 NVMe\n${["00: 4d 14 08 a8 00 00 00 00 00 02 08 01 00 00 00 00", ...[1, 2, 3].map((i) => `${i}0: ${"00 ".repeat(15)}00`)].join("\n")}\n`);
    const all = mergeFacts([tree, verbose, hex]);
    const rp = all.functions.find((f) => f.bdf === "0000:00:01.0")!;
    expect(rp).toMatchObject({ parent: null, secondaryBus: 1, classCode: 0x060400, vendor: 0x1022, numaNode: 0, acs: { cap: 0x5f, ctl: 0 } });
    const ep = all.functions.find((f) => f.bdf === "0000:01:00.0")!;
    expect(ep).toMatchObject({ parent: "0000:00:01.0", vendor: 0x144d, device: 0xa808, classCode: 0x010802, deviceName: "NVMe" });
    expect(all.sources.map((s) => s.name)).toEqual(["tree.txt", "v.txt", "x.txt"]);
  });

  it("rejects two captures stating different values, naming both, the bdf and the field", () => {
    const run = (): MachineFacts => mergeFacts([m("a.txt", [{ bdf: "0000:00:01.0", numaNode: 0 }]), m("b.txt", [{ bdf: "0000:00:01.0", numaNode: 1 }])]);
    expect(run).toThrow(CaptureParseError);
    expect(run).toThrow("a.txt + b.txt: 0000:00:01.0: conflict in numaNode: a.txt says 0, b.txt says 1");
  });

  it("a known ACS state beats unknown; two known states must agree", () => {
    const known = m("root.txt", [{ bdf: "0000:00:01.0", acs: { cap: 0x1f, ctl: 0x1d } }]);
    const unknown = m("user.txt", [{ bdf: "0000:00:01.0", acs: "unknown" }]);
    expect(mergeFacts([unknown, known]).functions[0]!.acs).toEqual({ cap: 0x1f, ctl: 0x1d });
    expect(() => mergeFacts([known, m("c.txt", [{ bdf: "0000:00:01.0", acs: "absent" }])])).toThrow(/conflict in acs/);
  });

  it("config bytes: the longer capture wins when it extends the shorter byte for byte", () => {
    const short = Uint8Array.from({ length: 64 }, (_, i) => i);
    const long = Uint8Array.from({ length: 256 }, (_, i) => i & 0xff);
    const merged = mergeFacts([m("a", [{ bdf: "0000:00:00.0", config: short }]), m("b", [{ bdf: "0000:00:00.0", config: long }])]);
    expect(merged.functions[0]!.config).toEqual(long);
    const other = long.slice();
    other[3] = 0xee;
    expect(() => mergeFacts([m("a", [{ bdf: "0000:00:00.0", config: short }]), m("b", [{ bdf: "0000:00:00.0", config: other }])])).toThrow(/conflict in config/);
  });

  it("a 16-bit class must match the upper bits of a 24-bit class", () => {
    expect(mergeFacts([m("a", [{ bdf: "0000:00:00.0", class16: 0x0604 }]), m("b", [{ bdf: "0000:00:00.0", classCode: 0x060400 }])]).functions[0]).toEqual({ bdf: "0000:00:00.0", classCode: 0x060400 });
    expect(() => mergeFacts([m("a", [{ bdf: "0000:00:00.0", class16: 0x0200 }]), m("b", [{ bdf: "0000:00:00.0", classCode: 0x060400 }])])).toThrow(/conflict in class/);
  });

  it("merges link facts field by field and host bridges and platform", () => {
    const a: MachineFacts = { functions: [{ bdf: "0000:00:01.0", link: { speedGTs: 8 } }], hostBridges: [{ domain: 0, rootBus: 0 }], platform: { cpuVendor: "amd" }, sources: [{ name: "a", format: "sysfs-dir" }] };
    const b: MachineFacts = { functions: [{ bdf: "0000:00:01.0", link: { width: 16 } }], hostBridges: [{ domain: 0, rootBus: 0, numaNode: 1 }], platform: { cpuFamily: 0x19 }, sources: [{ name: "b", format: "hwloc-xml" }] };
    const r = mergeFacts([a, b]);
    expect(r.functions[0]!.link).toEqual({ speedGTs: 8, width: 16 });
    expect(r.hostBridges).toEqual([{ domain: 0, rootBus: 0, numaNode: 1 }]);
    expect(r.platform).toEqual({ cpuVendor: "amd", cpuFamily: 0x19 });
  });
});
