/**
 * The NIC's RC transport engine (requester and responder), on the virtual clock. What it does:
 * - Requester: takes send-queue entries in order; local WRs (REG_MR, LOCAL_INV) act at once;
 *   SEND and RDMA WRITE gather their SGEs by DMA and go out on the wire; RDMA READ sends a
 *   request and scatters the returned data. Completions are generated in posting order;
 *   unsignaled successes produce none; the first error completes with its status, moves the QP
 *   to ERR and flushes everything behind it (IB_WC_WR_FLUSH_ERR), receives included.
 * - Responder: checks the QP's remote access flags and the rkey (exists, valid, same PD, access,
 *   bounds); a violation answers NAK "remote access error" and moves the responder QP to ERR
 *   with IB_EVENT_QP_ACCESS_ERR. A SEND with no receive posted gets an RNR NAK; the requester
 *   retries after the responder's min RNR timer `rnr_retry` times, then completes with
 *   IB_WC_RNR_RETRY_EXC_ERR. With `rnr_retry` 7 (retry forever) the request waits at the
 *   responder until a receive is posted, then lands one RNR timer later (same outcome as endless
 *   retries, without spinning the clock). A SEND larger than the receive: LOC_LEN_ERR on the
 *   receive, NAK "invalid request" for the sender, both QPs in ERR.
 * - Requests reaching no QP (or one in RESET/INIT/ERR) are dropped; the requester completes with
 *   IB_WC_RETRY_EXC_ERR after (retry_cnt + 1) local ACK timeouts (4.096 us * 2^timeout; 0 =
 *   forever).
 * - A DMA fault (unclaimed bus address) is IB_WC_LOC_PROT_ERR on the requester's side (as an
 *   IOMMU/PCIe fault shows on mlx5) and NAK "remote operational error" on the responder's.
 * PSNs are not modelled: each RC connection numbers its requests from 0 (go-back-N after RNR).
 */
import type { IbDevice } from "../ib-device";
import type { MrSegment } from "../mr";
import type { Pd } from "../pd";
import type { Qp, SqEntry } from "../qp";
import type { RecvWr, Sge } from "../wr";
import type { WcOpcode } from "../spec/verbs";
import { isDmaFault } from "./dma-engine";
import { AETH_BYTES, RETH_BYTES } from "./figures";
import {
  IB_ACCESS_LOCAL_WRITE,
  IB_ACCESS_REMOTE_READ,
  IB_ACCESS_REMOTE_WRITE,
  IB_QPS,
  IB_WC_LOC_LEN_ERR,
  IB_WC_LOC_PROT_ERR,
  IB_WC_REM_ACCESS_ERR,
  IB_WC_REM_INV_REQ_ERR,
  IB_WC_REM_OP_ERR,
  IB_WC_RETRY_EXC_ERR,
  IB_WC_RNR_RETRY_EXC_ERR,
  IB_WC_SUCCESS,
  IB_WC_WR_FLUSH_ERR,
  RNR_RETRY_INFINITE,
  RNR_TIMER_NS,
} from "../spec/verbs";

type Response =
  | { readonly kind: "ACK" }
  | { readonly kind: "READ_RESP"; readonly data: Uint8Array }
  | { readonly kind: "NAK"; readonly status: number; readonly why: string }
  | { readonly kind: "RNR"; readonly timerNs: number };

function wcOpcode(e: SqEntry): WcOpcode {
  const op = e.wr.opcode;
  return op === "RDMA_READ_WITH_INV" ? "RDMA_READ" : op;
}

function active(qp: Qp, e: SqEntry): boolean {
  return !qp.destroyed && !e.flushed && e.state === "inflight" && qp.sq.includes(e);
}

// ---- local memory checks ------------------------------------------------------------------

/** Resolves a local SGE through its lkey (the PD's local DMA lkey maps DMA addresses 1:1). */
function resolveLocal(dev: IbDevice, pd: Pd, sge: Sge, write: boolean): MrSegment[] | null {
  if (sge.length === 0) return [];
  if (sge.lkey === dev.localDmaLkey) return [{ dma: sge.addr, length: sge.length }];
  const mr = dev.mrByLkey(sge.lkey);
  if (!mr || mr.state !== "valid" || mr.pd !== pd) return null;
  if (write && !(mr.access & IB_ACCESS_LOCAL_WRITE)) return null;
  return mr.translate(sge.addr, sge.length);
}

function resolveLocalList(dev: IbDevice, pd: Pd, sges: readonly Sge[], write: boolean): MrSegment[] | null {
  const out: MrSegment[] = [];
  for (const s of sges) {
    const r = resolveLocal(dev, pd, s, write);
    if (!r) return null;
    out.push(...r);
  }
  return out;
}

/** Responder: the QP's remote access flags and the rkey's MR. */
function resolveRemote(qp: Qp, rkey: number, addr: bigint, length: number, need: number): MrSegment[] | null {
  if (!(qp.attr.qpAccessFlags & need)) return null;
  if (length === 0) return [];
  const mr = qp.device.mrByRkey(rkey);
  if (!mr || mr.state !== "valid" || mr.pd !== qp.pd || !(mr.access & need)) return null;
  return mr.translate(addr, length);
}

function gather(dev: IbDevice, segs: readonly MrSegment[]): Uint8Array | string {
  const total = segs.reduce((n, s) => n + s.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const s of segs) {
    const r = dev.engine.read(s.dma, s.length);
    if (isDmaFault(r)) return `DMA read at 0x${r.address.toString(16)}: ${r.fault}`;
    out.set(r, at);
    at += s.length;
  }
  return out;
}

function scatter(dev: IbDevice, segs: readonly MrSegment[], data: Uint8Array): string | null {
  let at = 0;
  for (const s of segs) {
    if (at >= data.length) break;
    const n = Math.min(s.length, data.length - at);
    const f = dev.engine.write(s.dma, data.subarray(at, at + n));
    if (f) return `DMA write at 0x${f.address.toString(16)}: ${f.fault}`;
    at += n;
  }
  return null;
}

// ---- completions ----------------------------------------------------------------------------

function pushSendWc(qp: Qp, e: SqEntry, status: number, why: string): void {
  qp.sendCq.push({ wrId: e.wr.wrId, status, opcode: wcOpcode(e), byteLen: e.byteLen, qpNum: qp.qpNum, srcQp: null, vendorErr: why });
}

/** A WR posted to a QP in ERR: flushed at once. */
export function flushSend(qp: Qp, e: SqEntry): void {
  e.flushed = true;
  pushSendWc(qp, e, IB_WC_WR_FLUSH_ERR, "QP in error");
}

export function flushRecv(qp: Qp, wr: RecvWr): void {
  qp.recvCq.push({ wrId: wr.wrId, status: IB_WC_WR_FLUSH_ERR, opcode: "RECV", byteLen: 0, qpNum: qp.qpNum, srcQp: null, vendorErr: "QP in error" });
}

/** Moves `qp` to ERR: every outstanding send and receive is flushed, waiting requests dropped. */
export function moveToError(qp: Qp): void {
  qp.state = IB_QPS.ERR;
  qp.attr.qpState = IB_QPS.ERR;
  qp.attr.curQpState = IB_QPS.ERR;
  const sq = qp.sq;
  qp.sq = [];
  for (const e of sq) flushSend(qp, e);
  const rq = qp.rq;
  qp.rq = [];
  for (const r of rq) flushRecv(qp, r);
  for (const p of qp.parked.splice(0)) p.onDrop();
}

function complete(qp: Qp, e: SqEntry, status: number, why = ""): void {
  e.state = "done";
  e.status = status;
  e.vendorErr = why;
  drain(qp);
}

/** Delivers completions from the head of the send queue while they are done. */
function drain(qp: Qp): void {
  while (qp.sq[0]?.state === "done") {
    const e = qp.sq.shift()!;
    if (e.status !== IB_WC_SUCCESS) {
      pushSendWc(qp, e, e.status, e.vendorErr);
      moveToError(qp);
      return;
    }
    if (e.signaled) pushSendWc(qp, e, IB_WC_SUCCESS, "");
  }
  if (qp.state === IB_QPS.SQD && qp.attr.enSqdAsyncNotify && !qp.sq.some((x) => x.state === "inflight")) {
    qp.device.raise("IB_EVENT_SQ_DRAINED", qp.qpNum);
  }
}

/** A local failure: completes when it reaches the head; nothing behind it is started. */
function localError(qp: Qp, e: SqEntry, status: number, why: string): void {
  qp.sqHalted = true;
  complete(qp, e, status, why);
}

function ackTimeoutNs(qp: Qp): number | null {
  if (qp.attr.timeout === 0) return null;
  return 4096 * 2 ** qp.attr.timeout;
}

/** The request was lost: the requester gives up after its retries. */
function retryExceededLater(qp: Qp, e: SqEntry): void {
  const t = ackTimeoutNs(qp);
  if (t === null) return;
  const seq = e.seq;
  qp.device.host.clock.schedule(t * (qp.attr.retryCnt + 1), () => {
    if (active(qp, e) && e.seq === seq) complete(qp, e, IB_WC_RETRY_EXC_ERR, "no response from the remote QP");
  });
}

// ---- requester ------------------------------------------------------------------------------

/** Starts `e` if the QP may send (RTS and no local error ahead); else it waits. */
export function submit(qp: Qp, e: SqEntry): void {
  if (qp.state !== IB_QPS.RTS || qp.sqHalted || e.state !== "pending") return;
  const dev = qp.device;
  const wr = e.wr;
  switch (wr.opcode) {
    case "REG_MR": {
      const mr = wr.mr;
      if (mr.device !== dev || mr.pd !== qp.pd || dev.mrs.get(mr.index) !== mr || wr.key >>> 8 !== mr.index) {
        localError(qp, e, IB_WC_LOC_PROT_ERR, "REG_MR of an MR this QP cannot register");
        return;
      }
      mr.lkey = wr.key >>> 0;
      mr.rkey = wr.key >>> 0;
      mr.access = wr.access;
      mr.state = "valid";
      complete(qp, e, IB_WC_SUCCESS);
      return;
    }
    case "LOCAL_INV": {
      const mr = dev.mrByLkey(wr.invalidateRkey);
      if (!mr || mr.pd !== qp.pd) {
        localError(qp, e, IB_WC_LOC_PROT_ERR, "LOCAL_INV of an unknown key");
        return;
      }
      mr.state = "free";
      complete(qp, e, IB_WC_SUCCESS);
      return;
    }
    case "RDMA_READ":
    case "RDMA_READ_WITH_INV": {
      const sinks = resolveLocalList(dev, qp.pd, e.sgList, true);
      if (!sinks) {
        localError(qp, e, IB_WC_LOC_PROT_ERR, "local SGE: bad lkey, no LOCAL_WRITE or out of bounds");
        return;
      }
      e.sinks = sinks;
      transmit(qp, e);
      return;
    }
    case "SEND":
    case "RDMA_WRITE": {
      const segs = resolveLocalList(dev, qp.pd, e.sgList, false);
      if (!segs) {
        localError(qp, e, IB_WC_LOC_PROT_ERR, "local SGE: bad lkey or out of bounds");
        return;
      }
      e.sinks = segs;
      transmit(qp, e);
      return;
    }
  }
}

function transmit(qp: Qp, e: SqEntry): void {
  const dev = qp.device;
  if (e.seq < 0) e.seq = qp.sendSeq++;
  e.state = "inflight";
  const wr = e.wr;
  let data: Uint8Array | null = null;
  if (wr.opcode === "SEND" || wr.opcode === "RDMA_WRITE") {
    const g = gather(dev, e.sinks ?? []);
    if (typeof g === "string") {
      localError(qp, e, IB_WC_LOC_PROT_ERR, g);
      return;
    }
    data = g;
  }
  const wire = dev.wire;
  const peer = dev.peer;
  if (!wire || !peer) {
    retryExceededLater(qp, e);
    return;
  }
  const payload = data ? data.length : 0;
  const header = wr.opcode === "SEND" ? 0 : RETH_BYTES;
  const seq = e.seq;
  const destQpn = qp.attr.destQpNum;
  wire.send(dev, payload, header, () => respond(peer, qp, e, seq, destQpn, data));
}

/** RNR NAK: go back to `seq` after the timer and resend everything from there. */
function onRnr(qp: Qp, e: SqEntry, timerNs: number): void {
  if (e.rnrLeft <= 0) {
    complete(qp, e, IB_WC_RNR_RETRY_EXC_ERR, "receiver not ready");
    return;
  }
  e.rnrLeft--;
  const seq = e.seq;
  qp.device.host.clock.schedule(timerNs, () => {
    if (!active(qp, e) || qp.state !== IB_QPS.RTS) return;
    for (const x of qp.sq) if (x.state === "inflight" && x.seq >= seq) transmit(qp, x);
  });
}

function onResponse(qp: Qp, e: SqEntry, seq: number, r: Response): void {
  if (!active(qp, e) || e.seq !== seq) return;
  switch (r.kind) {
    case "ACK":
      complete(qp, e, IB_WC_SUCCESS);
      return;
    case "NAK":
      complete(qp, e, r.status, r.why);
      return;
    case "RNR":
      onRnr(qp, e, r.timerNs);
      return;
    case "READ_RESP": {
      const f = scatter(qp.device, e.sinks ?? [], r.data);
      if (f) {
        complete(qp, e, IB_WC_LOC_PROT_ERR, f);
        return;
      }
      if (e.wr.opcode === "RDMA_READ_WITH_INV" && e.wr.invalidateRkey !== undefined) {
        const mr = qp.device.mrByLkey(e.wr.invalidateRkey);
        if (mr) mr.state = "free";
      }
      complete(qp, e, IB_WC_SUCCESS);
      return;
    }
  }
}

// ---- responder ------------------------------------------------------------------------------

function reply(dev: IbDevice, req: Qp, e: SqEntry, seq: number, r: Response): void {
  const wire = dev.wire;
  if (!wire) return;
  const payload = r.kind === "READ_RESP" ? r.data.length : 0;
  wire.send(dev, payload, AETH_BYTES, () => onResponse(req, e, seq, r));
}

function responderError(qp: Qp, event: "IB_EVENT_QP_ACCESS_ERR" | "IB_EVENT_QP_FATAL" | "IB_EVENT_QP_REQ_ERR"): void {
  qp.device.raise(event, qp.qpNum);
  moveToError(qp);
}

function receives(qp: Qp): boolean {
  return !qp.destroyed && (qp.state === IB_QPS.RTR || qp.state === IB_QPS.RTS || qp.state === IB_QPS.SQD || qp.state === IB_QPS.SQE);
}

function respond(dev: IbDevice, req: Qp, e: SqEntry, seq: number, destQpn: number, data: Uint8Array | null): void {
  const qp = dev.qps.get(destQpn);
  if (!qp || !receives(qp)) {
    if (active(req, e) && e.seq === seq) retryExceededLater(req, e);
    return;
  }
  const run = (): void => execute(dev, qp, req, e, seq, data);
  if (qp.parked.length > 0) {
    qp.parked.push({ run, onDrop: () => active(req, e) && retryExceededLater(req, e) });
    return;
  }
  run();
}

function execute(dev: IbDevice, qp: Qp, req: Qp, e: SqEntry, seq: number, data: Uint8Array | null): void {
  if (!receives(qp)) {
    if (active(req, e)) retryExceededLater(req, e);
    return;
  }
  if (seq !== qp.recvSeq) return; // go-back-N: wait for the retransmission of the expected one
  const wr = e.wr;
  const nak = (status: number, why: string): void => reply(dev, req, e, seq, { kind: "NAK", status, why });
  if (wr.opcode === "RDMA_WRITE") {
    const segs = resolveRemote(qp, wr.rkey, wr.remoteAddr, data?.length ?? 0, IB_ACCESS_REMOTE_WRITE);
    if (!segs) {
      responderError(qp, "IB_EVENT_QP_ACCESS_ERR");
      nak(IB_WC_REM_ACCESS_ERR, "rkey, access or bounds violation at the responder");
      return;
    }
    const f = scatter(dev, segs, data ?? new Uint8Array(0));
    if (f) {
      responderError(qp, "IB_EVENT_QP_FATAL");
      nak(IB_WC_REM_OP_ERR, f);
      return;
    }
    qp.recvSeq++;
    reply(dev, req, e, seq, { kind: "ACK" });
    return;
  }
  if (wr.opcode === "RDMA_READ" || wr.opcode === "RDMA_READ_WITH_INV") {
    const length = e.byteLen;
    const segs = resolveRemote(qp, wr.rkey, wr.remoteAddr, length, IB_ACCESS_REMOTE_READ);
    if (!segs) {
      responderError(qp, "IB_EVENT_QP_ACCESS_ERR");
      nak(IB_WC_REM_ACCESS_ERR, "rkey, access or bounds violation at the responder");
      return;
    }
    const g = gather(dev, segs);
    if (typeof g === "string") {
      responderError(qp, "IB_EVENT_QP_FATAL");
      nak(IB_WC_REM_OP_ERR, g);
      return;
    }
    qp.recvSeq++;
    reply(dev, req, e, seq, { kind: "READ_RESP", data: g });
    return;
  }
  if (wr.opcode !== "SEND") return;
  const recv = qp.rq[0];
  if (!recv) {
    if (req.attr.rnrRetry === RNR_RETRY_INFINITE) {
      qp.parked.push({ run: () => execute(dev, qp, req, e, seq, data), onDrop: () => active(req, e) && retryExceededLater(req, e) });
    } else {
      reply(dev, req, e, seq, { kind: "RNR", timerNs: RNR_TIMER_NS[qp.attr.minRnrTimer] ?? 0 });
    }
    return;
  }
  qp.rq.shift();
  const payload = data ?? new Uint8Array(0);
  const room = recv.sgList.reduce((n, s) => n + s.length, 0);
  const recvWc = (status: number, why: string): void =>
    qp.recvCq.push({ wrId: recv.wrId, status, opcode: "RECV", byteLen: status === IB_WC_SUCCESS ? payload.length : 0, qpNum: qp.qpNum, srcQp: req.qpNum, vendorErr: why });
  if (payload.length > room) {
    recvWc(IB_WC_LOC_LEN_ERR, `message of ${payload.length} bytes, receive of ${room}`);
    responderError(qp, "IB_EVENT_QP_REQ_ERR");
    nak(IB_WC_REM_INV_REQ_ERR, "message longer than the receive buffer");
    return;
  }
  const segs = resolveLocalList(dev, qp.pd, recv.sgList, true);
  const f = segs ? scatter(dev, segs, payload) : "receive SGE: bad lkey, no LOCAL_WRITE or out of bounds";
  if (f) {
    recvWc(IB_WC_LOC_PROT_ERR, f);
    responderError(qp, "IB_EVENT_QP_FATAL");
    nak(IB_WC_REM_OP_ERR, f);
    return;
  }
  recvWc(IB_WC_SUCCESS, "");
  qp.recvSeq++;
  reply(dev, req, e, seq, { kind: "ACK" });
}

/** A receive was posted: requests waiting for one (infinite RNR retry) run one RNR timer later. */
export function resumeParked(qp: Qp): void {
  if (qp.parked.length === 0 || qp.rq.length === 0) return;
  const delay = RNR_TIMER_NS[qp.attr.minRnrTimer] ?? 0;
  qp.device.host.clock.schedule(delay, () => {
    const waiting = qp.parked.splice(0);
    for (let i = 0; i < waiting.length; i++) {
      // A SEND that again finds no receive parks itself; everything behind it stays behind it.
      if (qp.parked.length > 0) {
        qp.parked.push(...waiting.slice(i));
        return;
      }
      waiting[i]!.run();
    }
  });
}
