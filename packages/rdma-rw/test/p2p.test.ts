import { describe, expect, it } from "vitest";
import {
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  IB_ACCESS_LOCAL_WRITE,
  IB_ACCESS_REMOTE_READ,
  IB_ACCESS_REMOTE_WRITE,
  IB_WC_SUCCESS,
  connectQps,
  rwCtxDestroy,
  rwCtxInit,
  rwCtxPost,
  twoHosts,
} from "../src/index";
import { buffer, pattern, side } from "./helpers/setup";
import { provisionP2pmem } from "./helpers/p2p";

const RW = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_READ | IB_ACCESS_REMOTE_WRITE;
const LEN = 128 * 1024;

describe.each(["4.20", "6.12"] as const)("the seed's data path over RDMA (kernel %s)", (kernel) => {
  function setup() {
    const th = twoHosts({ kernel });
    const t = side(th.target, { maxRdmaCtxs: 4 });
    const i = side(th.initiator);
    expect(connectQps(t.qp, i.qp)).toBe(0);
    const card = provisionP2pmem(th.target);
    return { ...th, t, i, card };
  }

  it("RDMA READ from the remote host lands in P2P memory: counted only on the switch's links below the upstream port", () => {
    const { clock, t, i, card } = setup();
    const hostBuf = buffer(i, LEN, RW);
    const data = pattern(LEN, 42);
    i.host.cpuWrite(hostBuf.virt, data);
    const p2p = t.host.p2p.allocSgl(card, LEN)!;
    expect(t.host.p2p.isP2pdmaPage(p2p.sgl[0]!.page)).toBe(true);
    t.host.fabric.resetCounters();
    const { ret, ctx } = rwCtxInit(t.qp, 1, p2p.sgl, p2p.nents, 0, hostBuf.mr.iova, hostBuf.mr.rkey, DMA_FROM_DEVICE);
    expect(ret).toBe(1);
    expect(ctx!.type).toBe("SINGLE_WR");
    // the NIC was given the card's bus address
    expect(p2p.sgl[0]!.dmaAddress).toBe(card.bus.hostBridge.cpuToBus(card.resources[4]!.start));
    expect(rwCtxPost(ctx!, t.qp, 1, "read-done")).toBe(0);
    clock.run();
    expect(t.cq.poll().map((w) => [w.wrId, w.status, w.opcode])).toEqual([["read-done", IB_WC_SUCCESS, "RDMA_READ"]]);
    // peer-to-peer: NIC (03:00.0 behind 02:08.0) up, card (08:00.0 behind 02:0d.0) down; no root port, no DRAM
    expect(t.host.fabric.linkCounters()).toEqual([
      { link: "0000:02:08.0->0000:03:00", up: LEN, down: 0 },
      { link: "0000:02:0d.0->0000:08:00", up: 0, down: LEN },
    ]);
    // the initiator's side: its NIC read host DRAM
    expect(i.host.fabric.linkCounters()).toContainEqual({ link: "pci0000:00<->memory0", up: LEN, down: 0 });
    expect(t.host.readSgl(p2p.sgl)).toEqual(data);
    rwCtxDestroy(ctx!, t.qp, 1, p2p.sgl, p2p.nents, DMA_FROM_DEVICE);
  });

  it("the same READ into target DRAM crosses the root port and the memory link", () => {
    const { clock, t, i } = setup();
    const hostBuf = buffer(i, LEN, RW);
    i.host.cpuWrite(hostBuf.virt, pattern(LEN, 5));
    const sgl = t.host.sglAlloc(LEN)!;
    t.host.fabric.resetCounters();
    const { ret, ctx } = rwCtxInit(t.qp, 1, sgl, sgl.length, 0, hostBuf.mr.iova, hostBuf.mr.rkey, DMA_FROM_DEVICE);
    expect(ret).toBe(2); // 32 pages, 30 SGEs per READ WR
    expect(ctx!.type).toBe("MULTI_WR");
    rwCtxPost(ctx!, t.qp, 1, "r");
    clock.run();
    const links = Object.fromEntries(t.host.fabric.linkCounters().map((l) => [l.link, l]));
    expect(links["0000:00:01.0->0000:01:00"]).toEqual({ link: "0000:00:01.0->0000:01:00", up: LEN, down: 0 });
    expect(links["pci0000:00<->memory0"]).toEqual({ link: "pci0000:00<->memory0", up: 0, down: LEN });
    expect(t.host.readSgl(sgl)).toEqual(pattern(LEN, 5));
    rwCtxDestroy(ctx!, t.qp, 1, sgl, sgl.length, DMA_FROM_DEVICE);
  });

  it("RDMA WRITE from P2P memory to the remote host (the read path of NVMe-oF)", () => {
    const { clock, t, i, card } = setup();
    const hostBuf = buffer(i, LEN, RW);
    const p2p = t.host.p2p.allocSgl(card, LEN)!;
    t.host.writeSgl(p2p.sgl, pattern(LEN, 9));
    t.host.fabric.resetCounters();
    const { ctx } = rwCtxInit(t.qp, 1, p2p.sgl, 1, 0, hostBuf.mr.iova, hostBuf.mr.rkey, DMA_TO_DEVICE);
    rwCtxPost(ctx!, t.qp, 1, "w");
    clock.run();
    expect(t.host.fabric.linkCounters()).toEqual([
      { link: "0000:02:08.0->0000:03:00", up: 0, down: LEN },
      { link: "0000:02:0d.0->0000:08:00", up: LEN, down: 0 },
    ]);
    expect(i.host.cpuRead(hostBuf.virt, LEN)).toEqual(pattern(LEN, 9));
  });
});
