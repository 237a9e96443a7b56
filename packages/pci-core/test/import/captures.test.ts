/**
 * Real captures collected from public sources (test/fixtures/captures/<name>/ORIGIN.md): each
 * imports, and per device the facts the capture text states come out, each assertion quoting
 * its evidence from the capture.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lspciTreeViewFromFacts, renderLspciTree } from "../../src/export/lspci-tree";
import { detectFormat, importCapture } from "../../src/import/detect";
import type { FunctionFacts, MachineFacts } from "../../src/import/facts";
import { CaptureParseError } from "../../src/import/facts";
import { mergeFacts } from "../../src/import/merge";
import { CAPTURES_DIR } from "./helpers";

const load = (path: string): MachineFacts => importCapture(path, readFileSync(CAPTURES_DIR + path));
const fn = (m: MachineFacts, bdf: string): FunctionFacts => {
  const f = m.functions.find((x) => x.bdf === bdf);
  if (!f) throw new Error(`${bdf} missing`);
  return f;
};

describe("rccl-547-microsemi (AMD, Microsemi switch, ACS redirect on)", () => {
  const tree = load("rccl-547-microsemi/lspci-tv.txt");
  const verbose = load("rccl-547-microsemi/lspci-vvv-excerpt.txt");

  it("detects both formats by content", () => {
    expect(tree.sources[0]!.format).toBe("lspci-tree");
    expect(verbose.sources[0]!.format).toBe("lspci-verbose");
  });

  it("reads the tree excerpt that starts at root bus [0000:40]", () => {
    // " +-[0000:40]-+-00.0  Advanced Micro Devices, Inc. [AMD] Starship/Matisse Root Complex"
    expect(tree.hostBridges).toEqual([{ domain: 0, rootBus: 0x40 }]);
    expect(fn(tree, "0000:40:00.0").parent).toBeNull();
    // "+-01.1-[43-53]--+-00.0-[44-53]--"
    expect(fn(tree, "0000:40:01.1")).toMatchObject({ parent: null, secondaryBus: 0x43, subordinateBus: 0x53 });
    expect(fn(tree, "0000:43:00.0")).toMatchObject({ parent: "0000:40:01.1", secondaryBus: 0x44, subordinateBus: 0x53 });
    // "+-00.0-[45]----00.0  Mellanox Technologies MT28908 Family [ConnectX-6]"
    expect(fn(tree, "0000:45:00.0")).toMatchObject({ parent: "0000:44:00.0", deviceName: "Mellanox Technologies MT28908 Family [ConnectX-6]" });
    // "|               \-00.1  PMC-Sierra Inc. Device 4000" (the switch's second function)
    expect(fn(tree, "0000:43:00.1")).toMatchObject({ parent: "0000:40:01.1", deviceName: "PMC-Sierra Inc. Device 4000" });
    // "-[48-4a]----00.0-[49-4a]----00.0-[4a]----00.0  Advanced Micro Devices, Inc. [AMD/ATI] Device 738c"
    expect(fn(tree, "0000:4a:00.0").parent).toBe("0000:49:00.0");
    // "\-01.0-[4b]--" an empty bridge
    expect(fn(tree, "0000:47:01.0")).toMatchObject({ parent: "0000:46:00.0", secondaryBus: 0x4b, subordinateBus: 0x4b });
    // "\-04.0-[53]----00.0  SK hynix Device 2839"
    expect(fn(tree, "0000:53:00.0").parent).toBe("0000:44:04.0");
    expect(tree.functions).toHaveLength(28);
  });

  it("reads NUMA node and ACS bits of 40:01.1 from the -vvv excerpt (elisions skipped)", () => {
    const f = fn(verbose, "0000:40:01.1");
    // "\tNUMA node: 1"
    expect(f.numaNode).toBe(1);
    // "ACSCap:\tSrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans+"
    // "ACSCtl:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-"
    expect(f.acs).toEqual({ cap: 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x40, ctl: 0x01 | 0x04 | 0x08 | 0x10 });
    // "(prog-if 00 [Normal decode])" but no -nn class number: only the label is known
    expect(f.classCode).toBeUndefined();
    expect(f.deviceName).toBe("Advanced Micro Devices, Inc. [AMD] Starship/Matisse GPP Bridge");
  });

  it("merges the tree and the -vvv excerpt", () => {
    const m = mergeFacts([tree, verbose]);
    expect(fn(m, "0000:40:01.1")).toMatchObject({ numaNode: 1, parent: null, secondaryBus: 0x43 });
    expect(m.sources.map((s) => s.format)).toEqual(["lspci-tree", "lspci-verbose"]);
  });
});

describe("l2fwd-nv-plx8747 (NIC and GPU behind a PLX PEX 8747)", () => {
  const tree = load("l2fwd-nv-plx8747/lspci-tv.txt");
  it("reads the switch levels and the two endpoints", () => {
    // "-+-[0000:b2]-+-00.0-[b3-b6]----00.0-[b4-b6]--+-08.0-[b5]--+-00.0  Mellanox Technologies MT28841"
    expect(fn(tree, "0000:b2:00.0")).toMatchObject({ parent: null, secondaryBus: 0xb3, subordinateBus: 0xb6 });
    expect(fn(tree, "0000:b3:00.0")).toMatchObject({ parent: "0000:b2:00.0", secondaryBus: 0xb4, subordinateBus: 0xb6 });
    expect(fn(tree, "0000:b4:08.0")).toMatchObject({ parent: "0000:b3:00.0", secondaryBus: 0xb5 });
    expect(fn(tree, "0000:b5:00.0").parent).toBe("0000:b4:08.0");
    // "|            \-00.1  Mellanox Technologies MT28841"
    expect(fn(tree, "0000:b5:00.1").parent).toBe("0000:b4:08.0");
    // "\-10.0-[b6]----00.0  NVIDIA Corporation GV100GL [Tesla V100 PCIe 32GB]"
    expect(fn(tree, "0000:b6:00.0")).toMatchObject({ parent: "0000:b4:10.0", deviceName: "NVIDIA Corporation GV100GL [Tesla V100 PCIe 32GB]" });
    expect(fn(tree, "0000:b6:00.0").vendor).toBeUndefined(); // "[Tesla V100 PCIe 32GB]" is a name, not [vvvv:dddd]
    expect(tree.functions).toHaveLength(7);
  });
});

describe("forum-access-denied (lspci -v without root)", () => {
  const m = load("forum-access-denied/lspci-v.txt");
  it("leaves ACS unknown where capabilities were denied, and states nothing where no line was printed", () => {
    expect(m.functions).toHaveLength(22);
    // "Capabilities: <access denied>" under 00:02.1
    expect(fn(m, "0000:00:02.1")).toMatchObject({ acs: "unknown", primaryBus: 0, secondaryBus: 1, subordinateBus: 1, irq: 25, driver: "pcieport" });
    expect(fn(m, "0000:00:02.1").pcieType).toBeUndefined();
    expect(fn(m, "0000:00:02.1").isPcie).toBeUndefined();
    // 00:14.0 prints no capability line at all: nothing is known about its capabilities
    expect(fn(m, "0000:00:14.0").acs).toBeUndefined();
    // "00:10.0 USB controller: ... (rev 11) (prog-if 30 [XHCI])"
    expect(fn(m, "0000:00:10.0")).toMatchObject({ revision: 0x11, driver: "xhci_hcd", irq: 18 });
    // "Expansion ROM at 000c0000 [disabled] [size=128K]" (BARs without "Region N:" carry no index)
    expect(fn(m, "0000:00:01.0").bars).toEqual([{ index: 6, kind: "mem32", address: 0xc0000n, disabled: true, size: 128n * 1024n }]);
  });
});

describe("hwloc-dgx2 (NVIDIA DGX-2H, PLX switches, two sockets)", () => {
  const m = load("hwloc-dgx2/nvidiaDGX2.xml");
  it("reads host bridges with their NUMA node, switch ports and the platform", () => {
    // <info name="CPUVendor" value="GenuineIntel"/> <info name="CPUFamilyNumber" value="6"/>
    expect(m.platform).toEqual({ cpuVendor: "intel", cpuFamily: 6 });
    // bridge_type="0-1" bridge_pci="0000:[2b-3b]" under the NUMANode os_index="0" package
    expect(m.hostBridges![0]).toEqual({ domain: 0, rootBus: 0x2b, numaNode: 0 });
    // pci_busid="0000:2c:00.0" pci_type="0604 [10b5:9781] [10b5:9781] b0 00" bridge_pci="0000:[2d-3b]"
    expect(fn(m, "0000:2c:00.0")).toMatchObject({
      parent: "0000:2b:00.0",
      vendor: 0x10b5,
      device: 0x9781,
      classCode: 0x060400,
      revision: 0xb0,
      secondaryBus: 0x2d,
      subordinateBus: 0x3b,
      numaNode: 0,
    });
    // pci_busid="0000:34:00.0" pci_type="0302 [10de:1db8] [10de:131d] a1 00" under 0000:33:00.0
    expect(fn(m, "0000:34:00.0")).toMatchObject({ parent: "0000:33:00.0", vendor: 0x10de, classCode: 0x030200 });
    expect(m.hostBridges!.map((h) => h.numaNode)).toEqual([0, 0, 1, 1]);
  });
});

describe("hwloc-manyvfs (Cisco VIC virtual NICs)", () => {
  const m = load("hwloc-manyvfs/16intel64-manyVFs.xml");
  it("reads the functions behind the VIC switch ports", () => {
    // pci_busid="0000:0b:00.1" pci_type="0200 [1137:00cf] [1137:0000] a2 00" ("VIC Userspace NIC")
    expect(fn(m, "0000:0b:00.1")).toMatchObject({ parent: "0000:0a:00.0", vendor: 0x1137, device: 0x00cf, deviceName: "VIC Userspace NIC", numaNode: 0 });
    // bridge_pci="0000:[0a-11]" pci_busid="0000:09:00.0" ("VIC PCIe Upstream Port")
    expect(fn(m, "0000:09:00.0")).toMatchObject({ secondaryBus: 0x0a, subordinateBus: 0x11 });
    expect(m.hostBridges).toEqual([
      { domain: 0, rootBus: 0, numaNode: 0 },
      { domain: 0, rootBus: 0x80, numaNode: 1 },
    ]);
  });
});

describe("hwloc-v1-sl390s (hwloc 1.x format)", () => {
  const m = load("hwloc-v1-sl390s/24em64t-2n6c2t-pci.xml");
  it("takes the NUMA node from the NUMANode ancestor and the class without prog-if", () => {
    // <object type="NUMANode" os_index="0"> ... pci_busid="0000:04:00.0" pci_type="0200 [8086:10c9] [003c:003f] 01"
    expect(fn(m, "0000:04:00.0")).toMatchObject({ numaNode: 0, class16: 0x0200, parent: "0000:00:01.0", revision: 1 });
    expect(fn(m, "0000:04:00.0").classCode).toBeUndefined();
    // <info name="Architecture" value="x86_64"/>; no CPUVendor info in this file
    expect(m.platform).toEqual({ arch: "x86" });
    expect(m.hostBridges).toEqual([
      { domain: 0, rootBus: 0, numaNode: 0 },
      { domain: 0, rootBus: 0x10, numaNode: 1 },
    ]);
  });
});

describe("hwloc-x3950m2 (four sockets, host bridges on four NUMA nodes)", () => {
  const m = load("hwloc-x3950m2/96em64t-4n4d3ca2co-pci.xml");
  it("spreads host bridges over the NUMA nodes", () => {
    expect(m.hostBridges!.map((h) => [h.rootBus, h.numaNode])).toEqual([
      [0x00, 0],
      [0x03, 0],
      [0x30, 1],
      [0x60, 2],
      [0x90, 3],
    ]);
    // pci_busid="0000:02:00.0" pci_type="0200 [14e4:1639] ..." "NetXtreme II BCM5709"
    expect(fn(m, "0000:02:00.0")).toMatchObject({ vendor: 0x14e4, device: 0x1639, parent: "0000:00:1c.0" });
  });
});

describe("captures of every format through detectFormat", () => {
  it.each([
    ["l2fwd-nv-plx8747/lspci-tv.txt", "lspci-tree"],
    ["rccl-547-microsemi/lspci-tv.txt", "lspci-tree"],
    ["forum-access-denied/lspci-v.txt", "lspci-verbose"],
    ["hwloc-dgx2/nvidiaDGX2.xml", "hwloc-xml"],
  ])("%s is %s", (path, format) => {
    expect(detectFormat(path, readFileSync(CAPTURES_DIR + path))).toBe(format);
  });

  it("a complete hwloc tree renders as an lspci tree that reads back the same parents", () => {
    const m = load("hwloc-dgx2/nvidiaDGX2.xml");
    const text = renderLspciTree(lspciTreeViewFromFacts(m.functions), { numeric: true, variant: "3.10" });
    const back = importCapture("rendered", text);
    for (const f of m.functions) expect(fn(back, f.bdf).parent).toBe(f.parent);
  });

  it("a lone unknown file is rejected with the list of accepted formats", () => {
    expect(() => importCapture("notes.txt", "hello world\n")).toThrow(CaptureParseError);
    expect(() => importCapture("notes.txt", "hello world\n")).toThrow(/accepted: .*lspci -tv/);
  });
});
