/**
 * pci-core benchmarks: building a generated 10,000-function machine from facts, and the cost
 * of upstream walks over it.
 */
import { systemFromFacts } from "../src/machine/from-facts";
import { upstreamChain } from "../src/upstream";
import { generatedFacts } from "./generated-facts";
import { medianMs } from "./timing";

export async function run(): Promise<Record<string, unknown>> {
  const facts = generatedFacts(10_000);
  const buildMs = medianMs(() => void systemFromFacts(facts), 3);
  const sys = systemFromFacts(facts);
  let walked = 0;
  const walkMs = medianMs(() => {
    walked = 0;
    for (const d of sys.devices) walked += upstreamChain(d).length;
  });
  return {
    functions: sys.devices.length,
    buildFromFactsMs: buildMs,
    upstreamWalks: { walks: sys.devices.length, nodesVisited: walked, totalMs: walkMs, nsPerWalk: Math.round((walkMs * 1e6) / sys.devices.length) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
}
