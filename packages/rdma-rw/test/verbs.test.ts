import { describe, expect, it } from "vitest";
import { EINVAL, ENOMEM } from "@p2pdma/pci-core";
import {
  IB_ACCESS_LOCAL_WRITE,
  IB_ACCESS_REMOTE_READ,
  IB_ACCESS_REMOTE_WRITE,
  IB_QP_STATE,
  IB_QPS,
  IB_SEND_SIGNALED,
  IB_WC_LOC_LEN_ERR,
  IB_WC_LOC_PROT_ERR,
  IB_WC_REM_ACCESS_ERR,
  IB_WC_REM_INV_REQ_ERR,
  IB_WC_RETRY_EXC_ERR,
  IB_WC_RNR_RETRY_EXC_ERR,
  IB_WC_SUCCESS,
  IB_WC_WR_FLUSH_ERR,
  RNR_TIMER_NS,
  checkMrAccess,
  deallocPd,
  destroyQp,
  modifyQp,
  postRecv,
  postSend,
  regMr,
  wcStatusMsg,
} from "../src/index";
import { buffer, pair, pattern } from "./helpers/setup";

const RW = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_READ | IB_ACCESS_REMOTE_WRITE;

describe("SEND / RECV between two hosts", () => {
  it("moves the bytes, completes both sides and counts every link on both fabrics", () => {
    const { clock, a, b, wire } = pair();
    const src = buffer(a, 8192, IB_ACCESS_LOCAL_WRITE);
    const dst = buffer(b, 8192, IB_ACCESS_LOCAL_WRITE);
    const data = pattern(8192, 7);
    a.host.cpuWrite(src.virt, data);
    a.host.fabric.resetCounters();
    expect(postRecv(b.qp, { wrId: "r1", sgList: [{ addr: dst.mr.iova, length: 8192, lkey: dst.mr.lkey }] }).ret).toBe(0);
    expect(postSend(a.qp, { opcode: "SEND", wrId: "s1", sgList: [{ addr: src.mr.iova, length: 8192, lkey: src.mr.lkey }] }).ret).toBe(0);
    clock.run();
    expect(b.host.cpuRead(dst.virt, 8192)).toEqual(data);
    const [ws] = a.cq.poll();
    const [wr] = b.cq.poll();
    expect(ws).toMatchObject({ wrId: "s1", status: IB_WC_SUCCESS, opcode: "SEND" });
    expect(wr).toMatchObject({ wrId: "r1", status: IB_WC_SUCCESS, opcode: "RECV", byteLen: 8192, srcQp: a.qp.qpNum });
    // the NIC read the payload from DRAM (up its link, then down to memory) ...
    expect(a.host.fabric.linkCounters()).toEqual([
      { link: "pci0000:00->0000:00:03", up: 0, down: 8192 },
      { link: "pci0000:00<->memory0", up: 8192, down: 0 },
    ]);
    // ... and the peer wrote it to its DRAM
    expect(b.host.fabric.linkCounters()).toEqual([
      { link: "pci0000:00->0000:00:03", up: 8192, down: 0 },
      { link: "pci0000:00<->memory0", up: 0, down: 8192 },
    ]);
    expect(wire.stats(a.dev)).toMatchObject({ frames: 1, packets: 2, payloadBytes: 8192, wireBytes: 8192 + 2 * 82 });
  });

  it("a message longer than the receive: LOC_LEN_ERR on the receiver, REM_INV_REQ_ERR on the sender, both QPs in ERR", () => {
    const { clock, a, b } = pair();
    const src = buffer(a, 4096, IB_ACCESS_LOCAL_WRITE);
    const dst = buffer(b, 4096, IB_ACCESS_LOCAL_WRITE);
    postRecv(b.qp, { wrId: 1, sgList: [{ addr: dst.mr.iova, length: 100, lkey: dst.mr.lkey }] });
    postRecv(b.qp, { wrId: 2, sgList: [{ addr: dst.mr.iova, length: 100, lkey: dst.mr.lkey }] });
    postSend(a.qp, { opcode: "SEND", wrId: 9, sgList: [{ addr: src.mr.iova, length: 200, lkey: src.mr.lkey }] });
    clock.run();
    expect(b.cq.poll().map((w) => [w.wrId, w.status])).toEqual([
      [1, IB_WC_LOC_LEN_ERR],
      [2, IB_WC_WR_FLUSH_ERR],
    ]);
    expect(a.cq.poll().map((w) => [w.wrId, w.status])).toEqual([[9, IB_WC_REM_INV_REQ_ERR]]);
    expect(a.qp.state).toBe(IB_QPS.ERR);
    expect(b.qp.state).toBe(IB_QPS.ERR);
    expect(wcStatusMsg(IB_WC_REM_INV_REQ_ERR)).toBe("remote invalid request error");
  });

  it("RNR: no receive posted, rnr_retry 2 -> IB_WC_RNR_RETRY_EXC_ERR after three tries, min RNR timer apart", () => {
    const { clock, a, b, wire } = pair({ connect: { rnrRetry: 2, minRnrTimer: 1 } });
    const src = buffer(a, 4096, IB_ACCESS_LOCAL_WRITE);
    postSend(a.qp, { opcode: "SEND", wrId: 1, sgList: [{ addr: src.mr.iova, length: 64, lkey: src.mr.lkey }] });
    clock.run();
    const [wc] = a.cq.poll();
    expect(wc).toMatchObject({ wrId: 1, status: IB_WC_RNR_RETRY_EXC_ERR });
    expect(wcStatusMsg(wc!.status)).toBe("RNR retry counter exceeded");
    expect(wire.stats(a.dev).frames).toBe(3);
    expect(clock.now).toBeGreaterThan(2 * RNR_TIMER_NS[1]!);
    expect(a.qp.state).toBe(IB_QPS.ERR);
    expect(b.qp.state).toBe(IB_QPS.RTS);
  });

  it("RNR with rnr_retry 7 (forever): the SEND lands when a receive is posted, later WRs stay in order", () => {
    const { clock, a, b } = pair();
    const src = buffer(a, 4096, RW);
    const dst = buffer(b, 4096, RW);
    a.host.cpuWrite(src.virt, pattern(64, 3));
    postSend(a.qp, { opcode: "SEND", wrId: "send", sgList: [{ addr: src.mr.iova, length: 64, lkey: src.mr.lkey }] });
    postSend(a.qp, { opcode: "RDMA_WRITE", wrId: "write", sgList: [{ addr: src.mr.iova, length: 64, lkey: src.mr.lkey }], remoteAddr: dst.mr.iova + 1024n, rkey: dst.mr.rkey });
    clock.runUntil(10_000_000);
    expect(a.cq.poll()).toEqual([]);
    postRecv(b.qp, { wrId: "r", sgList: [{ addr: dst.mr.iova, length: 64, lkey: dst.mr.lkey }] });
    clock.run();
    expect(a.cq.poll().map((w) => [w.wrId, w.status])).toEqual([
      ["send", IB_WC_SUCCESS],
      ["write", IB_WC_SUCCESS],
    ]);
    expect(b.host.cpuRead(dst.virt + 1024n, 64)).toEqual(pattern(64, 3));
  });
});

describe("RDMA WRITE / READ semantics", () => {
  it("WRITE and READ move real bytes; unsignaled successes complete silently", () => {
    const { clock, a, b } = pair({ sqSigType: "REQ_WR" });
    const la = buffer(a, 16384, RW);
    const rb = buffer(b, 16384, RW);
    const data = pattern(16384, 11);
    a.host.cpuWrite(la.virt, data);
    postSend(a.qp, { opcode: "RDMA_WRITE", wrId: 1, sgList: [{ addr: la.mr.iova, length: 16384, lkey: la.mr.lkey }], remoteAddr: rb.mr.iova, rkey: rb.mr.rkey });
    postSend(a.qp, { opcode: "RDMA_READ", wrId: 2, sendFlags: IB_SEND_SIGNALED, sgList: [{ addr: la.mr.iova + 8192n, length: 4096, lkey: la.mr.lkey }], remoteAddr: rb.mr.iova, rkey: rb.mr.rkey });
    clock.run();
    expect(b.host.cpuRead(rb.virt, 16384)).toEqual(data);
    expect(a.host.cpuRead(la.virt + 8192n, 4096)).toEqual(data.subarray(0, 4096));
    expect(a.cq.poll().map((w) => [w.wrId, w.opcode, w.status])).toEqual([[2, "RDMA_READ", IB_WC_SUCCESS]]);
  });

  it("bad rkey -> IB_WC_REM_ACCESS_ERR on the requester, both QPs to ERR, everything behind flushed", () => {
    const { clock, a, b } = pair();
    const la = buffer(a, 4096, RW);
    const rb = buffer(b, 4096, RW);
    postSend(a.qp, { opcode: "RDMA_WRITE", wrId: 1, sgList: [{ addr: la.mr.iova, length: 16, lkey: la.mr.lkey }], remoteAddr: rb.mr.iova, rkey: rb.mr.rkey ^ 0x1 });
    postSend(a.qp, { opcode: "RDMA_WRITE", wrId: 2, sgList: [{ addr: la.mr.iova, length: 16, lkey: la.mr.lkey }], remoteAddr: rb.mr.iova, rkey: rb.mr.rkey });
    postRecv(a.qp, { wrId: 3, sgList: [] });
    clock.run();
    expect(a.cq.poll().map((w) => [w.wrId, w.status])).toEqual([
      [1, IB_WC_REM_ACCESS_ERR],
      [2, IB_WC_WR_FLUSH_ERR],
      [3, IB_WC_WR_FLUSH_ERR],
    ]);
    expect(a.qp.state).toBe(IB_QPS.ERR);
    expect(b.qp.state).toBe(IB_QPS.ERR);
    expect(b.dev.asyncEvents.map((e) => e.event)).toEqual(["IB_EVENT_QP_ACCESS_ERR"]);
    // work on a QP in error: flushed completions, nothing moves
    expect(postSend(a.qp, { opcode: "RDMA_WRITE", wrId: 4, sgList: [], remoteAddr: 0n, rkey: 0 }).ret).toBe(0);
    expect(postRecv(a.qp, { wrId: 5, sgList: [] }).ret).toBe(0);
    expect(a.cq.poll().map((w) => [w.wrId, w.status])).toEqual([
      [4, IB_WC_WR_FLUSH_ERR],
      [5, IB_WC_WR_FLUSH_ERR],
    ]);
  });

  it("access flags are enforced: READ of an MR without REMOTE_READ, WRITE past its end", () => {
    for (const [access, op, off, len] of [
      [IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE, "RDMA_READ", 0n, 16],
      [IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_READ, "RDMA_WRITE", 0n, 16],
      [RW, "RDMA_WRITE", 4090n, 16],
    ] as const) {
      const { clock, a, b } = pair();
      const la = buffer(a, 4096, RW);
      const rb = buffer(b, 4096, access);
      postSend(a.qp, { opcode: op, wrId: 1, sgList: [{ addr: la.mr.iova, length: len, lkey: la.mr.lkey }], remoteAddr: rb.mr.iova + off, rkey: rb.mr.rkey });
      clock.run();
      expect(a.cq.poll().map((w) => w.status)).toEqual([IB_WC_REM_ACCESS_ERR]);
      expect(b.host.cpuRead(rb.virt, 4096)).toEqual(new Uint8Array(4096));
    }
  });

  it("QP remote access flags: a QP without REMOTE_WRITE refuses incoming writes", () => {
    const { clock, a, b } = pair({ connect: { accessFlags: IB_ACCESS_REMOTE_READ } });
    const la = buffer(a, 4096, RW);
    const rb = buffer(b, 4096, RW);
    postSend(a.qp, { opcode: "RDMA_WRITE", wrId: 1, sgList: [{ addr: la.mr.iova, length: 8, lkey: la.mr.lkey }], remoteAddr: rb.mr.iova, rkey: rb.mr.rkey });
    clock.run();
    expect(a.cq.poll()[0]?.status).toBe(IB_WC_REM_ACCESS_ERR);
  });

  it("local protection: a READ into an MR without LOCAL_WRITE, or a bad lkey -> IB_WC_LOC_PROT_ERR, nothing sent", () => {
    const { clock, a, b, wire } = pair();
    const ro = buffer(a, 4096, IB_ACCESS_REMOTE_READ);
    const rb = buffer(b, 4096, RW);
    postSend(a.qp, { opcode: "RDMA_READ", wrId: 1, sgList: [{ addr: ro.mr.iova, length: 8, lkey: ro.mr.lkey }], remoteAddr: rb.mr.iova, rkey: rb.mr.rkey });
    postSend(a.qp, { opcode: "RDMA_WRITE", wrId: 2, sgList: [{ addr: ro.mr.iova, length: 8, lkey: 0xdead00 }], remoteAddr: rb.mr.iova, rkey: rb.mr.rkey });
    clock.run();
    expect(a.cq.poll().map((w) => [w.wrId, w.status])).toEqual([
      [1, IB_WC_LOC_PROT_ERR],
      [2, IB_WC_WR_FLUSH_ERR],
    ]);
    expect(wire.stats(a.dev).frames).toBe(0);
  });

  it("no QP at the far end: IB_WC_RETRY_EXC_ERR after (retry_cnt + 1) ACK timeouts", () => {
    const { clock, a, b } = pair({ connect: { timeout: 10, retryCnt: 2 } });
    const la = buffer(a, 4096, RW);
    destroyQp(b.qp);
    postSend(a.qp, { opcode: "RDMA_WRITE", wrId: 1, sgList: [{ addr: la.mr.iova, length: 8, lkey: la.mr.lkey }], remoteAddr: 0n, rkey: 1 });
    clock.run();
    expect(a.cq.poll().map((w) => w.status)).toEqual([IB_WC_RETRY_EXC_ERR]);
    expect(clock.now).toBeGreaterThanOrEqual(3 * 4096 * 2 ** 10);
  });
});

describe("post errors (returned errnos)", () => {
  it("post_send in RESET/INIT/RTR -> -EINVAL; too many SGEs -> -EINVAL; a full SQ -> -ENOMEM", () => {
    const { a } = pair({ maxSendWr: 2 });
    const wr = { opcode: "SEND" as const, sgList: [] };
    const sges = Array.from({ length: 17 }, () => ({ addr: 0n, length: 1, lkey: a.pd.localDmaLkey }));
    expect(postSend(a.qp, { opcode: "SEND", sgList: sges }).ret).toBe(-EINVAL);
    expect(postSend(a.qp, wr).ret).toBe(0);
    expect(postSend(a.qp, { ...wr }).ret).toBe(0);
    const third = { ...wr };
    expect(postSend(a.qp, third)).toEqual({ ret: -ENOMEM, badWr: third });
    modifyQp(a.qp, { qpState: IB_QPS.RESET }, IB_QP_STATE);
    expect(postSend(a.qp, wr).ret).toBe(-EINVAL);
    expect(postRecv(a.qp, { sgList: [] }).ret).toBe(-EINVAL);
  });

  it("MR access: REMOTE_WRITE without LOCAL_WRITE is -EINVAL (ib_check_mr_access); a PD in use is -EBUSY", () => {
    const { a } = pair();
    expect(checkMrAccess(IB_ACCESS_REMOTE_WRITE)).toBe(-EINVAL);
    const v = a.host.kmalloc(4096);
    expect(regMr(a.pd, [a.host.sgFromBuf(v, 4096)], IB_ACCESS_REMOTE_WRITE)).toBe(-EINVAL);
    expect(deallocPd(a.pd)).toBe(-16);
  });
});
