import { describe, expect, it } from "vitest";
import { EAGAIN, EIO, ENOMEM, EREMOTEIO } from "@p2pdma/pci-core";
import { addP2pmemCard } from "@p2pdma/p2pdma";
import {
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  IB_WC_SUCCESS,
  IB_ACCESS_LOCAL_WRITE,
  IB_ACCESS_REMOTE_WRITE,
  IbDevice,
  allocPd,
  ibDmaMapSg,
  regMr,
  createCq,
  createQp,
  ibDmaPciP2pDmaSupported,
  ibUsesVirtDma,
  plainHost,
  rwCtxDestroy,
  rwCtxDestroySignature,
  rwCtxInit,
  rwCtxPost,
  rwCtxSignatureInit,
  twoHosts,
} from "../src/index";
import type { KernelMode } from "@p2pdma/pci-core";
import { VirtualClock } from "@p2pdma/pci-core";
import { ok, pair, side } from "./helpers/setup";
import { provisionP2pmem } from "./helpers/p2p";

function target(kernel: KernelMode, o: { rwForceMr?: boolean; maxRdmaCtxs?: number } = {}) {
  const th = twoHosts({ kernel, ...(o.rwForceMr ? { rwForceMr: true } : {}) });
  const t = side(th.target, { maxRdmaCtxs: o.maxRdmaCtxs ?? 4 });
  const card = provisionP2pmem(th.target);
  return { ...th, t, card };
}

describe("rdma_rw_ctx_init, 4.20 (spec 4.1, 4.2)", () => {
  it("a list whose first page is P2P goes through pci_p2pdma_map_sg on the DMA device and is never unmapped", () => {
    const { t, card } = target("4.20");
    const p2p = t.host.p2p.allocSgl(card, 8192)!;
    const { ret, ctx } = rwCtxInit(t.qp, 1, p2p.sgl, 1, 0, 0x1000n, 0x1234, DMA_FROM_DEVICE);
    expect(ret).toBe(1);
    expect(t.dev.dmaTrace).toEqual([{ op: "pci_p2pdma_map_sg", nents: 1, p2p: true, ret: 1 }]);
    rwCtxDestroy(ctx!, t.qp, 1, p2p.sgl, 1, DMA_FROM_DEVICE);
    expect(t.dev.dmaTrace).toHaveLength(1);
    expect(t.dev.dmaMapped.get(p2p.sgl[0]!)).toBe("p2p");
  });

  it("an ordinary list uses ib_dma_map_sg (CPU physical addresses) and destroy unmaps it", () => {
    const { t } = target("4.20");
    const sgl = t.host.sglAlloc(3 * 4096)!;
    const { ret, ctx } = rwCtxInit(t.qp, 1, sgl, 3, 0, 0x1000n, 0x1234, DMA_TO_DEVICE);
    expect(ret).toBe(1);
    expect(ctx!.type).toBe("MULTI_WR");
    expect(ctx!.wrs[0]!.sgList.map((s) => s.addr)).toEqual(sgl.map((s) => s.page.phys));
    rwCtxDestroy(ctx!, t.qp, 1, sgl, 3, DMA_TO_DEVICE);
    expect(t.dev.dmaTrace.map((e) => e.op)).toEqual(["ib_dma_map_sg", "ib_dma_unmap_sg"]);
    expect(t.dev.dmaMapped.size).toBe(0);
  });

  it("software RDMA (dma_virt_ops): pci_p2pdma_map_sg refuses it, rdma_rw_ctx_init returns -ENOMEM", () => {
    const { target: th, card } = (() => {
      const x = twoHosts({ kernel: "4.20" });
      return { target: x.target, card: provisionP2pmem(x.target) };
    })();
    const rxe = IbDevice.software(th.host, { name: "rxe0", parent: th.rnic.fn });
    const s = side({ host: th.host, rnic: th.rnic, dev: rxe });
    expect(ibUsesVirtDma(rxe)).toBe(true);
    expect(rxe.dmaDevice).toBe(rxe);
    const p2p = th.host.p2p.allocSgl(card, 4096)!;
    expect(rwCtxInit(s.qp, 1, p2p.sgl, 1, 0, 0n, 1, DMA_FROM_DEVICE)).toEqual({ ret: -ENOMEM, ctx: null });
    expect(rxe.dmaTrace).toEqual([{ op: "pci_p2pdma_map_sg", nents: 1, p2p: true, ret: 0 }]);
    expect(th.host.system.log.all().some((l) => l.text.includes("dma_virt_ops"))).toBe(true);
  });

  it("error after mapping (MR pool exhausted -> -EAGAIN) calls ib_dma_unmap_sg even on a P2P list", () => {
    const { t, card } = target("4.20", { rwForceMr: true, maxRdmaCtxs: 1 });
    const a = t.host.p2p.allocSgl(card, 4096)!;
    const b = t.host.p2p.allocSgl(card, 4096)!;
    const first = rwCtxInit(t.qp, 1, a.sgl, 1, 0, 0n, 1, DMA_FROM_DEVICE);
    expect(first.ret).toBe(2); // REG_MR + READ
    expect(first.ctx!.type).toBe("MR");
    expect(rwCtxInit(t.qp, 1, b.sgl, 1, 0, 0n, 1, DMA_FROM_DEVICE).ret).toBe(-EAGAIN);
    expect(t.dev.dmaTrace.slice(-2)).toEqual([
      { op: "pci_p2pdma_map_sg", nents: 1, p2p: true, ret: 1 },
      { op: "ib_dma_unmap_sg", nents: 1, p2p: true, ret: 0 },
    ]);
  });

  it("an offset at the end of the list -> -EIO; the unmap gets the advanced position and count 0", () => {
    const { t } = target("4.20");
    const sgl = t.host.sglAlloc(8192)!;
    expect(rwCtxInit(t.qp, 1, sgl, 2, 8192, 0n, 1, DMA_TO_DEVICE)).toEqual({ ret: -EIO, ctx: null });
    expect(t.dev.dmaTrace.at(-1)).toEqual({ op: "ib_dma_unmap_sg", nents: 0, p2p: false, ret: 0 });
  });

  it("signature init is P2P-unaware: ordinary ib_dma_map_sg on a P2P list", () => {
    const th = twoHosts({ kernel: "4.20" });
    const card = provisionP2pmem(th.target);
    const pd = allocPd(th.target.dev);
    const cq = ok(createCq(th.target.dev, { cqe: 16 }));
    const qp = ok(createQp(pd, { sendCq: cq, recvCq: cq, cap: { maxSendWr: 8, maxRecvWr: 8, maxRdmaCtxs: 2 }, integrityEn: true }));
    const p2p = th.target.host.p2p.allocSgl(card, 4096)!;
    const r = rwCtxSignatureInit(qp, 1, p2p.sgl, 1, [], 0, 0n, 1, DMA_TO_DEVICE);
    expect(r.ret).toBe(2);
    expect(th.target.dev.dmaTrace).toEqual([{ op: "ib_dma_map_sg", nents: 1, p2p: true, ret: 1 }]);
    expect(p2p.sgl[0]!.dmaAddress).toBe(p2p.sgl[0]!.page.phys);
    rwCtxDestroySignature(r.ctx!, qp, 1, p2p.sgl, 1, [], 0, DMA_TO_DEVICE);
    expect(th.target.dev.dmaTrace.at(-1)?.op).toBe("ib_dma_unmap_sg");
  });
});

describe("rdma_rw_ctx_init, 6.12 (spec 4.3, 11)", () => {
  it("plain ib_dma_map_sgtable: the DMA API gives P2P segments their bus address (BUS_ADDR); destroy unmaps", () => {
    const { t, card } = target("6.12");
    const p2p = t.host.p2p.allocSgl(card, 8192)!;
    const { ret, ctx } = rwCtxInit(t.qp, 1, p2p.sgl, 1, 0, 0n, 1, DMA_FROM_DEVICE);
    expect(ret).toBe(1);
    expect(p2p.sgl[0]!.busAddress).toBe(true);
    expect(t.dev.dmaTrace).toEqual([{ op: "ib_dma_map_sgtable", nents: 1, p2p: true, ret: 0 }]);
    rwCtxDestroy(ctx!, t.qp, 1, p2p.sgl, 1, DMA_FROM_DEVICE);
    expect(p2p.sgl[0]!.busAddress).toBe(false);
    expect(t.dev.dmaTrace.at(-1)?.op).toBe("ib_dma_unmap_sg");
    expect(t.dev.dmaMapped.size).toBe(0);
  });

  it("ib_dma_pci_p2p_dma_supported: true for a PCI NIC, false for virtual DMA (rxe has no DMA device)", () => {
    const { target: th } = twoHosts();
    const rxe = IbDevice.software(th.host, { name: "rxe0" });
    expect(ibDmaPciP2pDmaSupported(th.dev)).toBe(true);
    expect(ibDmaPciP2pDmaSupported(rxe)).toBe(false);
    expect(rxe.dmaDevice).toBeNull();
  });

  it("a P2P segment the NIC cannot reach (NOT_SUPPORTED) -> -EREMOTEIO", () => {
    const clock = new VirtualClock();
    const h = plainHost({ name: "h", clock, kernel: "6.12" });
    const card = addP2pmemCard(h.host.system, { bus: h.host.system.hostBridges[0]!.bus, devfn: 5 << 3, memSize: 64n << 20n, memStart: 0x4000000000n, regStart: 0xe4000000n, autoBind: false });
    expect(h.host.p2p.addResource(card, 4, 0, 0)).toBe(0);
    const s = side(h, { maxRdmaCtxs: 2 });
    const p2p = h.host.p2p.allocSgl(card, 4096)!;
    expect(rwCtxInit(s.qp, 1, p2p.sgl, 1, 0, 0n, 1, DMA_FROM_DEVICE)).toEqual({ ret: -EREMOTEIO, ctx: null });
  });

  it("MR pool exhausted on the force_mr path stays -EAGAIN; offset past the list -> -EIO with the whole table unmapped", () => {
    const { t, card } = target("6.12", { rwForceMr: true, maxRdmaCtxs: 1 });
    const a = t.host.p2p.allocSgl(card, 4096)!;
    const b = t.host.p2p.allocSgl(card, 4096)!;
    expect(rwCtxInit(t.qp, 1, a.sgl, 1, 0, 0n, 1, DMA_FROM_DEVICE).ret).toBe(2);
    expect(rwCtxInit(t.qp, 1, b.sgl, 1, 0, 0n, 1, DMA_FROM_DEVICE).ret).toBe(-EAGAIN);
    expect(rwCtxInit(t.qp, 1, b.sgl, 1, 4096, 0n, 1, DMA_FROM_DEVICE).ret).toBe(-EIO);
    expect(t.dev.dmaTrace.at(-1)).toEqual({ op: "ib_dma_unmap_sg", nents: 1, p2p: true, ret: 0 });
  });

  it("software RDMA in 6.12 maps kernel virtual addresses and moves the data by CPU copies", () => {
    const th = twoHosts();
    const card = provisionP2pmem(th.target);
    const rxe = IbDevice.software(th.target.host, { name: "rxe0" });
    const s = side({ host: th.target.host, rnic: th.target.rnic, dev: rxe });
    const p2p = th.target.host.p2p.allocSgl(card, 4096)!;
    const r = rwCtxInit(s.qp, 1, p2p.sgl, 1, 0, 0n, 1, DMA_FROM_DEVICE);
    expect(r.ret).toBe(1);
    expect(p2p.sgl[0]!.dmaAddress).toBeGreaterThan(0xffff000000000000n);
  });
});

describe.each(["4.20", "6.12"] as const)("context types and posting (kernel %s)", (kernel) => {
  it("single WR, multi-SGE WRs split by max_sge, MR registration (force_mr) with invalidation on reuse", () => {
    const { clock, a } = pair({ kernel, rwForceMr: true, maxRdmaCtxs: 2, sqSigType: "REQ_WR" });
    const sgl = a.host.sglAlloc(8 * 4096)!;
    const first = rwCtxInit(a.qp, 1, sgl, 8, 100, 0n, 1, DMA_TO_DEVICE);
    expect(first.ctx!.type).toBe("MR");
    expect(first.ret).toBe(2);
    expect(first.ctx!.reg[0]!.sge.length).toBe(8 * 4096 - 100);
    rwCtxPost(first.ctx!, a.qp, 1, "x");
    clock.run();
    rwCtxDestroy(first.ctx!, a.qp, 1, sgl, 8, DMA_TO_DEVICE);
    // the MR went back needing invalidation: LOCAL_INV + REG_MR + WRITE
    const again = rwCtxInit(a.qp, 1, sgl, 8, 0, 0n, 1, DMA_TO_DEVICE);
    expect(again.ret).toBe(3);
  });

  it("without MRs: one entry -> SINGLE_WR; 40 entries with 16 SGEs per WR -> 3 WRs; the chain carries the bytes", () => {
    const { clock, a, b } = pair({ kernel, maxRdmaCtxs: 2, sqSigType: "REQ_WR" });
    const sgl = a.host.sglAlloc(40 * 4096)!;
    const data = new Uint8Array(40 * 4096).map((_, i) => (i * 7) & 0xff);
    a.host.writeSgl(sgl, data);
    const rb = b.host.kmalloc(40 * 4096);
    const rsgl = [b.host.sgFromBuf(rb, 40 * 4096)];
    const single = rwCtxInit(b.qp, 1, rsgl, 1, 0, 0n, 1, DMA_TO_DEVICE);
    expect(single.ctx!.type).toBe("SINGLE_WR");
    rwCtxDestroy(single.ctx!, b.qp, 1, rsgl, 1, DMA_TO_DEVICE);
    ibDmaMapSg(b.dev, rsgl, 1, DMA_TO_DEVICE);
    const m = ok(regMr(b.pd, rsgl, IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE));
    const w = rwCtxInit(a.qp, 1, sgl, 40, 0, m.iova, m.rkey, DMA_TO_DEVICE);
    expect(w.ctx!.type).toBe("MULTI_WR");
    expect(w.ret).toBe(3);
    expect(w.ctx!.wrs.map((x) => x.sgList.length)).toEqual([16, 16, 8]);
    expect(w.ctx!.wrs.map((x) => x.remoteAddr - m.iova)).toEqual([0n, 65536n, 131072n]);
    expect(rwCtxPost(w.ctx!, a.qp, 1, "done")).toBe(0);
    clock.run();
    expect(a.cq.poll().map((x) => [x.wrId, x.status])).toEqual([["done", IB_WC_SUCCESS]]);
    expect(b.host.cpuRead(rb, 40 * 4096)).toEqual(data);
  });
});
