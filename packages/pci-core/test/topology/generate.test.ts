/** Deterministic generators: same options, same spec; big machines build fast. */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { buildSystem } from "../../src/enumerate/build";
import { arbTopologySpec } from "../helpers/arbitrary";
import { generateTopology, mulberry32 } from "../../src/topology/generate";
import { validateTopology } from "../../src/topology/validate";

const BIG = { hostBridges: 16, endpoints: 4096, switchDepth: 2, fanout: 4, functionsPerDevice: 4, vfsPerEndpoint: 1, seed: 7 } as const;

describe("generateTopology", () => {
  test("mulberry32 is deterministic and in [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(1000);
  });

  test("same seed, same spec; another seed, another spec", () => {
    const o = { hostBridges: 2, endpoints: 40, switchDepth: 2, fanout: 3, seed: 1, variety: true };
    expect(generateTopology(o)).toEqual(generateTopology(o));
    expect(generateTopology(o)).not.toEqual(generateTopology({ ...o, seed: 2 }));
  });

  test("an injected PRNG replaces the seed", () => {
    const o = { hostBridges: 1, endpoints: 8, switchDepth: 1, fanout: 4, seed: 0 };
    expect(generateTopology({ ...o, random: mulberry32(99) }).hostBridges).toEqual(generateTopology({ ...o, seed: 99 }).hostBridges);
  });

  test("shape: endpoints spread over host bridges behind switch trees", () => {
    // 2 host bridges x 8 endpoints, depth 1, fanout 4: per host bridge 2 root ports, each with a
    // switch of 4 downstream ports -> per host bridge 1 host function + 2 RP + 2 x (1 + 4) + 8.
    const { system } = buildSystem(generateTopology({ hostBridges: 2, endpoints: 16, switchDepth: 1, fanout: 4, seed: 3 }));
    expect(system.hostBridges).toHaveLength(2);
    expect(system.devices.length).toBe(2 * (1 + 2 + 10 + 8));
    const types = system.devices.map((d) => d.type);
    expect(types.filter((t) => t === "endpoint")).toHaveLength(16);
    expect(types.filter((t) => t === "upstream-port")).toHaveLength(4);
  });

  test("about 10,000 functions (4,096 endpoints x 4 functions... with VFs) under 16 host bridges build", () => {
    // Its speed is measured by `pnpm bench` (pci-core.enumerate10k), never by a timed test.
    const spec = generateTopology(BIG);
    const { system } = buildSystem(spec);
    // 16 x (1 host function + 4 root ports x 26 switch ports + 256 PFs) + 4,096 VFs.
    expect(system.devices.length).toBe(16 * (1 + 4 * 26 + 256) + 4096);
    expect(system.devices.filter((d) => d.type === "endpoint" && !d.isVirtfn)).toHaveLength(4096);
  });

  test("arbTopologySpec yields valid specs", () => {
    fc.assert(
      fc.property(arbTopologySpec(), (spec) => {
        validateTopology(spec);
      }),
      { numRuns: 200 },
    );
  });
});
