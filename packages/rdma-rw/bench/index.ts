/**
 * rdma-rw benchmark (`pnpm bench`): RDMA WRITE and RDMA READ of 4 KiB and 128 KiB messages
 * between two hosts in one process (the initiator's QP against the target's registered DRAM),
 * a window of WRs in flight, the virtual clock driven to completion. Reports wall-clock ops/s
 * and GB/s of the model, and the virtual-clock GB/s the wire model gives (for comparison with
 * hardware-figures 2.3). Deterministic inputs; only the wall-clock figures vary.
 */
import { pathToFileURL } from "node:url";
import { VirtualClock } from "@p2pdma/pci-core";
import {
  DMA_BIDIRECTIONAL,
  IB_ACCESS_LOCAL_WRITE,
  IB_ACCESS_REMOTE_READ,
  IB_ACCESS_REMOTE_WRITE,
  IB_SEND_SIGNALED,
  allocPd,
  cable,
  connectQps,
  createCq,
  createQp,
  ibDmaMapSg,
  isErrno,
  plainHost,
  postSend,
  regMr,
} from "../src/index";
import type { RdmaHost } from "../src/index";

const RW = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_READ | IB_ACCESS_REMOTE_WRITE;

function must<T>(v: T | number): T {
  if (isErrno(v)) throw new Error(`errno ${v}`);
  return v;
}

function endpoint(r: RdmaHost, bytes: number) {
  const pd = allocPd(r.dev);
  const cq = must(createCq(r.dev, { cqe: 65536 }));
  const qp = must(createQp(pd, { sendCq: cq, recvCq: cq, cap: { maxSendWr: 1024, maxRecvWr: 16, maxSendSge: 1 }, sqSigType: "REQ_WR" }));
  const virt = r.host.kmalloc(bytes);
  const sgl = [r.host.sgFromBuf(virt, bytes)];
  ibDmaMapSg(r.dev, sgl, 1, DMA_BIDIRECTIONAL);
  const mr = must(regMr(pd, sgl, RW));
  return { ...r, pd, cq, qp, mr };
}

interface Figure {
  readonly opsPerSec: number;
  readonly gbPerSec: number;
  readonly virtualGbPerSec: number;
  readonly ops: number;
}

function measure(opcode: "RDMA_WRITE" | "RDMA_READ", size: number, totalBytes: number): Figure {
  const clock = new VirtualClock();
  // one MR covers the window: at most max_fast_reg_page_list_len (512) pages
  const window = Math.min(64, Math.floor((512 * 4096) / size));
  const a = endpoint(plainHost({ name: "initiator", clock }), window * size);
  const b = endpoint(plainHost({ name: "target", clock }), window * size);
  cable(clock, a.dev, b.dev);
  if (connectQps(a.qp, b.qp)) throw new Error("connect");
  const ops = Math.max(window, Math.floor(totalBytes / size));
  let posted = 0;
  let done = 0;
  const post = (): void => {
    const slot = BigInt((posted % window) * size);
    posted++;
    const r = postSend(a.qp, {
      opcode,
      wrId: posted,
      sendFlags: IB_SEND_SIGNALED,
      sgList: [{ addr: a.mr.iova + slot, length: size, lkey: a.mr.lkey }],
      remoteAddr: b.mr.iova + slot,
      rkey: b.mr.rkey,
    });
    if (r.ret) throw new Error(`post ${r.ret}`);
  };
  const t0 = performance.now();
  const v0 = clock.now;
  for (let i = 0; i < window; i++) post();
  while (done < ops) {
    if (!clock.step()) throw new Error("stalled");
    for (const wc of a.cq.poll()) {
      if (wc.status !== 0) throw new Error(`wc status ${wc.status}`);
      done++;
      if (posted < ops) post();
    }
  }
  const secs = (performance.now() - t0) / 1000;
  const vsecs = (clock.now - v0) / 1e9;
  return {
    ops,
    opsPerSec: Math.round(ops / secs),
    gbPerSec: Number(((ops * size) / secs / 1e9).toFixed(3)),
    virtualGbPerSec: Number(((ops * size) / vsecs / 1e9).toFixed(3)),
  };
}

/** Runs the benchmark and returns its figures (printed as JSON when run directly). */
export async function run(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const op of ["RDMA_WRITE", "RDMA_READ"] as const) {
    out[`${op.toLowerCase()}_4k`] = measure(op, 4096, 64 << 20);
    out[`${op.toLowerCase()}_128k`] = measure(op, 128 << 10, 1 << 30);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
