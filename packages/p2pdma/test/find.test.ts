import { describe, expect, it } from "vitest";
import { addResource, distanceMany, findMany, P2pdmaCore, publish, SplitMix32 } from "../src/index";
import { seedMachine, TopoBuilder } from "./helpers/topo";

describe.each(["4.20", "6.12"] as const)("distance_many vectors (spec 10; kernel %s)", (kernel) => {
  it("[] -> -1, [p] -> 0, third endpoint to [nic, ssd] -> 8, ssd's CMB to [nic, ssd] -> 4", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    const o = { kernel };
    expect(distanceMany(core, s.card, [], false, o).distance).toBe(-1);
    expect(distanceMany(core, s.ssd, [s.ssd], false, o).distance).toBe(0);
    expect(distanceMany(core, s.card, [s.nic, s.ssd], false, o).distance).toBe(8);
    expect(distanceMany(core, s.ssd, [s.nic, s.ssd], false, o).distance).toBe(4);
  });

  it("non-verbose stops at the first unsupported client; verbose evaluates every client", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    expect(distanceMany(core, s.ssd, [s.other, s.nic], false, { kernel }).clients).toHaveLength(1);
    const v = distanceMany(core, s.ssd, [s.other, s.nic], true, { kernel });
    expect(v.clients).toHaveLength(2);
    expect(v.distance).toBe(-1);
  });
});

describe("find_many (spec 2.9)", () => {
  it("only published providers; a provider that is a client wins over equidistant ones", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    addResource(core, s.ssd, 2, 0, 0);
    addResource(core, s.card, 4, 0, 0);
    const prng = new SplitMix32(1);
    expect(findMany(core, [s.nic], prng).provider).toBeNull(); // nothing published
    publish(core, s.card, true);
    publish(core, s.ssd, true);
    const r = findMany(core, [s.nic, s.ssd], prng);
    expect(r.provider).toBe(s.ssd);
    expect(r.candidates).toEqual([
      { bdf: "0000:04:00.0", distance: 4 },
      { bdf: "0000:06:00.0", distance: 8 },
    ]);
    expect(findMany(core, [s.nic], prng).closest).toEqual(["0000:04:00.0", "0000:06:00.0"]);
  });

  it("ties are drawn uniformly from the seeded PRNG: exact counts over a full run", () => {
    const t = new TopoBuilder();
    const hb = t.hostBridge();
    const rp = t.fn(hb.bus, 1, 0, { kind: "rp" });
    const usp = t.fn(t.below(rp), 0, 0, { kind: "usp" });
    const client = t.fn(t.below(t.fn(t.below(usp), 0, 0, { kind: "dsp" })), 0, 0, { kind: "ep" });
    const provs = [1, 2, 3, 4, 5].map((i) =>
      t.fn(t.below(t.fn(t.below(usp), i, 0, { kind: "dsp" })), 0, 0, {
        kind: "ep",
        bars: [{ index: 2, size: 2n << 20n, start: 0x1000000000n + BigInt(i) * 0x1000000n }],
      }),
    );
    const core = P2pdmaCore.of(t.system);
    for (const p of provs) {
      addResource(core, p, 2, 0, 0);
      publish(core, p, true);
    }
    const prng = new SplitMix32(42);
    const counts = new Map<string, number>();
    const N = 5000;
    for (let i = 0; i < N; i++) {
      const r = findMany(core, [client], prng);
      counts.set(r.provider!.name, (counts.get(r.provider!.name) ?? 0) + 1);
    }
    expect(counts.size).toBe(5);
    for (const c of counts.values()) expect(Math.abs(c - N / 5)).toBeLessThan(N / 5 / 10); // within 10%
    // Same seed, same choices.
    const a = findMany(core, [client], new SplitMix32(7)).provider;
    const b = findMany(core, [client], new SplitMix32(7)).provider;
    expect(a).toBe(b);
  });

  it("the closest set is capped at 512 (one page of pointers): later equal providers are ignored", () => {
    const t = new TopoBuilder();
    const hb = t.hostBridge();
    const rp = t.fn(hb.bus, 1, 0, { kind: "rp" });
    const usp = t.fn(t.below(rp), 0, 0, { kind: "usp" });
    const client = t.fn(t.below(t.fn(t.below(usp), 0, 0, { kind: "dsp" })), 0, 0, { kind: "ep" });
    const core = P2pdmaCore.of(t.system);
    let n = 0;
    for (const d of [1, 2, 3]) {
      const bus = t.below(t.fn(t.below(usp), d, 0, { kind: "dsp" }));
      for (let i = 0; i < 256; i++) {
        const p = t.fn(bus, i >> 3, i & 7, { kind: "ep", bars: [{ index: 2, size: 2n << 20n, start: 0x2000000000n + BigInt(n++) * 0x200000n }] });
        addResource(core, p, 2, 0, 0);
        publish(core, p, true);
      }
    }
    const r = findMany(core, [client], new SplitMix32(3));
    expect(r.candidates).toHaveLength(768);
    expect(r.closest).toHaveLength(512);
    expect(r.closest[511]).toBe("0000:05:1f.7");
    const prng = new SplitMix32(5);
    expect(prng.below(1)).toBe(0);
    expect(() => prng.below(0)).toThrow(RangeError);
  });
});
