import { describe, expect, it } from "vitest";
import { DEFAULT_SCENARIO } from "../../src/run/scenario";
import { runOnce } from "../../src/run/compose";
import { referenceTopology } from "../../src/run/target/build";

const s = { ...DEFAULT_SCENARIO, workload: { blockSize: 128 << 10, queueDepth: 8, bytes: 4 << 20 } };

describe("p2pdma run on the seed's system (spec 6.8, hardware-figures §5)", () => {
  it("P2P on: no payload byte crosses the switch's upstream link or host DRAM; data verified", async () => {
    const r = await runOnce(s, { topologyText: referenceTopology(), p2p: true, kernel: "6.12", seed: 1 });
    expect(r.verified).toBe(true);
    expect(r.dramPayloadBytes).toBe(0);
    const up = r.links.find((l) => l.link === r.upstreamLink);
    expect((up?.up ?? 0) + (up?.down ?? 0)).toBe(0);
    expect(r.namespaces.every((n) => n.provider !== null)).toBe(true);
    expect(r.fallbacks).toEqual([]);
  });
  it("P2P off: every payload byte crosses the upstream link and DRAM twice; data verified", async () => {
    const r = await runOnce(s, { topologyText: referenceTopology(), p2p: false, kernel: "4.20", seed: 1 });
    expect(r.verified).toBe(true);
    expect(r.dramPayloadBytes).toBe(2 * r.payloadBytes);
    const up = r.links.find((l) => l.link === r.upstreamLink)!;
    expect(up.up + up.down).toBe(2 * r.payloadBytes);
    expect(r.fallbacks.every((f) => f.reason === "p2pmem-off")).toBe(true);
  });
});
