/**
 * `p2pdma topo export` (issue 6): sysfs trees and lspci -xxxx dumps of a machine, and the bad
 * inputs that must leave nothing half-written: a non-empty or unwritable --out, a missing
 * --out, a topology that fails validation.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cli } from "./run-cli";

/** Runs `p2pdma ARGS` through the real entry point. */
const run = cli;

describe("p2pdma topo export", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "p2pdma-cli-export-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("--format sysfs writes a Linux-shaped tree of the reference system", async () => {
    const out = join(dir, "sys");
    const r = await run("topo", "export", "--format", "sysfs", "--out", out);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toContain("exported 17 PCI functions");
    expect(readdirSync(join(out, "bus/pci/devices"))).toContain("0000:03:00.0");
    expect(readFileSync(join(out, "devices/pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:08.0/0000:03:00.0/vendor"), "utf8")).toBe("0x15b3\n");
  });

  it("--format sysfs --json summarises the export", async () => {
    const r = await run("topo", "export", "--format", "sysfs", "--out", join(dir, "sys"), "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ functions: 17, links: expect.any(Number), files: expect.any(Number) });
  });

  it("--format lspci-x prints an lspci -xxxx dump on stdout", async () => {
    const r = await run("topo", "export", "--topology", "sample:sriov", "--format", "lspci-x");
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toMatch(/^0000:00:00\.0 Class 0600: /);
    expect(r.out).toMatch(/\n00: [0-9a-f]{2}( [0-9a-f]{2}){15}\n/);
    expect(r.out).toMatch(/\nff0: [0-9a-f]{2}( [0-9a-f]{2}){15}\n\n/);
  });

  it("refuses a non-empty --out and leaves it alone", async () => {
    const out = join(dir, "busy");
    mkdirSync(out);
    writeFileSync(join(out, "keep"), "x");
    const r = await run("topo", "export", "--format", "sysfs", "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^p2pdma: .*busy: exists and is not empty; refusing to overwrite it\n$/);
    expect(readdirSync(out)).toEqual(["keep"]);
    expect(readdirSync(dir)).toEqual(["busy"]);
  });

  it("refuses an --out whose parent does not exist", async () => {
    const r = await run("topo", "export", "--format", "sysfs", "--out", join(dir, "a/b"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("does not exist");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("needs --out for sysfs (usage error)", async () => {
    const r = await run("topo", "export", "--format", "sysfs");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--format sysfs needs --out DIR");
  });

  it("a topology failing validation writes nothing", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "name: bad\nhostBridges:\n  - domain: 0\n    children:\n      - kind: endpoint\n        vendor: 0x1\n        device: 0x2\n        class: 0x010802\n        link: { speed: 99GT, width: 3 }\n");
    const out = join(dir, "sys");
    const r = await run("topo", "export", "--topology", bad, "--format", "sysfs", "--out", out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^p2pdma: .*bad\.yaml/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(["bad.yaml"]);
  });
});
