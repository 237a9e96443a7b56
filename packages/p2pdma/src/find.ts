/**
 * `pci_p2pmem_find_many` / `pci_p2pmem_find` (spec 2.9): every published provider in
 * enumeration order, the closest set (at most 512, one page of pointers), and a uniform choice
 * among it drawn from the caller's PRNG (the kernel's `get_random_u32_below`).
 */
import type { KDevice, LogLine, PciFunction } from "@p2pdma/pci-core";
import type { P2pdmaCore } from "./core";
import type { CaseValues } from "./facts";
import type { P2pOptions } from "./options";
import type { Prng } from "./prng";
import type { PairVerdict } from "./distance";
import { evalDistanceMany, storeMapTypes } from "./distance-many";
import { describeCase, exploreCases } from "./facts";
import { resolveOptions } from "./options";
import { FIND_MAX_DEVS } from "./spec/constants";

export interface FindCandidate {
  readonly bdf: string;
  /** distance_many to the clients (-1 = unusable). */
  readonly distance: number;
}

export interface FindCase {
  readonly assume: string;
  readonly values: CaseValues;
  readonly candidates: readonly FindCandidate[];
  /** The closest set the kernel draws from, in enumeration order. */
  readonly closest: readonly string[];
  readonly distance: number | null;
}

export interface FindResult {
  /** The chosen provider, null if none (or undetermined: see `cases`). */
  readonly provider: PciFunction | null;
  readonly distance: number | null;
  /** Every published provider visited, in enumeration order, with its distance. */
  readonly candidates: readonly FindCandidate[];
  readonly closest: readonly string[];
  readonly log: readonly LogLine[];
  readonly dependsOn: readonly string[];
  readonly cases: readonly FindCase[];
}

/** Models `pci_p2pmem_find_many(clients, n)`. `prng` replaces the kernel's random draw. */
export function findMany(core: P2pdmaCore, clients: readonly KDevice[], prng: Prng, opts: P2pOptions = {}): FindResult {
  const o = resolveOptions(opts);
  if (!o.configPciP2pdma) return { provider: null, distance: null, candidates: [], closest: [], log: [], dependsOn: [], cases: [] };
  const published = core.system.devices.filter((d) => core.state(d)?.published === true);
  const explored = exploreCases(core.system.platform, o.assume, (scope) => {
    const candidates: FindCandidate[] = [];
    const lines: LogLine[] = [];
    const verdicts: PairVerdict[] = [];
    let closestDistance = Number.MAX_SAFE_INTEGER;
    let closest: PciFunction[] = [];
    for (const pdev of published) {
      const e = evalDistanceMany(pdev, clients, false, o.kernel, scope);
      lines.push(...e.lines);
      verdicts.push(...e.verdicts);
      candidates.push({ bdf: pdev.name, distance: e.distance });
      const d = e.distance;
      if (d < 0 || d > closestDistance) continue;
      if (d === closestDistance && closest.length >= FIND_MAX_DEVS) continue;
      if (d < closestDistance) {
        closest = [];
        closestDistance = d;
      }
      closest.push(pdev);
    }
    return { candidates, lines, verdicts, closest, closestDistance };
  });
  const cases: FindCase[] = explored.map((x) => ({
    assume: describeCase(x.values),
    values: x.values,
    candidates: x.result.candidates,
    closest: x.result.closest.map((d) => d.name),
    distance: x.result.closest.length > 0 ? x.result.closestDistance : null,
  }));
  const dependsOn = [...new Set(explored.flatMap((x) => x.dependsOn))];
  if (explored.length !== 1) {
    return { provider: null, distance: null, candidates: [], closest: [], log: [], dependsOn, cases };
  }
  const r = explored[0]!.result;
  const log = core.log(r.lines);
  storeMapTypes(core, r.verdicts, new Map(published.map((p) => [p.name, p])));
  const provider = r.closest.length > 0 ? r.closest[prng.below(r.closest.length)]! : null;
  return {
    provider,
    distance: provider ? r.closestDistance : null,
    candidates: r.candidates,
    closest: r.closest.map((d) => d.name),
    log,
    dependsOn,
    cases,
  };
}

/** Models `pci_p2pmem_find(client)`. */
export function find(core: P2pdmaCore, client: KDevice, prng: Prng, opts: P2pOptions = {}): FindResult {
  return findMany(core, [client], prng, opts);
}
