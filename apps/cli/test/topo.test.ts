import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./run-cli";

const CAPTURES = "packages/pci-core/test/fixtures/captures";

describe("p2pdma topo show (CLI contract)", () => {
  it("shows the bundled reference system by default, in lspci -tv shape", async () => {
    const r = await cli("topo", "show");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out.split("\n")[0]).toMatch(/^-\[0000:00\]-\+-00\.0 /);
    expect(r.out).toContain("(nic0) [15b3:1017]");
    expect(r.out).toContain("(p2pmem0)");
  });

  it("--format json follows the contract: devices with bdf, type, parent, hostBridge, numaNode, acs, bars", async () => {
    const r = await cli("topo", "show", "--format", "json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { devices: Record<string, unknown>[] };
    const nic = doc.devices.find((d) => d["label"] === "nic0")!;
    expect(Object.keys(nic)).toEqual(
      expect.arrayContaining(["bdf", "vendor", "device", "class", "type", "parent", "hostBridge", "numaNode", "acs", "bars"]),
    );
    expect(nic).toMatchObject({ bdf: "0000:03:00.0", type: "endpoint", hostBridge: "pci0000:00", vendor: "0x15b3" });
    const usp = doc.devices.find((d) => d["bdf"] === nic["parent"])!;
    expect(usp["type"]).toBe("downstream-port");
    const types = new Set(doc.devices.map((d) => d["type"]));
    expect([...types].every((t) => ["host-bridge", "root-port", "upstream-port", "downstream-port", "pci-bridge", "endpoint", "rc-endpoint"].includes(t as string))).toBe(true);
    // --json is the same document.
    expect((await cli("topo", "show", "--json")).out).toBe(r.out);
  });

  it("--format dot is a Graphviz digraph", async () => {
    const r = await cli("topo", "show", "--format", "dot", "--topology", "sample:switch-acs-redirect");
    expect(r.code).toBe(0);
    expect(r.out.startsWith("digraph pci {")).toBe(true);
    expect(r.out).toContain("color=red"); // redirecting ports are marked
  });

  it("imports real captures, and combined captures of one machine (rccl-547: -tv + -vvv excerpt)", async () => {
    const r = await cli(
      "topo", "show", "--json",
      "--topology", `${CAPTURES}/rccl-547-microsemi/lspci-tv.txt`,
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { devices: { bdf: string; acs: unknown; unknown: string[] }[] };
    const nic = doc.devices.find((d) => d.bdf === "0000:45:00.0")!;
    // A -tv capture says nothing about ACS: unknown, never guessed.
    expect(nic.acs).toBe("unknown");
    expect(nic.unknown).toContain("acs");
  });

  it("unknown ACS from a non-root capture stays unknown", async () => {
    const r = await cli("topo", "show", "--json", "--topology", `${CAPTURES}/forum-access-denied/lspci-v.txt`);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { devices: { acs: unknown }[] };
    expect(doc.devices.some((d) => d.acs === "unknown")).toBe(true);
  });

  it("bad input: a readable error on stderr and a non-zero exit", async () => {
    const missing = await cli("topo", "show", "--topology", "no/such/file.txt");
    expect(missing.code).toBe(1);
    expect(missing.err).toBe("p2pdma: no/such/file.txt: no such file or directory\n");
    const dir = mkdtempSync(join(tmpdir(), "p2pdma-cli-"));
    const junk = join(dir, "junk.txt");
    writeFileSync(junk, "this is not a capture\n");
    const bad = await cli("topo", "show", "--topology", junk);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^p2pdma: .*junk\.txt: line 1: unrecognised capture format; accepted: /);
    const yaml = join(dir, "t.yaml");
    writeFileSync(yaml, "name: x\nhostBridges:\n  - domain: 0\n    children:\n      - kind: endpoint\n        vendor: 0x10000\n");
    const invalid = await cli("topo", "show", "--topology", yaml);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/t\.yaml:6:\d+: .*vendor/);
    const badFormat = await cli("topo", "show", "--format", "xml");
    expect(badFormat.code).toBe(2);
    expect(badFormat.err).toContain("xml");
    const sample = await cli("topo", "show", "--topology", "sample:nope");
    expect(sample.err).toMatch(/no bundled sample "nope" \(have: .*reference/);
  });

  it("a topology file cannot be combined with other inputs", async () => {
    const r = await cli("topo", "show", "--topology", "sample:reference", "--topology", `${CAPTURES}/l2fwd-nv-plx8747/lspci-tv.txt`);
    expect(r.code).toBe(2);
    expect(r.err).toContain("cannot be combined");
  });

  it("--help lists the commands", async () => {
    const r = await cli("--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("topo");
  });
});
