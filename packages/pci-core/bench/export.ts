/**
 * Export benchmarks: a generated topology of about 10,000 PCI functions (host bridges with
 * switch trees and NVMe/NIC/p2pmem endpoints, `generateTopology`) written as a sysfs tree
 * (`exportSysfs`, to a fresh temp directory each run) and as an `lspci -xxxx` dump
 * (`exportLspciDump`). Target: under 2 s each.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildSystem } from "../src/enumerate/build";
import { exportLspciDump } from "../src/export/lspci-dump";
import { exportSysfs } from "../src/export/sysfs-tree";
import type { TopologySpec } from "../src/topology/schema";
import { generateTopology } from "../src/topology/generate";

function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: Number((performance.now() - t0).toFixed(1)), value };
}

export async function benchExport(): Promise<Record<string, unknown>> {
  const generated = generateTopology({ hostBridges: 24, endpoints: 4400, switchDepth: 2, fanout: 8, seed: 7 });
  // 24 host bridges' bridge windows do not fit one 32-bit MMIO hole: give each its own, seen
  // by the CPU above 4 GiB through a bus offset (as large multi-segment machines do).
  const spec: TopologySpec = {
    ...generated,
    hostBridges: generated.hostBridges.map((hb, i) => {
      const cpuLow = BigInt(i + 1) << 41n;
      const busOffset = 0x8000_0000n - cpuLow;
      return {
        ...hb,
        busOffset,
        memoryWindows: [
          { base: cpuLow, size: 0x7c00_0000n },
          { base: (1n << 39n) - busOffset, size: 1n << 39n },
        ],
      };
    }),
  };
  const built = timed(() => buildSystem(spec).system);
  const system = built.value;
  // tmpfs when there is one: the benchmark times the exporter, not the disk.
  const fsRoot = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const base = mkdtempSync(join(fsRoot, "p2pdma-bench-export-"));
  try {
    const sysfsRuns: number[] = [];
    let files = 0;
    let links = 0;
    for (let i = 0; i < 3; i++) {
      const r = timed(() => exportSysfs(system, join(base, `run${i}`)));
      sysfsRuns.push(r.ms);
      files = r.value.files;
      links = r.value.links;
    }
    const dumpRuns: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const r = timed(() => exportLspciDump(system));
      dumpRuns.push(r.ms);
      bytes = r.value.length;
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return {
      functions: system.devices.length,
      fileSystem: fsRoot,
      buildMs: built.ms,
      sysfs: { medianMs: median(sysfsRuns), runsMs: sysfsRuns, files, links, targetMs: 2000 },
      lspciDump: { medianMs: median(dumpRuns), runsMs: dumpRuns, bytes, targetMs: 2000 },
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await benchExport(), null, 2)}\n`);
}
