import { describe, expect, it } from "vitest";
import { VirtualClock } from "@p2pdma/pci-core";
import { DEFAULT_ONE_WAY_LATENCY_NS, Wire } from "../src/index";

describe("wire (hardware-figures 2.3)", () => {
  it("defaults: 100 Gb/s, MTU 4096, 82 B per packet -> 12.25 GB/s payload (row 2.3.2), 1.72 us one way (row 2.3.1)", () => {
    const w = new Wire(new VirtualClock());
    expect(w.payloadBytesPerNs).toBeCloseTo(12.25, 2);
    expect(w.latencyNs).toBe(DEFAULT_ONE_WAY_LATENCY_NS);
    expect(w.serializationNs(4096)).toBeCloseTo(((4096 + 82) * 8) / 100, 6);
  });

  it("each direction serialises in order; the other direction is independent", () => {
    const clock = new VirtualClock();
    const w = new Wire(clock, { lineRateGbps: 8, mtu: 1000, packetOverhead: 0, latencyNs: 100 });
    const a = { name: "a" };
    const b = { name: "b" };
    w.connect(a, b);
    const seen: string[] = [];
    expect(w.send(a, 1000, 0, () => seen.push(`a1@${clock.now}`))).toBe(1100);
    expect(w.send(a, 1000, 0, () => seen.push(`a2@${clock.now}`))).toBe(2100);
    expect(w.send(b, 500, 0, () => seen.push(`b1@${clock.now}`))).toBe(600);
    clock.run();
    expect(seen).toEqual(["b1@600", "a1@1100", "a2@2100"]);
    expect(w.stats(a)).toEqual({ frames: 2, packets: 2, payloadBytes: 2000, wireBytes: 2000 });
  });
});
