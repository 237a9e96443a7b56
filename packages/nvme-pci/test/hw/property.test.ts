/**
 * Properties: random command streams and random doorbell writes never crash the model (only
 * statuses or CSTS.CFS), never corrupt another namespace's data, and every accepted write
 * reads back.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { doorbellOffset } from "@p2pdma/nvme-spec";
import { Host, M, makeEnv, pattern, same } from "./harness";

const env = makeEnv();
let last: Host | null = null;

function setup() {
  last?.ctrl.detach();
  const h = new Host(env, env.devs.nvme1, { namespaces: [{ nsid: 1, sizeBytes: 1n * M }, { nsid: 2, sizeBytes: 1n * M }], maxIoQueues: 4, writeCacheBytes: 64 * 1024 });
  last = h;
  h.enable(16);
  h.createIoQueue(1, 16);
  // Namespace 2 holds a known pattern that nothing in the stream may touch.
  const b = h.alloc(65536);
  h.writeMem(b, pattern(65536, 99));
  const list = h.alloc(4096);
  const l = new Uint8Array(15 * 8);
  for (let i = 0; i < 15; i++) new DataView(l.buffer).setBigUint64(i * 8, b + BigInt((i + 1) * 4096), true);
  h.writeMem(list, l);
  expect(h.write(1, 2, 0n, b, 128, list).status).toBe(0);
  return { h, b, list };
}

const word = fc.integer({ min: 0, max: 0xffffffff });

describe("property: the model never crashes", () => {
  it("random raw SQEs on the admin and I/O queues (nsid 2 excluded) give statuses, never exceptions", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ q: fc.constantFrom(0, 1), opc: fc.integer({ min: 0, max: 255 }), psdt: fc.integer({ min: 0, max: 3 }), nsid: fc.constantFrom(0, 1, 3, 0xffffffff), cdw10: word, cdw11: word, cdw12: fc.integer({ min: 0, max: 0xffff }), prpOff: fc.integer({ min: 0, max: 8191 }) }),
          { maxLength: 12 },
        ),
        (cmds) => {
          const { h, b } = setup();
          for (const c of cmds) {
            // Keep queue-management commands from deleting queue 1 mid-stream; everything else is random.
            if (c.q === 0 && [0x00, 0x04].includes(c.opc)) continue;
            if (!h.ready || h.cfs) break;
            h.submit(c.q, { opc: c.opc, psdt: c.psdt, nsid: c.nsid, prp1: b + BigInt(c.prpOff), prp2: b + 0x2000n, cdw10: c.cdw10, cdw11: c.cdw11, cdw12: c.cdw12 });
            h.run();
            for (const q of [0, 1]) h.reap(q);
          }
          if (h.ready && !h.cfs) {
            const o = h.alloc(65536);
            const list = h.alloc(4096);
            const l = new Uint8Array(15 * 8);
            for (let i = 0; i < 15; i++) new DataView(l.buffer).setBigUint64(i * 8, o + BigInt((i + 1) * 4096), true);
            h.writeMem(list, l);
            const r = h.read(1, 2, 0n, o, 128, list);
            expect(r.status).toBe(0);
            expect(same(h.readMem(o, 65536), pattern(65536, 99))).toBe(true);
          }
          expect(same(h.ctrl.namespaces.get(2)!.media.read(0, 65536), pattern(65536, 99))).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("random doorbell writes end in statuses or CFS", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ qid: fc.integer({ min: 0, max: 6 }), cq: fc.boolean(), v: fc.integer({ min: 0, max: 40 }) }), { maxLength: 10 }), (dbs) => {
        const { h } = setup();
        for (const d of dbs) {
          h.w32(doorbellOffset(d.qid, d.cq, 0), d.v);
          h.run();
        }
        expect(typeof h.csts).toBe("number");
        expect(same(h.ctrl.namespaces.get(2)!.media.read(0, 65536), pattern(65536, 99))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("every accepted write reads back (random LBAs and lengths on namespace 1)", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ slba: fc.integer({ min: 0, max: 2047 }), nlb: fc.integer({ min: 1, max: 16 }), seed: fc.integer() }), { minLength: 1, maxLength: 8 }), (ws) => {
        const { h } = setup();
        const model = new Uint8Array(1 << 20);
        const buf = h.alloc(8192);
        for (const w of ws) {
          const data = pattern(w.nlb * 512, w.seed);
          h.writeMem(buf, data);
          const st = h.write(1, 1, BigInt(w.slba), buf, w.nlb, buf + 4096n).status;
          const fits = w.slba + w.nlb <= 2048;
          expect(st === 0).toBe(fits);
          if (fits) model.set(data, w.slba * 512);
        }
        for (const w of ws) {
          if (w.slba + w.nlb > 2048) continue;
          const o = h.alloc(8192);
          expect(h.read(1, 1, BigInt(w.slba), o, w.nlb, o + 4096n).status).toBe(0);
          expect(same(h.readMem(o, w.nlb * 512), model.subarray(w.slba * 512, (w.slba + w.nlb) * 512))).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});
