/**
 * sysfs snapshots (drivers/pci/pci-sysfs.c formats) as an in-memory tree, a tar, a tar.gz and
 * a real directory with symlinks: the link path gives the parent chain; 64-byte config (no
 * root) leaves capabilities unknown.
 */
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { detectFormat, importCapture } from "../../src/import/detect";
import { importSysfsDir } from "../../src/import/sysfs-dir";
import { importSysfsTree } from "../../src/import/sysfs";
import { readTar } from "../../src/import/tar";
import type { VirtualTree } from "../../src/import/virtual-tree";
import { makeTar } from "./helpers";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const RP = "devices/pci0000:00/0000:00:01.0";
const EP = `${RP}/0000:01:00.0`;

function config64(vendor: number, device: number, headerType: number, cls: number, buses?: [number, number, number]): Uint8Array {
  const c = new Uint8Array(64);
  c[0] = vendor & 0xff;
  c[1] = vendor >> 8;
  c[2] = device & 0xff;
  c[3] = device >> 8;
  c[6] = 0x10; // capability list present
  c[9] = cls & 0xff;
  c[10] = (cls >> 8) & 0xff;
  c[11] = cls >> 16;
  c[14] = headerType;
  if (buses) [c[0x18], c[0x19], c[0x1a]] = buses;
  return c;
}

const files: Record<string, string | Uint8Array> = {
  [`${RP}/vendor`]: "0x1022\n",
  [`${RP}/device`]: "0x1483\n",
  [`${RP}/class`]: "0x060400\n",
  [`${RP}/config`]: config64(0x1022, 0x1483, 0x81, 0x060400, [0, 1, 1]),
  [`${RP}/numa_node`]: "1\n",
  [`${RP}/current_link_speed`]: "16.0 GT/s PCIe\n",
  [`${RP}/current_link_width`]: "4\n",
  [`${RP}/max_link_speed`]: "16.0 GT/s PCIe\n",
  [`${RP}/max_link_width`]: "4\n",
  [`${EP}/vendor`]: "0x144d\n",
  [`${EP}/device`]: "0xa808\n",
  [`${EP}/subsystem_vendor`]: "0x144d\n",
  [`${EP}/subsystem_device`]: "0xa801\n",
  [`${EP}/class`]: "0x010802\n",
  [`${EP}/revision`]: "0x00\n",
  [`${EP}/config`]: config64(0x144d, 0xa808, 0x00, 0x010802),
  [`${EP}/numa_node`]: "-1\n",
  [`${EP}/irq`]: "42\n",
  [`${EP}/local_cpulist`]: "0-15\n",
  [`${EP}/resource`]:
    "0x00000000fc500000 0x00000000fc503fff 0x0000000000140204\n" +
    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n".repeat(5) +
    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n",
};
const links: Record<string, string> = {
  "bus/pci/devices/0000:00:01.0": "../../../devices/pci0000:00/0000:00:01.0",
  "bus/pci/devices/0000:01:00.0": "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0",
  [`${EP}/driver`]: "../../../../bus/pci/drivers/nvme",
  [`${EP}/iommu_group`]: "../../../../kernel/iommu_groups/13",
};

function tree(): VirtualTree {
  const t: VirtualTree = new Map();
  for (const [p, d] of Object.entries(files)) t.set(p, { type: "file", data: typeof d === "string" ? enc(d) : d });
  for (const [p, target] of Object.entries(links)) t.set(p, { type: "symlink", target });
  return t;
}

function check(m: ReturnType<typeof importSysfsTree>): void {
  const rp = m.functions.find((f) => f.bdf === "0000:00:01.0")!;
  const ep = m.functions.find((f) => f.bdf === "0000:01:00.0")!;
  expect(m.hostBridges).toEqual([{ domain: 0, rootBus: 0 }]);
  expect(rp).toMatchObject({ parent: null, vendor: 0x1022, classCode: 0x060400, headerType: 1, multifunction: true, secondaryBus: 1, numaNode: 1 });
  expect(rp.link).toEqual({ speedGTs: 16, maxSpeedGTs: 16, width: 4, maxWidth: 4 });
  // 64 bytes of config (no root): the capability list is beyond reach, so PCIe type and ACS stay unknown
  expect(rp.pcieType).toBeUndefined();
  expect(rp.acs).toBeUndefined();
  expect(ep).toMatchObject({
    parent: "0000:00:01.0",
    vendor: 0x144d,
    device: 0xa808,
    subsystemVendor: 0x144d,
    subsystemDevice: 0xa801,
    classCode: 0x010802,
    revision: 0,
    numaNode: -1,
    irq: 42,
    localCpulist: "0-15",
    driver: "nvme",
    iommuGroup: 13,
  });
  expect(ep.config).toHaveLength(64);
  // flags 0x140204 = IORESOURCE_MEM | IORESOURCE_MEM_64 | IORESOURCE_SIZEALIGN
  expect(ep.bars).toEqual([{ index: 0, kind: "mem64", prefetchable: false, address: 0xfc500000n, size: 0x4000n }]);
}

describe("sysfs snapshot importer", () => {
  it("reads an in-memory sysfs root (bus/pci/devices links into devices/)", () => {
    check(importSysfsTree("mem", tree()));
  });

  it("reads a tar and a tar.gz of the same tree, detected by content", () => {
    const entries = [
      ...Object.entries(files).map(([name, data]) => ({ name: `sys/${name}`, type: "file" as const, data })),
      ...Object.entries(links).map(([name, target]) => ({ name: `sys/${name}`, type: "symlink" as const, target })),
    ];
    const tar = makeTar(entries);
    expect(detectFormat("snap.bin", tar)).toBe("sysfs-tar");
    const gz = new Uint8Array(gzipSync(tar));
    expect(detectFormat("snap.bin", gz)).toBe("sysfs-tar");
    check(importCapture("snap.tar", tar));
    check(importCapture("snap.tgz", gz));
    expect(importCapture("snap.tgz", gz).sources).toEqual([{ name: "snap.tgz", format: "sysfs-tar" }]);
  });

  it("reads long names through pax headers", () => {
    const long = `${"d".repeat(120)}/bus/pci/devices/0000:00:00.0`;
    const t = readTar("t", makeTar([{ name: long, type: "symlink", target: "x" }]));
    expect(t.get(long)).toEqual({ type: "symlink", target: "x" });
  });

  it("reads a real directory with symlinks, reading only known attributes", () => {
    const root = mkdtempSync(join(tmpdir(), "sysfs-"));
    for (const [p, d] of Object.entries(files)) {
      mkdirSync(join(root, p, ".."), { recursive: true });
      writeFileSync(join(root, p), d);
    }
    writeFileSync(join(root, RP, "remove"), "must not be read");
    for (const [p, target] of Object.entries(links)) {
      mkdirSync(join(root, p, ".."), { recursive: true });
      symlinkSync(target, join(root, p));
    }
    check(importSysfsDir(root));
    // The devices directory itself works too (its links point outside it).
    const m = importSysfsDir(join(root, "bus/pci/devices"));
    expect(m.functions.find((f) => f.bdf === "0000:01:00.0")!.parent).toBe("0000:00:01.0");
  });

  it("a dereferenced copy (plain directories) gives no parent", () => {
    const t: VirtualTree = new Map([["devices/0000:00:00.0/vendor", { type: "file", data: enc("0x8086\n") }]]);
    const m = importSysfsTree("copy", t);
    expect(m.functions).toEqual([{ bdf: "0000:00:00.0", vendor: 0x8086 }]);
  });
});
