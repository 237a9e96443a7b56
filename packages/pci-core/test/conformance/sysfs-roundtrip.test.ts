/**
 * Round trip: the sysfs snapshot importer (`importSysfsDir`) reads an exported tree back to an
 * equal model: the same `topo show --format json` document and the same config bytes for
 * every function, for every pciutils dump (verbose+hex import, which states BAR sizes and
 * NUMA nodes) and for the bundled sample topologies.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PciSystem } from "../../src/system";
import { exportSysfs } from "../../src/export/sysfs-tree";
import { topologyJson } from "../../src/export/json";
import { loadTopologyFile } from "../../src/enumerate/load";
import { importCapture } from "../../src/import/detect";
import { importSysfsDir } from "../../src/import/sysfs-dir";
import { systemFromFacts } from "../../src/machine/from-facts";
import { readSample, sampleNames } from "../../src/samples";
import { HAVE_FIXTURES, fixtureNames, fixtureText, tempDir } from "./helpers";

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

function roundTrip(system: PciSystem, name: string): PciSystem {
  const out = join(tmp.dir, name);
  exportSysfs(system, out);
  return systemFromFacts(importSysfsDir(out));
}

/**
 * Every fact the original model knows is read back equal; a sysfs tree states some facts a
 * capture may leave unknown (a resource file always lists the BARs), so the re-imported model
 * may know more, never less. Not sysfs facts: user labels (topology files), the platform
 * (/proc/cpuinfo) and host-bridge NUMA nodes and bus offsets (firmware tables).
 */
function expectEqualModels(a: PciSystem, b: PciSystem): void {
  const ja = topologyJson(a);
  const jb = topologyJson(b);
  expect(jb.hostBridges.map((h) => [h.name, h.domain, h.bus])).toEqual(ja.hostBridges.map((h) => [h.name, h.domain, h.bus]));
  expect(jb.devices.map((d) => d.bdf)).toEqual(ja.devices.map((d) => d.bdf));
  ja.devices.forEach((da, i) => {
    const db = jb.devices[i]!;
    const { label: _la, unknown: ua, ...restA } = da;
    const { label: _lb, unknown: ub, ...restB } = db;
    const known = (o: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v !== "unknown"));
    const keys = Object.keys(known(restA));
    expect(Object.fromEntries(keys.map((k) => [k, (restB as Record<string, unknown>)[k]])), da.bdf).toEqual(known(restA));
    expect(ub.filter((u) => !ua.includes(u)), `${da.bdf}: facts lost`).toEqual([]);
  });
  expect(b.devices.map((d) => [d.name, [...d.config.bytes()]])).toEqual(a.devices.map((d) => [d.name, [...d.config.bytes()]]));
}

describe.runIf(HAVE_FIXTURES)("sysfs export -> sysfs import round trip (pciutils dumps)", () => {
  it.each(fixtureNames())("%s", (f) => {
    const system = systemFromFacts(importCapture(f, fixtureText(f)));
    expectEqualModels(system, roundTrip(system, `${f}.sysfs`));
  });
});

describe("sysfs export -> sysfs import round trip (bundled samples)", () => {
  it.each(sampleNames())("%s", (name) => {
    const { system } = loadTopologyFile(readSample(name)!, `${name}.yaml`);
    expectEqualModels(system, roundTrip(system, `${name}.sample`));
  });
});
