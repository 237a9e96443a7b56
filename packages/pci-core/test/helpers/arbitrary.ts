/**
 * fast-check arbitraries of topology specs for property tests (kept apart from the generator
 * so that only test code pulls in fast-check).
 */
import fc from "fast-check";
import type { TopologySpec } from "../../src/topology/schema";
import { generateTopology } from "../../src/topology/generate";

/**
 * A fast-check arbitrary of valid, buildable topology specs (small: 1-3 host bridges, up to
 * a dozen endpoint devices, switch trees up to 3 deep, multi-function devices, VFs, RC
 * endpoints, conventional PCI segments, explicit and automatic slots, ACS redirect on some
 * ports). For other packages' property tests.
 */
export function arbTopologySpec(): fc.Arbitrary<TopologySpec> {
  return fc
    .record({
      hostBridges: fc.integer({ min: 1, max: 3 }),
      endpoints: fc.integer({ min: 0, max: 12 }),
      switchDepth: fc.integer({ min: 0, max: 3 }),
      fanout: fc.integer({ min: 1, max: 4 }),
      functionsPerDevice: fc.integer({ min: 1, max: 3 }),
      vfsPerEndpoint: fc.integer({ min: 0, max: 2 }),
      seed: fc.integer({ min: 0, max: 0x7fffffff }),
    })
    .map((o) => generateTopology({ ...o, endpoints: o.endpoints * o.functionsPerDevice, variety: true }));
}
