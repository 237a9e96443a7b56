/**
 * `pci_p2pdma_distance_many` / `pci_p2pdma_distance` (spec 2.8, 2.17.2) in both modes, with
 * the unknown-fact handling of this project: the kernel loop runs once per case of the facts
 * it consults; only a fully determined result writes the map-type cache (6.12) and the kernel
 * log, as the real call would.
 */
import type { KDevice, KernelMode, LogLine, PciFunction } from "@p2pdma/pci-core";
import { devLog, findParentPciDev } from "@p2pdma/pci-core";
import type { P2pdmaCore } from "./core";
import type { CaseValues, FactScope } from "./facts";
import type { P2pOptions } from "./options";
import type { PairVerdict } from "./distance";
import type { MapType } from "./spec/map-type";
import { pairVerdict, verdictLines } from "./distance";
import { describeCase, exploreCases } from "./facts";
import { resolveOptions } from "./options";
import { mapTypesIndex } from "./state";

/** One client as the loop saw it. */
export interface ClientResult {
  /** The device passed in (a PCI function, or e.g. a gendisk / ib_device name). */
  readonly device: string;
  /** Its PCI parent (`find_parent_pci_dev`), null when it has none. */
  readonly pciClient: string | null;
  readonly verdict: PairVerdict | null;
}

/** The outcome under one assignment of the unknown facts. */
export interface DistanceCase {
  /** "" when nothing was unknown; else e.g. "acs on, cpu not-amd-zen". */
  readonly assume: string;
  readonly values: CaseValues;
  readonly distance: number;
  readonly mapType: MapType;
  readonly clients: readonly ClientResult[];
  readonly log: readonly LogLine[];
}

export interface DistanceManyResult {
  readonly kernel: KernelMode;
  readonly provider: string;
  /** What the kernel returns; null when it depends on unknown facts (see `cases`). */
  readonly distance: number | null;
  /** Worst map type over the clients (NOT_SUPPORTED > THRU_HOST_BRIDGE > BUS_ADDR); null when undetermined. */
  readonly mapType: MapType | null;
  readonly clients: readonly ClientResult[];
  /** Lines the kernel logged (empty when undetermined). */
  readonly log: readonly LogLine[];
  /** Unknown facts the verdict depends on (`acs:<bdf>`, `cpu`, `hostBridge:<bdf>`). */
  readonly dependsOn: readonly string[];
  /** Unknown facts settled by an explicit assumption. */
  readonly assumed: readonly string[];
  /** One entry per case; exactly one when determined. */
  readonly cases: readonly DistanceCase[];
}

/** The overall map type of a set of verdicts. */
export function worstMapType(types: readonly MapType[]): MapType {
  if (types.includes("NOT_SUPPORTED")) return "NOT_SUPPORTED";
  if (types.includes("THRU_HOST_BRIDGE")) return "THRU_HOST_BRIDGE";
  return "BUS_ADDR";
}

interface Evaluated {
  distance: number;
  clients: ClientResult[];
  lines: LogLine[];
  verdicts: PairVerdict[];
}

/** The kernel loop of `pci_p2pdma_distance_many`, pure. */
export function evalDistanceMany(
  provider: PciFunction,
  clients: readonly KDevice[],
  verbose: boolean,
  kernel: KernelMode,
  scope: FactScope,
): Evaluated {
  const out: Evaluated = { distance: -1, clients: [], lines: [], verdicts: [] };
  if (clients.length === 0) return out;
  let notSupported = false;
  let total = 0;
  for (const c of clients) {
    const pci = findParentPciDev(c);
    if (!pci) {
      if (verbose) out.lines.push(devLog(c, "warn", "cannot be used for peer-to-peer DMA as it is not a PCI device"));
      out.clients.push({ device: c.name, pciClient: null, verdict: null });
      out.distance = -1;
      return out;
    }
    const v = pairVerdict(provider, pci, kernel, scope);
    out.verdicts.push(v);
    out.clients.push({ device: c.name, pciClient: pci.name, verdict: v });
    out.lines.push(...verdictLines(v, verbose));
    if (kernel === "4.20" ? v.distance < 0 : v.mapType === "NOT_SUPPORTED") notSupported = true;
    if (notSupported && !verbose) break;
    total += v.distance;
  }
  out.distance = notSupported ? -1 : total;
  return out;
}

/** Writes computed map types into the provider's cache (6.12 `xa_store`, every computation). */
export function storeMapTypes(core: P2pdmaCore, verdicts: readonly PairVerdict[], providers: ReadonlyMap<string, PciFunction>): void {
  for (const v of verdicts) {
    if (v.kernel !== "6.12") continue;
    const p = providers.get(v.provider);
    const st = p ? core.state(p) : null;
    const client = core.system.getDeviceByName(v.client);
    if (st && client) st.mapTypes.set(mapTypesIndex(client), v.mapType);
  }
}

function overallMapType(kernel: KernelMode, e: Evaluated): MapType {
  if (e.distance < 0 && kernel === "4.20") return "NOT_SUPPORTED";
  if (e.clients.length === 0 || e.clients.some((c) => c.verdict === null)) return "NOT_SUPPORTED";
  return worstMapType(e.verdicts.map((v) => v.mapType));
}

/**
 * Models `pci_p2pdma_distance_many(provider, clients, n, verbose)`: -1 if any client cannot
 * reach the provider (4.20: no common bridge or ACS redirect; 6.12: NOT_SUPPORTED), else the
 * sum of the distances. Clients may be any devices; their PCI parent is used.
 */
export function distanceMany(
  core: P2pdmaCore,
  provider: PciFunction,
  clients: readonly KDevice[],
  verbose: boolean,
  opts: P2pOptions = {},
): DistanceManyResult {
  const o = resolveOptions(opts);
  if (!o.configPciP2pdma) {
    const c: DistanceCase = { assume: "", values: {}, distance: -1, mapType: "NOT_SUPPORTED", clients: [], log: [] };
    return { kernel: o.kernel, provider: provider.name, distance: -1, mapType: "NOT_SUPPORTED", clients: [], log: [], dependsOn: [], assumed: [], cases: [c] };
  }
  const explored = exploreCases(core.system.platform, o.assume, (scope) => evalDistanceMany(provider, clients, verbose, o.kernel, scope));
  const cases: DistanceCase[] = explored.map((x) => ({
    assume: describeCase(x.values),
    values: x.values,
    distance: x.result.distance,
    mapType: overallMapType(o.kernel, x.result),
    clients: x.result.clients,
    log: x.result.lines,
  }));
  const dependsOn = [...new Set(explored.flatMap((x) => x.dependsOn))];
  const assumed = [...new Set(explored.flatMap((x) => x.assumed))];
  const only = explored.length === 1 ? explored[0]! : null;
  if (only) {
    const log = core.log(only.result.lines);
    storeMapTypes(core, only.result.verdicts, new Map([[provider.name, provider]]));
    const c = cases[0]!;
    return { kernel: o.kernel, provider: provider.name, distance: c.distance, mapType: c.mapType, clients: c.clients, log, dependsOn, assumed, cases };
  }
  return { kernel: o.kernel, provider: provider.name, distance: null, mapType: null, clients: [], log: [], dependsOn, assumed, cases };
}

/** Models `pci_p2pdma_distance(provider, client, verbose)`: the one-client form. */
export function distance(core: P2pdmaCore, provider: PciFunction, client: KDevice, verbose: boolean, opts: P2pOptions = {}): DistanceManyResult {
  return distanceMany(core, provider, [client], verbose, opts);
}
