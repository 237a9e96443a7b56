/**
 * The all-pairs view of a machine (`p2p matrix`): for every ordered pair of endpoints the
 * `pci_p2pdma_distance` result and map type with the pair as (provider, client), and the
 * `nvidia-smi topo -m` link word derived from the tree (README "matrix vocabulary").
 */
import type { PciFunction } from "@p2pdma/pci-core";
import { findHostBridge, upstreamBridge } from "@p2pdma/pci-core";
import type { P2pdmaCore } from "./core";
import type { P2pOptions } from "./options";
import type { MapType } from "./spec/map-type";
import { evalDistanceMany, worstMapType } from "./distance-many";
import { exploreCases } from "./facts";
import { resolveOptions } from "./options";

/** The nvidia-smi words. */
export type LinkWord = "X" | "PIX" | "PXB" | "PHB" | "NODE" | "SYS";

export interface MatrixResult {
  readonly kernel: string;
  readonly devices: readonly string[];
  /** distance[i][j]: provider i, client j; null when it depends on unknown facts. */
  readonly distance: readonly (readonly (number | null)[])[];
  readonly mapType: readonly (readonly (MapType | null)[])[];
  readonly link: readonly (readonly LinkWord[])[];
  /** Unknown facts some entry depends on. */
  readonly dependsOn: readonly string[];
}

/** The functions a matrix covers: endpoints and RC-integrated endpoints, in enumeration order. */
export function matrixDevices(devices: readonly PciFunction[]): PciFunction[] {
  return devices.filter((d) => d.type === "endpoint" || d.type === "rc-endpoint");
}

function chain(d: PciFunction): PciFunction[] {
  const out: PciFunction[] = [];
  for (let x: PciFunction | null = d; x; x = upstreamBridge(x)) out.push(x);
  return out;
}

/** The switch/bridge a path node belongs to: a downstream port counts as its switch's upstream port. */
function unitOf(n: PciFunction): PciFunction {
  if (n.type === "downstream-port") {
    const up = upstreamBridge(n);
    if (up && up.type === "upstream-port") return up;
  }
  return n;
}

/**
 * The nvidia-smi word for two functions: X itself; PIX when the path between them crosses at
 * most one bridge unit (one switch, or one root port / PCI bridge); PXB for more units below a
 * common bridge; PHB when the only common point is their host bridge; NODE for different host
 * bridges of one NUMA node; SYS across NUMA nodes.
 */
export function linkWord(a: PciFunction, b: PciFunction): LinkWord {
  if (a === b) return "X";
  const ca = chain(a);
  const cb = chain(b);
  const ia = ca.findIndex((n) => cb.includes(n));
  if (ia >= 0) {
    const common = ca[ia]!;
    const ib = cb.indexOf(common);
    const path = [...ca.slice(1, ia + 1), ...cb.slice(1, ib)];
    if (common === a || common === b) path.push(common);
    const units = new Set(path.filter((n) => n !== a && n !== b).map(unitOf));
    return units.size <= 1 ? "PIX" : "PXB";
  }
  const ha = findHostBridge(a);
  const hb = findHostBridge(b);
  if (ha === hb) return "PHB";
  return ha.numaNode === hb.numaNode ? "NODE" : "SYS";
}

/** Builds the matrix (pure: no cache writes, no log). */
export function p2pMatrix(core: P2pdmaCore, opts: P2pOptions = {}): MatrixResult {
  const o = resolveOptions(opts);
  const devs = matrixDevices(core.system.devices);
  const deps = new Set<string>();
  const distance: (number | null)[][] = [];
  const mapType: (MapType | null)[][] = [];
  const link: LinkWord[][] = [];
  for (const p of devs) {
    const drow: (number | null)[] = [];
    const mrow: (MapType | null)[] = [];
    const lrow: LinkWord[] = [];
    for (const c of devs) {
      const cases = exploreCases(core.system.platform, o.assume, (scope) => evalDistanceMany(p, [c], false, o.kernel, scope));
      for (const x of cases) x.dependsOn.forEach((d) => deps.add(d));
      if (cases.length === 1) {
        const r = cases[0]!.result;
        drow.push(o.configPciP2pdma ? r.distance : -1);
        mrow.push(o.configPciP2pdma ? worstMapType(r.verdicts.map((v) => v.mapType)) : "NOT_SUPPORTED");
      } else {
        drow.push(null);
        mrow.push(null);
      }
      lrow.push(linkWord(p, c));
    }
    distance.push(drow);
    mapType.push(mrow);
    link.push(lrow);
  }
  return { kernel: o.kernel, devices: devs.map((d) => d.name), distance, mapType, link, dependsOn: [...deps] };
}
