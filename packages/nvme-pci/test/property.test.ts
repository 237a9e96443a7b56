import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { directIo, ramBuffer } from "@p2pdma/block";
import { reference } from "./helpers";

describe("random direct-I/O streams through block + nvme-pci + the device model", () => {
  it("never crash; every accepted write reads back", () => {
    const m = reference();
    const disks = [m.diskOf("nvme0")!, m.diskOf("nvme2")!];
    const shadow = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.array(fc.record({ disk: fc.integer({ min: 0, max: 1 }), write: fc.boolean(), block: fc.integer({ min: 0, max: 63 }), blocks: fc.integer({ min: 1, max: 40 }), seed: fc.integer({ min: 0, max: 255 }), misalign: fc.boolean() }), { maxLength: 12 }),
        (ops) => {
          for (const op of ops) {
            const disk = disks[op.disk]!;
            const len = op.blocks * 512;
            const buf = ramBuffer(m.mem, len);
            const pos = op.block * 512 + (op.misalign ? 1 : 0);
            if (op.write) {
              buf.write(0, new Uint8Array(len).fill(op.seed));
              const r = directIo(disk, { op: "write", pos, buffer: buf });
              if (op.misalign) expect(r).toBeLessThan(0);
              else {
                expect(r).toBe(len);
                for (let i = 0; i < op.blocks; i++) shadow.set(`${op.disk}:${op.block + i}`, op.seed);
              }
            } else {
              const r = directIo(disk, { op: "read", pos, buffer: buf });
              if (!op.misalign) {
                expect(r).toBe(len);
                for (let i = 0; i < op.blocks; i++) {
                  const want = shadow.get(`${op.disk}:${op.block + i}`) ?? 0;
                  expect(buf.read(i * 512, 1)[0]).toBe(want);
                }
              }
            }
            buf.free();
          }
        },
      ),
      { numRuns: 40, seed: 42 },
    );
  });
});
