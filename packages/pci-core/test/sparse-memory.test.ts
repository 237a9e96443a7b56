import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MemoryRangeError, SPARSE_PAGE, SparseMemory } from "../src/sparse-memory";

describe("sparse memory", () => {
  it("reads zeros until written, and discard zeroes a range, freeing whole pages only", () => {
    const m = new SparseMemory(BigInt(4 * SPARSE_PAGE));
    expect([...m.read(10n, 4)]).toEqual([0, 0, 0, 0]);
    m.write(100n, new Uint8Array(3 * SPARSE_PAGE).fill(9)); // touches pages 0..3
    expect(m.residentBytes).toBe(4 * SPARSE_PAGE);
    m.discard(BigInt(SPARSE_PAGE), SPARSE_PAGE + 50); // page 1 whole, 50 bytes of page 2
    expect(m.residentBytes).toBe(3 * SPARSE_PAGE);
    const out = new Uint8Array(8);
    m.readInto(BigInt(2 * SPARSE_PAGE + 46), out);
    expect([...out]).toEqual([0, 0, 0, 0, 9, 9, 9, 9]);
    expect(() => m.discard(BigInt(4 * SPARSE_PAGE), 1)).toThrow(MemoryRangeError);
  });

  it("behaves like a flat byte array under random writes and discards", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(3 * SPARSE_PAGE), fc.nat(SPARSE_PAGE + 100), fc.integer({ min: 1, max: 255 })), { maxLength: 30 }),
        (ops) => {
          const size = 4 * SPARSE_PAGE + 200;
          const m = new SparseMemory(BigInt(size));
          const flat = new Uint8Array(size);
          for (const [isWrite, off, len, v] of ops) {
            if (isWrite) {
              m.write(BigInt(off), new Uint8Array(len).fill(v));
              flat.fill(v, off, off + len);
            } else {
              m.discard(BigInt(off), len);
              flat.fill(0, off, off + len);
            }
          }
          expect(m.read(0n, size)).toEqual(flat);
        },
      ),
    );
  });
});
