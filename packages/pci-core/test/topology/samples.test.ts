/** The bundled samples: every one loads, and the reference machine is the seed's system. */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { SAMPLES_DIR } from "../../src/samples";
import { detectFormat } from "../../src/import/detect";
import { loadTopologyFile } from "../../src/enumerate/load";
import { upstreamBridge } from "../../src/upstream";

const files = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith(".yaml")).sort();
const load = (f: string) => loadTopologyFile(readFileSync(join(SAMPLES_DIR, f), "utf8"), f);

describe("bundled samples", () => {
  test("the five samples exist", () => {
    expect(files).toEqual(["multi-host-bridge.yaml", "reference.yaml", "sriov.yaml", "switch-acs-redirect.yaml", "two-root-ports-amd.yaml"]);
  });

  test.each(files)("%s loads, is detected as a topology file and has a header comment", (f) => {
    const text = readFileSync(join(SAMPLES_DIR, f), "utf8");
    expect(detectFormat(f, text)).toBe("topology-yaml");
    expect(text.split("\n")[1]).toMatch(/^# \S/);
    const b = load(f);
    expect(b.system.devices.length).toBeGreaterThan(2);
  });
});

describe("reference.yaml (the cover letter's machine)", () => {
  const b = load("reference.yaml");
  const bdf = (label: string): string => b.labels.get(label)!.name;

  test("labels land where firmware enumeration puts them", () => {
    // 00:01.0 -> bus 01 (switch upstream) -> bus 02 (downstream ports 08..0d) -> buses 03..08; 00:02.0 -> bus 09.
    expect(Object.fromEntries([...b.labels].map(([k, v]) => [k, v.name]))).toEqual({
      nic0: "0000:03:00.0",
      nvme0: "0000:04:00.0",
      nvme1: "0000:05:00.0",
      nvme2: "0000:06:00.0",
      nvme3: "0000:07:00.0",
      p2pmem0: "0000:08:00.0",
      nvme4: "0000:09:00.0",
    });
  });

  test("registration order is the kernel's: a bus's devices, then the buses behind its bridges", () => {
    expect(b.system.devices.map((d) => d.name)).toEqual([
      "0000:00:00.0", "0000:00:01.0", "0000:00:02.0", "0000:01:00.0",
      "0000:02:08.0", "0000:02:09.0", "0000:02:0a.0", "0000:02:0b.0", "0000:02:0c.0", "0000:02:0d.0",
      "0000:03:00.0", "0000:04:00.0", "0000:05:00.0", "0000:06:00.0", "0000:07:00.0", "0000:08:00.0", "0000:09:00.0",
    ]);
  });

  test("types, ids, platform, host-bridge function", () => {
    const s = b.system;
    expect(s.platform).toEqual({ cpuVendor: "intel", cpuFamily: 6, arch: "x86" });
    const host = s.getDeviceByName("0000:00:00.0")!;
    expect([host.type, host.vendor, host.device]).toEqual(["host-bridge", 0x8086, 0x2020]);
    expect(s.devices.map((d) => d.type)).toEqual([
      "host-bridge", "root-port", "root-port", "upstream-port",
      ...Array<string>(6).fill("downstream-port"),
      ...Array<string>(7).fill("endpoint"),
    ]);
    const nic = b.labels.get("nic0")!;
    expect([nic.vendor, nic.device, nic.classCode, nic.subsystemVendor, nic.subsystemDevice]).toEqual([0x15b3, 0x1017, 0x020000, 0x15b3, 0x0008]);
    expect(s.devices.every((d) => d.numaNode === 0)).toBe(true);
  });

  test("ACS: capable ports with redirect off, as firmware leaves them", () => {
    expect(b.system.getDeviceByName("0000:00:01.0")!.acs()).toEqual({ cap: 0x1f, ctl: 0 });
    // EC set in the capability brings the egress vector size (8 bits: field 0x08 in bits 15:8).
    expect(b.system.getDeviceByName("0000:02:08.0")!.acs()).toEqual({ cap: 0x087d, ctl: 0 });
    expect(b.labels.get("nvme0")!.acs()).toBeNull();
  });

  test("upstream walk: switch neighbours share 01:00.0's bus, nvme4 hangs off the second root port", () => {
    expect(upstreamBridge(b.labels.get("nvme0")!)!.name).toBe("0000:02:09.0");
    expect(upstreamBridge(b.labels.get("nvme4")!)!.name).toBe("0000:00:02.0");
    expect(bdf("nvme4")).toBe("0000:09:00.0");
  });

  test("models are kept for later layers", () => {
    const kinds = Object.fromEntries([...b.models].map(([d, m]) => [d.label, m.kind]));
    expect(kinds).toEqual({ nic0: "rnic", nvme0: "nvme", nvme1: "nvme", nvme2: "nvme", nvme3: "nvme", p2pmem0: "p2pmem", nvme4: "nvme" });
    expect(b.models.get(b.labels.get("nvme0")!)).toEqual({
      kind: "nvme",
      cmb: { bar: 2, offset: 0, size: "64M", sqs: true, cqs: false, lists: false, rds: true, wds: true },
      namespaces: [{ nsid: 1, size: "1T" }],
    });
    expect(b.models.get(b.labels.get("p2pmem0")!)).toEqual({ kind: "p2pmem", bar: 4 });
  });

  test("links as stated (LNKSTA at PCIe cap + 0x12: speed code 3 = 8 GT/s, width in bits 9:4)", () => {
    const lnksta = (label: string): number => {
      const d = b.labels.get(label)!;
      return d.config.read16(d.pcieCap + 0x12);
    };
    expect(lnksta("nic0")).toBe(3 | (16 << 4));
    expect(lnksta("nvme0")).toBe(3 | (4 << 4));
    expect(lnksta("p2pmem0")).toBe(3 | (8 << 4));
  });
});

describe("other samples", () => {
  test("switch-acs-redirect: RR|CR on every downstream port, cleared by pci=disable_acs_redir on two", () => {
    const b = load("switch-acs-redirect.yaml");
    const ctl = (name: string): number => (b.system.getDeviceByName(name)!.acs() as { ctl: number }).ctl;
    // 6.12 __pci_config_acs: firmware value 0x1d (SV RR CR UF) with RR|CR|EC cleared -> 0x11.
    expect(ctl("0000:02:08.0")).toBe(0x11);
    expect(ctl("0000:02:09.0")).toBe(0x11);
    expect(ctl("0000:02:0a.0")).toBe(0x1d);
    expect(b.acsLog.map((l) => l.text)).toEqual(["pci 0000:02:08.0: Configured ACS to 0x0011", "pci 0000:02:09.0: Configured ACS to 0x0011"]);
  });

  test("switch-acs-redirect in 4.20 mode logs the 4.20 line", () => {
    const text = readFileSync(join(SAMPLES_DIR, "switch-acs-redirect.yaml"), "utf8");
    const b = loadTopologyFile(text, "x.yaml", { kernel: "4.20" });
    expect(b.acsLog.map((l) => l.text)).toEqual(["pci 0000:02:08.0: disabled ACS redirect", "pci 0000:02:09.0: disabled ACS redirect"]);
  });

  test("two-root-ports-amd: AMD Zen platform, 1022:1450 at 00.0, one device per root port", () => {
    const b = load("two-root-ports-amd.yaml");
    expect(b.system.platform).toEqual({ cpuVendor: "amd", cpuFamily: 0x17, arch: "x86" });
    expect(b.system.getDeviceByName("0000:00:00.0")!.device).toBe(0x1450);
    expect(["nic0", "nvme0", "nvme1"].map((l) => upstreamBridge(b.labels.get(l)!)!.name)).toEqual(["0000:00:01.0", "0000:00:02.0", "0000:00:03.0"]);
  });

  test("multi-host-bridge: two domains on two NUMA nodes with the given windows", () => {
    const b = load("multi-host-bridge.yaml");
    expect(b.system.hostBridges.map((h) => [h.name, h.numaNode, h.windows.map((w) => w.start)])).toEqual([
      ["pci0000:00", 0, [0x90000000n, 0x380000000000n]],
      ["pci0001:00", 1, [0xc0000000n, 0x384000000000n]],
    ]);
    expect(b.labels.get("nvme1")!.name).toBe("0001:01:00.0");
    expect(b.labels.get("nvme1")!.numaNode).toBe(1);
    expect(b.labels.get("nvme1")!.resources[2]!.start).toBe(0x384000000000n);
  });
});
