import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ClockError, VirtualClock } from "../src/clock";

describe("virtual clock", () => {
  it("runs events in time order, ties in scheduling order, and advances time", () => {
    const c = new VirtualClock();
    const seen: string[] = [];
    c.schedule(10, () => seen.push(`b@${c.now}`));
    c.schedule(5, () => {
      seen.push(`a@${c.now}`);
      c.schedule(5, () => seen.push(`c@${c.now}`));
    });
    c.schedule(10, () => seen.push(`d@${c.now}`));
    expect(c.run()).toBe(4);
    expect(seen).toEqual(["a@5", "b@10", "d@10", "c@10"]);
  });

  it("cancel, runUntil, and refusal of negative delays", () => {
    const c = new VirtualClock();
    const seen: number[] = [];
    const e = c.schedule(3, () => seen.push(3));
    c.schedule(7, () => seen.push(7));
    c.cancel(e);
    c.runUntil(5);
    expect(c.now).toBe(5);
    expect(seen).toEqual([]);
    c.runUntil(7);
    expect(seen).toEqual([7]);
    expect(() => c.schedule(-1, () => {})).toThrow(ClockError);
    expect(() => c.runUntil(1)).toThrow(ClockError);
  });

  it("is deterministic: any schedule runs sorted by (time, order)", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { maxLength: 200 }), (delays) => {
        const c = new VirtualClock();
        const seen: number[] = [];
        delays.forEach((d, i) => c.schedule(d, () => seen.push(i)));
        c.run();
        const expected = delays.map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[1]);
        expect(seen).toEqual(expected);
      }),
    );
  });
});
