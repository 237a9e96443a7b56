/**
 * Malformed and truncated inputs of every format fail with CaptureParseError naming the
 * problem and where it is.
 */
import { describe, expect, it } from "vitest";
import { importCapture } from "../../src/import/detect";
import { CaptureParseError } from "../../src/import/facts";
import { importHwlocXml } from "../../src/import/hwloc";
import { importLspciHex } from "../../src/import/lspci-hex";
import { importLspciTree } from "../../src/import/lspci-tree";
import { importLspciVerbose } from "../../src/import/lspci-verbose";
import { importSysfsTree } from "../../src/import/sysfs";
import { readTar } from "../../src/import/tar";
import type { VirtualNode, VirtualTree } from "../../src/import/virtual-tree";
import { makeTar } from "./helpers";

const row = (n: number): string => `${n.toString(16).padStart(2, "0")}: ${Array.from({ length: 16 }, () => "00").join(" ")}`;
const dump = (bytes: number): string[] => Array.from({ length: bytes / 16 }, (_, i) => row(i * 16));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const file = (s: string | Uint8Array) => ({ type: "file" as const, data: typeof s === "string" ? enc(s) : s });
const sysfs = (attrs: Record<string, string | Uint8Array>): VirtualTree =>
  new Map<string, VirtualNode>([
    ["bus/pci/devices/0000:00:01.0", { type: "symlink", target: "../../../devices/pci0000:00/0000:00:01.0" }],
    ...Object.entries(attrs).map(([k, v]) => [`devices/pci0000:00/0000:00:01.0/${k}`, file(v)] as const),
  ]);

const cases: readonly [string, () => unknown, string, RegExp][] = [
  ["tree: bad slot", () => importLspciTree("t", "-[0000:00]-+-00.0\n           \\-zz.0\n"), "line 2, column 14", /expected a device/],
  ["tree: slot above 1f", () => importLspciTree("t", "-[0000:00]---20.0\n"), "line 1, column 14", /slot 20/],
  ["tree: branch out of line", () => importLspciTree("t", "-[0000:00]-+-00.0\n            +-01.0\n"), "line 2, column 13", /does not line up/],
  ["tree: reversed bus range", () => importLspciTree("t", "-[0000:00]---01.0-[05-03]--\n"), "line 1, column 18", /ends before it starts/],
  ["tree: duplicate function", () => importLspciTree("t", "-[0000:00]-+-00.0\n           \\-00.0\n"), "line 2, column 14", /appears twice/],
  ["tree: junk after device", () => importLspciTree("t", "-[0000:00]---00.0x\n"), "line 1, column 18", /unexpected "x"/],
  ["tree: stray pipe", () => importLspciTree("t", "-[0000:00]-+-00.0\n |          \\-01.0\n"), "line 2, column 2", /under no open branch/],
  ["hex: short line", () => importLspciHex("h", ["00:00.0 Host bridge: X", "00: 86 80 00"].join("\n")), "line 2, column 13", /holds 3 bytes/],
  ["hex: bad byte", () => importLspciHex("h", ["00:00.0 Host bridge: X", "00: 86 8g 00 00 00 00 00 00 00 00 00 00 00 00 00 00"].join("\n")), "line 2, column 8", /malformed hex line/],
  ["hex: offset gap", () => importLspciHex("h", ["00:00.0 X: Y", row(0), row(0x20)].join("\n")), "line 3, column 1", /offset 20 where offset 10/],
  ["hex: truncated dump", () => importLspciHex("h", ["00:00.0 X: Y", ...dump(64), "00:01.0 X: Y", ...dump(48)].join("\n")), "line 9", /ends after 48 bytes/],
  ["hex: hex before header", () => importLspciHex("h", row(0)), "line 1, column 1", /before any device header/],
  ["hex: garbage line", () => importLspciHex("h", ["00:00.0 X: Y", ...dump(64), "hello"].join("\n")), "line 6, column 1", /expected a device header/],
  ["verbose: bad NUMA node", () => importLspciVerbose("v", "00:01.0 PCI bridge: X\n\tNUMA node: x\n"), "line 2, column 2", /NUMA node "x"/],
  ["verbose: bad ACS flag", () => importLspciVerbose("v", "00:01.0 PCI bridge: X\n\tCapabilities: [100 v1] Access Control Services\n\t\tACSCap:\tSrcValid? TransBlk-\n"), "line 3, column 3", /unknown ACSCap flag/],
  ["verbose: bad Bus line", () => importLspciVerbose("v", "00:01.0 PCI bridge: X\n\tBus: primary=zz\n"), "line 2, column 2", /malformed Bus line/],
  ["verbose: indented before header", () => importLspciVerbose("v", "\tNUMA node: 0\n"), "line 1, column 1", /before any device header/],
  ["verbose: truncated hex", () => importLspciVerbose("v", ["00:01.0 PCI bridge: X", "\tNUMA node: 0", ...dump(32)].join("\n")), "line 4", /ends after 32 bytes/],
  ["verbose: header without class", () => importLspciVerbose("v", "00:01.0 nothing here\n\tFlags: x\n"), "line 1, column 9", /no "Class: " part/],
  ["sysfs: bad vendor", () => importSysfsTree("s", sysfs({ vendor: "8086\n" })), "0000:00:01.0/vendor", /0x-prefixed/],
  ["sysfs: short config", () => importSysfsTree("s", sysfs({ config: new Uint8Array(10) })), "0000:00:01.0/config", /10 bytes/],
  ["sysfs: bad resource line", () => importSysfsTree("s", sysfs({ resource: "0x0 0x0 0x0\n0x1 0x2\n" })), "0000:00:01.0/resource line 2", /0xSTART 0xEND 0xFLAGS/],
  ["sysfs: bad numa_node", () => importSysfsTree("s", sysfs({ numa_node: "node0\n" })), "0000:00:01.0/numa_node", /decimal/],
  ["sysfs: bad link speed", () => importSysfsTree("s", sysfs({ current_link_speed: "fast\n" })), "0000:00:01.0/current_link_speed", /GT\/s/],
  ["sysfs: no devices", () => importSysfsTree("s", new Map([["x", file("y")]])), "/", /no directory of PCI functions/],
  ["tar: bad checksum", () => readTar("a.tar", (() => { const t = makeTar([{ name: "x", type: "file", data: "1" }]); t[0] = 0x79; return t; })()), "y", /checksum/],
  ["tar: cut off entry", () => readTar("a.tar", makeTar([{ name: "big", type: "file", data: "x".repeat(2000) }]).subarray(0, 1024)), "big", /cut off/],
  ["tar.gz: corrupt gzip", () => readTar("a.tgz", Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3])), "gzip stream", /cannot decompress/],
  ["hwloc: broken XML", () => importHwlocXml("x.xml", "<?xml version=\"1.0\"?>\n<topology>\n<object type=\"PCIDev\">\n</topology>\n"), "line 4, column 1", /malformed XML/],
  ["hwloc: bad pci_busid", () => importHwlocXml("x.xml", '<topology><object type="PCIDev" pci_busid="zz"/></topology>'), '<object type="PCIDev" pci_busid="zz">', /bad pci_busid/],
  ["hwloc: bad pci_type", () => importHwlocXml("x.xml", '<topology><object type="PCIDev" pci_busid="0000:01:00.0" pci_type="nope"/></topology>'), '<object type="PCIDev" pci_busid="0000:01:00.0">', /bad pci_type/],
  ["detect: unknown content", () => importCapture("x", "just some words\n"), "line 1", /unrecognised capture format/],
  ["detect: topology file is not a capture", () => importCapture("t.yaml", "devices:\n  - bdf: 0000:00:00.0\n"), "line 1", /topology file/],
];

describe("malformed captures", () => {
  it.each(cases)("%s", (_name, run, location, problem) => {
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CaptureParseError);
    const e = error as CaptureParseError;
    expect(e.location).toBe(location);
    expect(e.problem).toMatch(problem);
    expect(e.message).toBe(`${e.source}: ${e.location}: ${e.problem}`);
  });
});
