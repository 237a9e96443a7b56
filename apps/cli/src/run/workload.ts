/**
 * The workload: write a data set (seeded pattern) across the namespaces in `blockSize` I/Os
 * with `queueDepth` outstanding, then read it back into separate buffers and compare.
 */
import { buildSqe, nvmeSpec } from "@p2pdma/nvmet";
import { mulberry32 } from "@p2pdma/pci-core";
import type { VirtualClock } from "@p2pdma/pci-core";
import type { HostController } from "./initiator/fabrics";

const { NVME_CMD } = nvmeSpec;

/** Result of one phase. */
export interface PhaseResult {
  readonly ios: number;
  readonly bytes: number;
  readonly errors: number;
  readonly durationNs: number;
  readonly meanLatencyNs: number;
  readonly maxLatencyNs: number;
}

/** Runs one phase: `ios` commands over namespaces round robin, `qd` at a time. */
export async function runPhase(
  clock: VirtualClock,
  ctrl: HostController,
  o: { readonly write: boolean; readonly nsids: readonly number[]; readonly blockSize: number; readonly queueDepth: number; readonly ios: number; readonly buf: (i: number) => bigint },
): Promise<PhaseResult> {
  const t0 = clock.now;
  let next = 0;
  let errors = 0;
  let latSum = 0;
  let latMax = 0;
  const worker = async (): Promise<void> => {
    while (next < o.ios) {
      const i = next++;
      const nsid = o.nsids[i % o.nsids.length]!;
      const slba = Math.floor(i / o.nsids.length) * (o.blockSize / 512);
      const q = ctrl.io[i % ctrl.io.length]!;
      const sqe = buildSqe({ opcode: o.write ? NVME_CMD.WRITE : NVME_CMD.READ, nsid, cdw10: slba >>> 0, cdw11: Math.floor(slba / 2 ** 32), cdw12: o.blockSize / 512 - 1 });
      const start = clock.now;
      const c = await q.submit(sqe, { addr: o.buf(i), length: o.blockSize, toController: o.write });
      const lat = clock.now - start;
      latSum += lat;
      latMax = Math.max(latMax, lat);
      if (c.status) errors++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.queueDepth) }, worker));
  return { ios: o.ios, bytes: o.ios * o.blockSize, errors, durationNs: clock.now - t0, meanLatencyNs: o.ios ? latSum / o.ios : 0, maxLatencyNs: latMax };
}

/** A deterministic data set of `bytes` from `seed`. */
export function pattern(bytes: number, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 4) {
    const x = Math.floor(r() * 2 ** 32);
    out[i] = x & 0xff;
    out[i + 1] = (x >>> 8) & 0xff;
    out[i + 2] = (x >>> 16) & 0xff;
    out[i + 3] = x >>> 24;
  }
  return out;
}

/** Drives `clock` until `work` settles (microtasks first, then the next event). */
export async function drive<T>(clock: VirtualClock, work: Promise<T>): Promise<T> {
  let done = false;
  const p = work.finally(() => {
    done = true;
  });
  for (;;) {
    await new Promise<void>((r) => setImmediate(r));
    if (done) return p;
    if (!clock.step()) {
      await new Promise<void>((r) => setImmediate(r));
      if (done) return p;
      if (clock.pending === 0) throw new Error("workload stalled: nothing scheduled and not done");
    }
  }
}
