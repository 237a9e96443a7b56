/**
 * `exportSysfs` refuses targets it must not touch and never leaves a half-written tree: a
 * non-empty directory, a file, a missing parent, an unwritable parent, and a failure in the
 * middle of writing all end in a typed {@link SysfsExportError} with nothing at the target and
 * no temporary directory left beside it.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SysfsExportError, exportSysfs } from "../../src/export/sysfs-tree";
import { loadTopologyFile } from "../../src/enumerate/load";
import { pciDevicePath } from "../../src/pci-sysfs";
import { readSample } from "../../src/samples";
import type { PciSystem } from "../../src/system";
import { tempDir } from "./helpers";

const reference = (): PciSystem => loadTopologyFile(readSample("reference")!, "reference.yaml").system;

function expectCode(fn: () => unknown, code: SysfsExportError["code"]): SysfsExportError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SysfsExportError);
    expect((e as SysfsExportError).code).toBe(code);
    return e as SysfsExportError;
  }
  throw new Error(`expected a SysfsExportError ${code}`);
}

describe("exportSysfs: refused targets and failures leave nothing half-written", () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());
  const siblings = (): string[] => readdirSync(tmp.dir).sort();

  it("writes into a new directory, or into an existing empty one", () => {
    const r = exportSysfs(reference(), join(tmp.dir, "new"));
    expect(r.functions).toBe(17);
    mkdirSync(join(tmp.dir, "empty"));
    exportSysfs(reference(), join(tmp.dir, "empty"));
    expect(siblings()).toEqual(["empty", "new"]);
    expect(readdirSync(join(tmp.dir, "empty")).sort()).toEqual(["bus", "devices"]);
  });

  it("refuses a non-empty directory and leaves its contents alone", () => {
    const out = join(tmp.dir, "busy");
    mkdirSync(out);
    writeFileSync(join(out, "keep"), "mine\n");
    const e = expectCode(() => exportSysfs(reference(), out), "EXPORT_NOT_EMPTY");
    expect(e.message).toContain("not empty");
    expect(readdirSync(out)).toEqual(["keep"]);
    expect(readFileSync(join(out, "keep"), "utf8")).toBe("mine\n");
    expect(siblings()).toEqual(["busy"]);
  });

  it("refuses a file and a missing parent", () => {
    writeFileSync(join(tmp.dir, "file"), "x");
    expectCode(() => exportSysfs(reference(), join(tmp.dir, "file")), "EXPORT_NOT_DIR");
    expectCode(() => exportSysfs(reference(), join(tmp.dir, "no/such/parent")), "EXPORT_NO_PARENT");
    expect(siblings()).toEqual(["file"]);
  });

  it("refuses an unwritable parent", () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere permissions allow nothing; a read-only file system still refuses.
      expectCode(() => exportSysfs(reference(), "/proc/p2pdma-export"), "EXPORT_UNWRITABLE");
      return;
    }
    const ro = join(tmp.dir, "ro");
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    try {
      expectCode(() => exportSysfs(reference(), join(ro, "out")), "EXPORT_UNWRITABLE");
      expect(readdirSync(ro)).toEqual([]);
    } finally {
      chmodSync(ro, 0o755);
    }
  });

  it("a write failing midway (a name the file system refuses) leaves neither target nor temp dir", () => {
    const system = reference();
    const last = system.devices[system.devices.length - 1]!;
    system.sysfs.addAttribute(pciDevicePath(last), { name: "x".repeat(300), mode: 0o444, show: () => "1\n" });
    const out = join(tmp.dir, "out");
    const e = expectCode(() => exportSysfs(system, out), "EXPORT_IO");
    expect(e.message).toContain("nothing written");
    expect(existsSync(out)).toBe(false);
    expect(siblings()).toEqual([]);
  });
});
