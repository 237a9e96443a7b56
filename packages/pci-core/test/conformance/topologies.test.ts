/**
 * Machines that never existed, rendered by the real lspci: the bundled sample topologies and
 * random generated ones (fast-check, fixed seed) are enumerated, exported as sysfs and as an
 * `lspci -xxxx` dump, and lspci must print
 *
 * - from the sysfs export the tree `renderSystemTree` draws (names aside);
 * - every ACSCap/ACSCtl bit, the current and maximum link speed and width the model holds
 *   (its ACS registers and its `current_link_*` / `max_link_*` sysfs attributes);
 * - from the dump export what it prints from the sysfs export (normalised as for the pciutils
 *   dumps): config space, resources and sysfs attributes of the model agree with each other.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PciSystem } from "../../src/system";
import { buildSystem } from "../../src/enumerate/build";
import { loadTopologyFile } from "../../src/enumerate/load";
import { exportLspciDump } from "../../src/export/lspci-dump";
import { exportSysfs } from "../../src/export/sysfs-tree";
import { renderSystemTree } from "../../src/export/system-tree";
import { pciDevicePath } from "../../src/pci-sysfs";
import { readSample, sampleNames } from "../../src/samples";
import { arbTopologySpec } from "../helpers/arbitrary";
import { HAVE_LSPCI, LSPCI_MISSING, lspciDump, lspciSysfs, normaliseVerbose, tempDir } from "./helpers";

/** A tree line without the device names: `  <names> [vvvv:dddd]` -> `  [vvvv:dddd]`. */
const namesAside = (tree: string): string => tree.replace(/ {2}.*(\[[0-9a-f]{4}:[0-9a-f]{4}\])$/gm, "  $1");

const ACS_NAMES = ["SrcValid", "TransBlk", "ReqRedir", "CmpltRedir", "UpstreamFwd", "EgressCtrl", "DirectTrans"] as const;

/** `lspci -vvvD` output split per function. */
function blocks(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of text.split(/\n(?=[0-9a-f]{4}:)/)) {
    const m = /^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) /.exec(b);
    if (m) out.set(m[1]!, b);
  }
  return out;
}

function acsBits(block: string, reg: "ACSCap" | "ACSCtl"): number | null {
  const m = new RegExp(`\\t${reg}:\\t(.*)`).exec(block);
  if (!m) return null;
  return ACS_NAMES.reduce((bits, name, i) => (m[1]!.includes(`${name}+`) ? bits | (1 << i) : bits), 0);
}

/** GT/s from a sysfs speed (`8.0 GT/s PCIe`) or lspci's (`8GT/s`). */
const gts = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(/([\d.]+) ?GT\/s/.exec(s)?.[1]));

function checkLspciAgainstModel(system: PciSystem, root: string, dump: string): void {
  expect(namesAside(lspciSysfs(root, ["-tvnn"]))).toBe(namesAside(renderSystemTree(system)));
  const verbose = lspciSysfs(root, ["-vvvnnD"]);
  const byBdf = blocks(verbose);
  for (const dev of system.devices) {
    const block = byBdf.get(dev.name);
    expect(block, dev.name).toBeDefined();
    const acs = dev.acs();
    if (acs === "unknown") continue;
    expect(acsBits(block!, "ACSCap"), `${dev.name} ACSCap`).toBe(acs === null ? null : acs.cap & 0x7f);
    expect(acsBits(block!, "ACSCtl"), `${dev.name} ACSCtl`).toBe(acs === null ? null : acs.ctl & 0x7f);
    if (dev.pcieCap === 0) continue;
    const attr = (name: string): string | undefined => {
      const v = system.sysfs.read(`${pciDevicePath(dev)}/${name}`);
      return typeof v === "string" ? v.trim() : undefined;
    };
    const sta = /\tLnkSta:\tSpeed ([^,]+), Width x(\d+)/.exec(block!);
    const cap = /\tLnkCap:\tPort #\d+, Speed ([^,]+), Width x(\d+)/.exec(block!);
    const cap2 = /\tLnkCap2: Supported Link Speeds: (?:[\d.]+-)?([\d.]+GT\/s)/.exec(block!);
    if (sta) {
      expect(gts(sta[1]), `${dev.name} LnkSta speed`).toBe(gts(attr("current_link_speed")));
      expect(Number(sta[2]), `${dev.name} LnkSta width`).toBe(Number(attr("current_link_width")));
    }
    if (cap) {
      expect(gts(cap2?.[1] ?? cap[1]), `${dev.name} max speed`).toBe(gts(attr("max_link_speed")));
      expect(Number(cap[2]), `${dev.name} LnkCap width`).toBe(Number(attr("max_link_width")));
    }
  }
  writeFileSync(dump, exportLspciDump(system));
  expect(normaliseVerbose(lspciSysfs(root, ["-vvvnn"]))).toBe(normaliseVerbose(lspciDump(dump, ["-vvvnn"])));
}

// Without lspci the suite says so in one skipped test, never counted as passed.
if (!HAVE_LSPCI) {
  describe("topologies through the real lspci", () => {
    it.skip(LSPCI_MISSING, () => {});
  });
}

describe.runIf(HAVE_LSPCI)("topologies through the real lspci", () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => tmp.cleanup());

  it.each(sampleNames())("sample %s: tree, ACS bits and links as the model holds them", (name) => {
    const { system } = loadTopologyFile(readSample(name)!, `${name}.yaml`);
    const root = join(tmp.dir, `sample-${name}`);
    exportSysfs(system, root);
    checkLspciAgainstModel(system, root, `${root}.dump`);
  });

  it("generated topologies (property, seed 0x5eed, 30 runs)", () => {
    let n = 0;
    fc.assert(
      fc.property(arbTopologySpec(), (spec) => {
        const { system } = buildSystem(spec);
        const root = join(tmp.dir, `generated-${n++}`);
        exportSysfs(system, root);
        checkLspciAgainstModel(system, root, `${root}.dump`);
      }),
      { seed: 0x5eed, numRuns: 30 },
    );
  }, 120_000);
});
