import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { GenPool, KernelBugError, PHYS_ALL_ONES } from "../src/index";

const K = 4096n;

describe("genalloc pool (spec 2.1)", () => {
  it("rounds to 4 KiB granules, first fit, size 0 gives NULL", () => {
    const p = new GenPool();
    p.addOwner(0x10000n, 0x90000n, 16n * K, null);
    expect(p.alloc(0n)).toBe(0n);
    expect(p.alloc(1n)).toBe(0x10000n);
    expect(p.alloc(4097n)).toBe(0x11000n);
    expect(p.avail()).toBe(13n * K);
    p.free(0x10000n, 1n);
    expect(p.alloc(K)).toBe(0x10000n); // first fit reuses the hole
    expect(p.size()).toBe(16n * K);
  });

  it("searches the most recently added chunk first", () => {
    const p = new GenPool();
    p.addOwner(0x100000n, 0xa00000n, 4n * K, null);
    p.addOwner(0x200000n, 0xb00000n, 4n * K, null);
    expect(p.alloc(K)).toBe(0x200000n);
    expect(p.virtToPhys(0x200010n)).toBe(0xb00010n);
    expect(p.virtToPhys(0x100fffn)).toBe(0xa00fffn);
    expect(p.virtToPhys(0x300000n)).toBe(PHYS_ALL_ONES);
  });

  it("a chunk whose avail is below the request is skipped even if a later one fits", () => {
    const p = new GenPool();
    p.addOwner(0x100000n, 0n, 8n * K, null);
    p.addOwner(0x200000n, 0n, 2n * K, null);
    expect(p.alloc(3n * K)).toBe(0x100000n);
  });

  it("freeing a foreign address, a double free, or past the chunk end is a kernel BUG", () => {
    const p = new GenPool();
    p.addOwner(0x10000n, 0n, 4n * K, null);
    const a = p.alloc(K);
    expect(() => p.free(0x90000n, K)).toThrow(KernelBugError);
    p.free(a, K);
    expect(() => p.free(a, K)).toThrow(KernelBugError);
    expect(() => p.free(0x10000n, 5n * K)).toThrow(KernelBugError);
    expect(p.avail()).toBe(4n * K);
  });

  it("property: never overlapping, avail + allocated == size", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ op: fc.constant("a" as const), n: fc.integer({ min: 0, max: 20000 }) }), fc.record({ op: fc.constant("f" as const), i: fc.nat() })), { maxLength: 80 }),
        (ops) => {
          const p = new GenPool();
          p.addOwner(0x100000n, 0n, 32n * K, null);
          p.addOwner(0x800000n, 0n, 8n * K, null);
          const live: { a: bigint; n: bigint }[] = [];
          for (const o of ops) {
            if (o.op === "a") {
              const n = BigInt(o.n);
              const a = p.alloc(n);
              if (a !== 0n) live.push({ a, n });
            } else if (live.length > 0) {
              const [x] = live.splice(o.i % live.length, 1);
              p.free(x!.a, x!.n);
            }
            const rounded = live.reduce((s, x) => s + ((x.n + K - 1n) / K) * K, 0n);
            expect(p.avail() + rounded).toBe(p.size());
            const sorted = [...live].sort((x, y) => (x.a < y.a ? -1 : 1));
            for (let i = 1; i < sorted.length; i++) {
              const prev = sorted[i - 1]!;
              expect(prev.a + ((prev.n + K - 1n) / K) * K <= sorted[i]!.a).toBe(true);
            }
          }
        },
      ),
    );
  });

  it("property: a free of memory not handed out is always refused and leaves the pool intact", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0x200000n }), fc.integer({ min: 1, max: 3 * 4096 }), (addr, n) => {
        const p = new GenPool();
        p.addOwner(0x100000n, 0n, 8n * K, null);
        const a = p.alloc(K);
        const before = p.avail();
        const own = addr >= a && addr < a + K && addr + BigInt(n) <= a + K;
        if (own) return;
        try {
          p.free(addr, BigInt(n));
        } catch (e) {
          expect(e).toBeInstanceOf(KernelBugError);
          expect(p.avail()).toBe(before);
          return;
        }
        // A free inside the live block but misaligned still clears that granule: allowed by the kernel.
        expect(addr >= a && addr < a + K).toBe(true);
      }),
    );
  });
});
