import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  IB_ACCESS_LOCAL_WRITE,
  IB_ACCESS_REMOTE_READ,
  IB_ACCESS_REMOTE_WRITE,
  IB_QP_STATE,
  ibDmaMapSg,
  modifyQp,
  postRecv,
  postSend,
  regMr,
  DMA_BIDIRECTIONAL,
} from "../src/index";
import type { QpState } from "../src/index";
import { ok, pair } from "./helpers/setup";

const PAGE = 4096;
const RW = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_READ | IB_ACCESS_REMOTE_WRITE;

/** Three pages: a canary, the registered page, a canary. */
function guarded(s: ReturnType<typeof pair>["a"], access: number) {
  const base = s.host.kmalloc(3 * PAGE);
  const sgl = [s.host.sgFromBuf(base + BigInt(PAGE), PAGE)];
  ibDmaMapSg(s.dev, sgl, 1, DMA_BIDIRECTIONAL);
  const mr = ok(regMr(s.pd, sgl, access));
  return { base, mr };
}

const op = fc.oneof(
  fc.record({ k: fc.constant("write" as const), off: fc.integer({ min: -200, max: 4200 }), len: fc.integer({ min: 0, max: 5000 }), key: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ k: fc.constant("read" as const), off: fc.integer({ min: -200, max: 4200 }), len: fc.integer({ min: 0, max: 5000 }), key: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ k: fc.constant("send" as const), len: fc.integer({ min: 0, max: 5000 }), lkeyBad: fc.boolean() }),
  fc.record({ k: fc.constant("recv" as const), len: fc.integer({ min: 0, max: 5000 }), side: fc.boolean() }),
  fc.record({ k: fc.constant("modify" as const), state: fc.integer({ min: 0, max: 6 }), side: fc.boolean() }),
  fc.record({ k: fc.constant("run" as const), ns: fc.integer({ min: 0, max: 200_000 }) }),
);

describe("random verb sequences (fast-check)", () => {
  it("never crash and never deliver bytes outside a registered region", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 0, max: 7 }), (ops, rnrRetry) => {
        const { clock, a, b } = pair({ connect: { rnrRetry, minRnrTimer: 1, timeout: 8, retryCnt: 1 } });
        const la = guarded(a, RW);
        const rb = guarded(b, RW);
        const ro = guarded(b, IB_ACCESS_REMOTE_READ);
        const fill = new Uint8Array(PAGE).fill(0xaa);
        a.host.cpuWrite(la.base + BigInt(PAGE), fill);
        b.host.cpuWrite(ro.base + BigInt(PAGE), new Uint8Array(PAGE).fill(0x55));
        const keys = [rb.mr.rkey, rb.mr.rkey ^ 0x80, ro.mr.rkey, a.pd.localDmaLkey];
        for (const o of ops) {
          switch (o.k) {
            case "write":
            case "read": {
              const rkey = keys[o.key]!;
              const target = o.key === 2 ? ro.mr.iova : rb.mr.iova;
              postSend(a.qp, {
                opcode: o.k === "write" ? "RDMA_WRITE" : "RDMA_READ",
                sgList: [{ addr: la.mr.iova, length: Math.min(o.len, PAGE), lkey: la.mr.lkey }],
                remoteAddr: target + BigInt(o.off),
                rkey,
              });
              break;
            }
            case "send":
              postSend(a.qp, { opcode: "SEND", sgList: [{ addr: la.mr.iova, length: Math.min(o.len, PAGE), lkey: o.lkeyBad ? 0x7700 : la.mr.lkey }] });
              break;
            case "recv": {
              const s = o.side ? b : a;
              const m = o.side ? rb : la;
              postRecv(s.qp, { sgList: [{ addr: m.mr.iova, length: Math.min(o.len, PAGE + 10), lkey: m.mr.lkey }] });
              break;
            }
            case "modify":
              modifyQp((o.side ? b : a).qp, { qpState: o.state as QpState }, IB_QP_STATE);
              break;
            case "run":
              clock.runUntil(clock.now + o.ns);
              break;
          }
        }
        clock.run(100_000);
        const zero = new Uint8Array(PAGE);
        for (const [h, g] of [
          [a.host, la],
          [b.host, rb],
          [b.host, ro],
        ] as const) {
          expect(h.cpuRead(g.base, PAGE)).toEqual(zero);
          expect(h.cpuRead(g.base + BigInt(2 * PAGE), PAGE)).toEqual(zero);
        }
        expect(b.host.cpuRead(ro.base + BigInt(PAGE), PAGE)).toEqual(new Uint8Array(PAGE).fill(0x55));
      }),
      { numRuns: 60, seed: 20180830 },
    );
  });
});
