/**
 * Exporters against the real lspci, on every pciutils test dump (real machines; origin in the
 * fixtures' README). Each dump is imported (its hex part alone: exactly what `lspci -F` knows),
 * built into a live system (`systemFromFacts`), and exported:
 *
 * - as sysfs: `lspci -A linux-sysfs -O sysfs.path=<export>/bus/pci` prints what `lspci -F dump`
 *   prints, line for line, after {@link normaliseVerbose} (-vvvnn), and exactly (-tvnn);
 * - as an `lspci -xxxx` dump: `lspci -F export` prints exactly what `lspci -F dump` prints
 *   (-vvvnn and -xxxx), also for the full verbose+hex import.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportLspciDump } from "../../src/export/lspci-dump";
import { exportSysfs } from "../../src/export/sysfs-tree";
import { importCapture } from "../../src/import/detect";
import { importLspciHex } from "../../src/import/lspci-hex";
import { systemFromFacts } from "../../src/machine/from-facts";
import {
  FIXTURES_DIR,
  HAVE_FIXTURES,
  HAVE_LSPCI,
  LSPCI_MISSING,
  fixtureNames,
  fixturePath,
  fixtureText,
  hexPart,
  lspciDump,
  lspciSysfs,
  normaliseVerbose,
  tempDir,
} from "./helpers";

const files = fixtureNames();

// Missing prerequisites are reported as one skipped test naming the fix, never as passes.
if (!HAVE_FIXTURES) {
  describe("pciutils fixtures", () => {
    it.skip(`fixtures not found at ${FIXTURES_DIR}: conformance tests skipped`, () => {});
  });
}

if (!HAVE_LSPCI && HAVE_FIXTURES) {
  describe("pciutils fixtures", () => {
    it.skip(LSPCI_MISSING, () => {});
  });
}

describe.runIf(HAVE_LSPCI && HAVE_FIXTURES)("exports of the pciutils dumps read back by the real lspci", () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => tmp.cleanup());

  const exportFixture = (f: string): string => {
    const system = systemFromFacts(importLspciHex(f, hexPart(fixtureText(f))));
    const out = join(tmp.dir, `${f}.sysfs`);
    exportSysfs(system, out);
    return out;
  };

  it.each(files)("%s: sysfs export -vvvnn = lspci -F dump -vvvnn (normalised)", (f) => {
    const root = exportFixture(f);
    const theirs = lspciDump(fixturePath(f), ["-vvvnn"]);
    const mine = lspciSysfs(root, ["-vvvnn"]);
    expect(normaliseVerbose(mine)).toBe(normaliseVerbose(theirs));
  });

  it.each(files)("%s: sysfs export -tvnn = lspci -F dump -tvnn, exactly", (f) => {
    const root = join(tmp.dir, `${f}.sysfs`);
    expect(lspciSysfs(root, ["-tvnn"])).toBe(lspciDump(fixturePath(f), ["-tvnn"]));
  });

  it.each(files)("%s: lspci -F of the lspci-x export = lspci -F of the dump (-vvvnn, -xxxx), exactly", (f) => {
    for (const facts of [importLspciHex(f, hexPart(fixtureText(f))), importCapture(f, fixtureText(f))]) {
      const dump = join(tmp.dir, `${f}.${facts.sources[0]!.format}.dump`);
      writeFileSync(dump, exportLspciDump(systemFromFacts(facts)));
      for (const args of [["-vvvnn"], ["-xxxx"]]) {
        expect(lspciDump(dump, args)).toBe(lspciDump(fixturePath(f), args));
      }
    }
  });
});
