/**
 * p2pdma benchmark (`pnpm bench`): on a generated machine with 4,096 endpoints behind two
 * levels of switches under 16 host bridges, distance-matrix pairs per second computed by the
 * model without the map-type cache (every pair computed), with the cache (6.12's per-provider
 * xarray lookup, as the DMA path uses it), and by a plain re-walk of both upstream chains per
 * pair; and `pci_p2pmem_find_many` calls per second over 1,024 published providers.
 * Wall-clock timings; the machine and the choices are deterministic.
 */
import { pathToFileURL } from "node:url";
import type { PciFunction } from "@p2pdma/pci-core";
import { upstreamBridge } from "@p2pdma/pci-core";
import { addResource, exploreCases, findMany, P2pdmaCore, p2pdmaMapType, pairVerdict, publish, SplitMix32 } from "../src/index";
import { benchMachine } from "./topology";

function now(): number {
  return performance.now();
}

/** ACS redirect test as the kernel does it: a config read of the ACS control register. */
function redirects(d: PciFunction): boolean {
  return d.acsCap !== 0 && (d.config.read16(d.acsCap + 6) & 0x2c) !== 0;
}

/**
 * The baseline: what the cache saves, done plainly for every pair: climb both chains to the
 * common node reading ACS on the way (as calc_map_type_and_dist does), no objects kept.
 * Returns 2 for a direct path, 3 for a host-bridge path (the table is not consulted here).
 */
function rewalk(a: PciFunction, b: PciFunction): number {
  let acs = 0;
  for (let x: PciFunction | null = a; x; x = upstreamBridge(x)) {
    if (redirects(x)) acs++;
    for (let y: PciFunction | null = b; y; y = upstreamBridge(y)) {
      if (x === y) {
        for (let z: PciFunction | null = b; z && z !== x; z = upstreamBridge(z)) if (redirects(z)) acs++;
        return acs ? 3 : 2;
      }
    }
  }
  return 3;
}

export async function run(): Promise<Record<string, unknown>> {
  const t0 = now();
  const { system, endpoints } = benchMachine();
  const buildMs = now() - t0;
  const core = P2pdmaCore.of(system);
  const providers = endpoints.filter((_, i) => i % 4 === 0); // 1,024 providers, spread over every host bridge
  for (const p of providers) {
    if (addResource(core, p, 0, 0, 0).ret !== 0) throw new Error(`add_resource failed on ${p.name}`);
    publish(core, p, true);
  }
  const rows = providers.slice(0, 64); // 64 provider rows x 4,096 clients per measured pass
  const pairs = rows.length * endpoints.length;

  let sink = 0;
  let t = now();
  for (const p of rows) for (const c of endpoints) sink += rewalk(p, c);
  const rewalkMs = now() - t;

  t = now();
  for (const p of rows) {
    const pgmap = core.state(p)!.pagemaps[0]!;
    for (const c of endpoints) {
      const cases = exploreCases(system.platform, {}, (scope) => pairVerdict(p, c, "6.12", scope));
      sink += cases[0]!.result.distance;
      void pgmap;
    }
  }
  const uncachedMs = now() - t;

  // Fill the cache through the DMA path's lookup, then time pure lookups.
  for (const p of rows) {
    const pgmap = core.state(p)!.pagemaps[0]!;
    for (const c of endpoints) p2pdmaMapType(core, pgmap, c);
  }
  t = now();
  const REPEAT = 5;
  for (let k = 0; k < REPEAT; k++) {
    for (const p of rows) {
      const pgmap = core.state(p)!.pagemaps[0]!;
      for (const c of endpoints) sink += p2pdmaMapType(core, pgmap, c).length;
    }
  }
  const cachedMs = (now() - t) / REPEAT;

  const clients = [endpoints[1]!, endpoints[2]!];
  const prng = new SplitMix32(1);
  const FIND = 20;
  t = now();
  let chosen = "";
  for (let k = 0; k < FIND; k++) chosen = findMany(core, clients, prng).provider?.name ?? "none";
  const findMs = (now() - t) / FIND;

  const perSec = (ms: number): number => Math.round((pairs / ms) * 1000);
  return {
    machine: { hostBridges: system.hostBridges.length, functions: system.devices.length, endpoints: endpoints.length, providers: providers.length, buildMs: Math.round(buildMs) },
    matrix: {
      pairsPerPass: pairs,
      rewalkPairsPerSec: perSec(rewalkMs),
      uncachedPairsPerSec: perSec(uncachedMs),
      cachedPairsPerSec: perSec(cachedMs),
      cachedVsRewalk: Number((rewalkMs / cachedMs).toFixed(1)),
      cachedVsUncached: Number((uncachedMs / cachedMs).toFixed(1)),
      targetCachedVsRewalk: 20,
    },
    findMany: { publishedProviders: providers.length, clients: clients.length, msPerCall: Number(findMs.toFixed(2)), callsPerSec: Number((1000 / findMs).toFixed(1)), chosen },
    kernelLogLines: system.log.all().length,
    checksum: sink,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
