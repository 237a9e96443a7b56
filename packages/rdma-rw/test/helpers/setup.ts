/** Shared set-up for the rdma-rw tests: connected RC QPs between two hosts, buffers and MRs. */
import type { KernelMode } from "@p2pdma/pci-core";
import type { ScatterEntry } from "@p2pdma/p2pdma";
import type { ConnectOptions, Cq, IbDevice, Mr, Pd, Qp, RdmaHost } from "../../src/index";
import { VirtualClock } from "@p2pdma/pci-core";
import { allocPd, cable, connectQps, createCq, createQp, ibDmaMapSg, isErrno, plainHost, regMr, DMA_BIDIRECTIONAL } from "../../src/index";

export interface Side extends RdmaHost {
  readonly pd: Pd;
  readonly cq: Cq;
  readonly qp: Qp;
}

export function ok<T>(v: T | number): T {
  if (isErrno(v)) throw new Error(`unexpected errno ${v}`);
  return v;
}

export function side(r: RdmaHost, o: { maxSendWr?: number; maxRecvWr?: number; maxRdmaCtxs?: number; cqe?: number; sqSigType?: "ALL_WR" | "REQ_WR" } = {}): Side {
  const pd = allocPd(r.dev);
  const cq = ok(createCq(r.dev, { cqe: o.cqe ?? 4096 }));
  const qp = ok(
    createQp(pd, {
      sendCq: cq,
      recvCq: cq,
      cap: { maxSendWr: o.maxSendWr ?? 256, maxRecvWr: o.maxRecvWr ?? 256, maxSendSge: 16, maxRecvSge: 4, maxRdmaCtxs: o.maxRdmaCtxs ?? 0 },
      ...(o.sqSigType ? { sqSigType: o.sqSigType } : {}),
    }),
  );
  return { ...r, pd, cq, qp };
}

/** Two plain hosts, cabled, with connected QPs. */
export function pair(o: { kernel?: KernelMode; connect?: ConnectOptions; rwForceMr?: boolean; maxRdmaCtxs?: number; maxSendWr?: number; sqSigType?: "ALL_WR" | "REQ_WR" } = {}) {
  const clock = new VirtualClock();
  const k = o.kernel ? { kernel: o.kernel } : {};
  const a = side(plainHost({ name: "a", clock, ...k, ...(o.rwForceMr ? { rwForceMr: true } : {}) }), o);
  const b = side(plainHost({ name: "b", clock, ...k }), o);
  const wire = cable(clock, a.dev, b.dev);
  expect0(connectQps(a.qp, b.qp, o.connect ?? {}));
  return { clock, a, b, wire };
}

function expect0(v: number): void {
  if (v !== 0) throw new Error(`connect failed: ${v}`);
}

/** A DRAM buffer of `len` bytes on `r`, mapped for its device and registered with `access`. */
export function buffer(r: { host: RdmaHost["host"]; dev: IbDevice; pd: Pd }, len: number, access: number): { virt: bigint; sgl: ScatterEntry[]; mr: Mr } {
  const virt = r.host.kmalloc(len);
  const sgl = [r.host.sgFromBuf(virt, len)];
  ibDmaMapSg(r.dev, sgl, 1, DMA_BIDIRECTIONAL);
  const mr = ok(regMr(r.pd, sgl, access));
  return { virt, sgl, mr };
}

export function pattern(len: number, seed = 1): Uint8Array {
  const out = new Uint8Array(len);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
