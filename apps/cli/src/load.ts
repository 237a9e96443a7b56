/**
 * `--topology` handling (architecture.md CLI contract): each input is detected by content —
 * the project's topology file (YAML/JSON), lspci -tv / -vvv / -xxx text, a sysfs snapshot
 * (directory or tarball), hwloc XML. Several captures of one machine combine; a topology file
 * stands alone. No input means the bundled reference system. `--cpu` supplies the platform a
 * capture lacks; `--acs` is passed on as the assumption for ACS states the input left unknown.
 */
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import type { CaptureFormat, MachineFacts, Platform, PciSystem } from "@p2pdma/pci-core";
import {
  detectFormat,
  importCapture,
  importSysfsDir,
  loadTopologyFile,
  mergeFacts,
  readSample,
  sampleNames,
  systemFromFacts,
} from "@p2pdma/pci-core";
import type { CliIo } from "./io";
import { CliError, resolvePath } from "./io";

export interface LoadOptions {
  readonly cpu?: string;
  readonly acs?: "on" | "off";
}

export interface LoadedMachine {
  readonly system: PciSystem;
  readonly sources: readonly { name: string; format: CaptureFormat | "sample" }[];
  /** What to assume where the input left a fact unknown (from flags). */
  readonly assume: { readonly acs?: "on" | "off"; readonly cpu?: Pick<Platform, "cpuVendor" | "cpuFamily"> };
}

/** Parses `--cpu VENDOR:FAMILY` (`amd:0x19`, `intel:6`). */
export function parseCpu(text: string): Pick<Platform, "cpuVendor" | "cpuFamily" | "arch"> {
  const m = /^(amd|intel|other):(0x[0-9a-f]+|\d+)$/i.exec(text.trim());
  if (!m) throw new CliError(`--cpu ${JSON.stringify(text)}: expected VENDOR:FAMILY such as amd:0x19 or intel:0x6`, 2);
  const family = m[2]!.toLowerCase().startsWith("0x") ? Number.parseInt(m[2]!, 16) : Number.parseInt(m[2]!, 10);
  return { cpuVendor: m[1]!.toLowerCase() as Platform["cpuVendor"], cpuFamily: family, arch: "x86" };
}

const DEFAULT_SAMPLE = "reference";

/** Loads the machine the `--topology` arguments describe. */
export async function loadMachine(io: CliIo, topologies: readonly string[], opts: LoadOptions = {}): Promise<LoadedMachine> {
  const cpu = opts.cpu !== undefined ? parseCpu(opts.cpu) : undefined;
  const assume = { ...(opts.acs ? { acs: opts.acs } : {}), ...(cpu ? { cpu } : {}) };
  const inputs = topologies.length > 0 ? topologies : [`sample:${DEFAULT_SAMPLE}`];
  const captures: MachineFacts[] = [];
  let topologyFile: { system: PciSystem; name: string; format: CaptureFormat | "sample" } | null = null;
  const sources: { name: string; format: CaptureFormat | "sample" }[] = [];
  for (const input of inputs) {
    if (input.startsWith("sample:")) {
      const name = input.slice(7);
      const text = readSample(name);
      if (text === null) throw new CliError(`no bundled sample ${JSON.stringify(name)} (have: ${sampleNames().join(", ")})`);
      topologyFile = { system: loadTopologyFile(text, `${name}.yaml`).system, name: input, format: "sample" };
      sources.push({ name: input, format: "sample" });
      continue;
    }
    const path = resolvePath(io, input);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new CliError(`${input}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      captures.push(importSysfsDir(path));
      sources.push({ name: input, format: "sysfs-dir" });
      continue;
    }
    const data = new Uint8Array(readFileSync(path));
    const format = detectFormat(basename(path), data);
    sources.push({ name: input, format });
    if (format === "topology-yaml" || format === "topology-json") {
      topologyFile = { system: loadTopologyFile(new TextDecoder().decode(data), input).system, name: input, format };
    } else {
      captures.push(importCapture(input, data));
    }
  }
  if (topologyFile && inputs.length > 1) {
    throw new CliError(`${topologyFile.name} is a topology file; it cannot be combined with other --topology inputs`, 2);
  }
  let system: PciSystem;
  if (topologyFile) {
    system = topologyFile.system;
    if (cpu) system.platform = { ...system.platform, ...cpu };
  } else {
    system = systemFromFacts(mergeFacts(captures), cpu ? { platform: cpu } : {});
  }
  return { system, sources, assume };
}
