/**
 * A `p2pdma run` scenario: the target's topology, its nvmet configuration and the workload.
 * YAML: `{ name, topology: <path or "reference">, nvmet: { subsystem, namespaces: [/dev/..],
 * p2pmem: "1" | BDF }, workload: { pattern: write-read, blockSize, queueDepth, bytes } }`.
 */
import { parse } from "yaml";
import { parseSizeText } from "@p2pdma/pci-core";

/** A validated scenario. */
export interface Scenario {
  readonly name: string;
  /** Topology file path, or "reference" for the bundled seed system. */
  readonly topology: string;
  readonly subsystem: string;
  readonly namespaces: readonly string[];
  /** What `p2pmem` is set to when P2P is on: "1" (automatic) or a provider BDF. */
  readonly p2pmem: string;
  readonly workload: { readonly blockSize: number; readonly queueDepth: number; readonly bytes: number };
}

/** The built-in default: the seed's system (four SSDs behind the switch, 128 KiB I/O, QD 16). */
export const DEFAULT_SCENARIO: Scenario = {
  name: "seed",
  topology: "reference",
  subsystem: "nqn.2018-08.io.p2pdma:seed",
  namespaces: ["/dev/nvme0n1", "/dev/nvme1n1", "/dev/nvme2n1", "/dev/nvme3n1"],
  p2pmem: "1",
  workload: { blockSize: 128 << 10, queueDepth: 16, bytes: 16 << 20 },
};

/** A scenario file that cannot be used. */
export class ScenarioError extends Error {
  readonly code = "ESCENARIO";
}

function size(v: unknown, what: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(parseSizeText(v)) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new ScenarioError(`${what}: expected a positive size, got ${String(v)}`);
  return n;
}

/** Parses a scenario YAML text; missing fields take the default scenario's values. */
export function parseScenario(text: string, source: string): Scenario {
  const raw: unknown = parse(text);
  if (typeof raw !== "object" || raw === null) throw new ScenarioError(`${source}: not a YAML mapping`);
  const r = raw as Record<string, unknown>;
  const n = (r["nvmet"] ?? {}) as Record<string, unknown>;
  const w = (r["workload"] ?? {}) as Record<string, unknown>;
  const d = DEFAULT_SCENARIO;
  const namespaces = n["namespaces"] ?? d.namespaces;
  if (!Array.isArray(namespaces) || namespaces.some((x) => typeof x !== "string")) throw new ScenarioError(`${source}: nvmet.namespaces must be a list of device paths`);
  const bs = size(w["blockSize"], "workload.blockSize", d.workload.blockSize);
  if (bs % 512 !== 0) throw new ScenarioError(`${source}: workload.blockSize must be a multiple of 512`);
  return {
    name: typeof r["name"] === "string" ? r["name"] : source,
    topology: typeof r["topology"] === "string" ? r["topology"] : d.topology,
    subsystem: typeof n["subsystem"] === "string" ? n["subsystem"] : d.subsystem,
    namespaces: namespaces as string[],
    p2pmem: typeof n["p2pmem"] === "string" ? n["p2pmem"] : d.p2pmem,
    workload: { blockSize: bs, queueDepth: size(w["queueDepth"], "workload.queueDepth", d.workload.queueDepth), bytes: size(w["bytes"], "workload.bytes", d.workload.bytes) },
  };
}
