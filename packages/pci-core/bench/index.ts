/**
 * pci-core benchmarks (wall clock): importing a generated 10,000-device lspci -vvv capture
 * (parse, and parse + build the live model), enumerating a generated ~10,000-function topology
 * from its spec, building from facts, upstream walks, and sysfs / lspci dump export.
 */
import { importCapture } from "../src/import/detect";
import { systemFromFacts } from "../src/machine/from-facts";
import { buildSystem } from "../src/enumerate/build";
import { generateTopology } from "../src/topology/generate";
import { upstreamChain } from "../src/upstream";
import { generatedFacts } from "./generated-facts";
import { lspciVerboseText } from "./generated-capture";
import { medianMs } from "./timing";
import { benchExport } from "./export";

export async function run(): Promise<Record<string, unknown>> {
  const text = lspciVerboseText(10_000);
  const parseMs = medianMs(() => void importCapture("big.txt", text), 3);
  const importMs = medianMs(() => void systemFromFacts(importCapture("big.txt", text)), 3);

  const spec = generateTopology({ hostBridges: 16, endpoints: 4096, switchDepth: 2, fanout: 4, seed: 1, functionsPerDevice: 4, vfsPerEndpoint: 1 });
  let functions = 0;
  const enumerateMs = medianMs(() => {
    functions = buildSystem(spec).system.devices.length;
  }, 3);

  const facts = generatedFacts(10_000);
  const buildMs = medianMs(() => void systemFromFacts(facts), 3);
  const sys = systemFromFacts(facts);
  let walked = 0;
  const walkMs = medianMs(() => {
    walked = 0;
    for (const d of sys.devices) walked += upstreamChain(d).length;
  });
  return {
    import10k: { functions: 10_000, parseMs, parseAndBuildMs: importMs, targetMs: 1000 },
    enumerate10k: { functions, buildSystemMs: enumerateMs },
    buildFromFacts: { functions: sys.devices.length, ms: buildMs },
    upstreamWalks: { walks: sys.devices.length, nodesVisited: walked, totalMs: walkMs, nsPerWalk: Math.round((walkMs * 1e6) / sys.devices.length) },
    export10k: await benchExport(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
