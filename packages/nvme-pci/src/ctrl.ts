/**
 * The nvme-pci host driver (drivers/nvme/host/pci.c + core.c): probe (enable, map BAR0,
 * disable/reset, admin queue, Identify, Number of Queues, CMB, I/O queues with SQs in the CMB),
 * namespaces as gendisks flagged PCI_P2PDMA, request mapping per kernel mode (spec 5.4),
 * completion by interrupt, reset and remove. Talks to the device only through config space,
 * BAR0 MMIO, host memory it hands out for DMA, and its interrupt line.
 */
import type { PciFunction } from "@p2pdma/pci-core";
import { KDevice, EIO, ENODEV, ENOMEM, EREMOTEIO, pciRegs } from "@p2pdma/pci-core";
import type { BlockStatus, HwQueue, Request } from "@p2pdma/block";
import { blkMqEndRequest, DiskRegistry, Gendisk, REQ, REQ_OP, RequestQueue, TagSet } from "@p2pdma/block";
import type { ScatterEntry } from "@p2pdma/p2pdma";
import { dmaMapSgtable, dmaUnmapSg, isPciP2pdmaPage, p2pdmaMapSg } from "@p2pdma/p2pdma";
import { ADMIN_OPC, CAP, CC, CSTS, CSTS_SHST, ID_CTRL, NVM_OPC, NVME_REG, getField, getField64, setField } from "@p2pdma/nvme-spec";
import type { CmbState } from "./cmb";
import type { NvmeEnv } from "./env";
import type { NvmeQuirks } from "./quirks";
import type { Cqe } from "./queue";
import { addCmbAttrs, cmbQdepth, emptyCmbState, nvmeMapCmb, releaseCmb } from "./cmb";
import { NvmeDriverError } from "./env";
import { Bar0 } from "./mmio";
import { setupPrps } from "./prp";
import { NvmeQueue } from "./queue";
import { quirksFor } from "./quirks";
import { buildSqe } from "./sqe";
import { nvmeErrorStatus } from "./status";

/** `NVME_AQ_DEPTH`. */
export const NVME_AQ_DEPTH = 32;
/** 6.12 `NVME_MAX_SEGS`. */
export const NVME_MAX_SEGS = 128;

/** The controller's class device (`/sys/class/nvme/nvmeN`), parent of its namespaces' disks. */
export class NvmeCtrlDevice extends KDevice {
  override get driverString(): string {
    return "nvme";
  }
}

/** One namespace as the driver sees it. */
export interface NvmeNs {
  readonly nsid: number;
  readonly lbaShift: number;
  readonly disk: Gendisk;
}

interface IoPdu {
  sgl: ScatterEntry[] | null;
  p2p: boolean;
  list: bigint | null;
}

/** Per-instance numbering (`nvme_instance_ida`), per machine. */
const INSTANCES = new WeakMap<object, number[]>();
function takeInstance(owner: object): number {
  const used = INSTANCES.get(owner) ?? [];
  INSTANCES.set(owner, used);
  let i = 0;
  while (used.includes(i)) i++;
  used.push(i);
  return i;
}
function putInstance(owner: object, i: number): void {
  const used = INSTANCES.get(owner);
  if (used) used.splice(used.indexOf(i), 1);
}

/** `struct nvme_dev` + `struct nvme_ctrl`. */
export class NvmeCtrl {
  readonly instance: number;
  readonly device: NvmeCtrlDevice;
  readonly bar: Bar0;
  readonly quirks: NvmeQuirks;
  cap = 0n;
  dstrd = 0;
  qDepth = 0;
  readonly cmb: CmbState = emptyCmbState();
  adminq: NvmeQueue | null = null;
  ioqs: NvmeQueue[] = [];
  tagSet: TagSet | null = null;
  readonly namespaces: NvmeNs[] = [];
  state: "new" | "live" | "resetting" | "dead" | "deleted" = "new";
  /** Identify Controller fields the driver uses. */
  id = { mdts: 0, nn: 0, vwc: false, model: "", serial: "" };
  private readonly inflight = new Map<number, Map<number, Request>>();
  private readonly adminDone = new Map<number, Cqe>();
  private adminCid = 0;
  private readonly sysDir: string;

  constructor(
    readonly env: NvmeEnv,
    readonly pdev: PciFunction,
  ) {
    this.instance = takeInstance(env.system);
    this.device = new NvmeCtrlDevice(`nvme${this.instance}`, pdev);
    this.bar = new Bar0(env.fabric, pdev);
    this.quirks = quirksFor(pdev.vendor, pdev.device, env.quirkTable);
    this.sysDir = `/class/nvme/${this.device.name}`;
  }

  get name(): string {
    return this.device.name;
  }

  get sysfsDir(): string {
    return this.sysDir;
  }

  // ------------------------------------------------------------------ probe

  /** Models `nvme_probe` + `nvme_reset_work` + `nvme_scan_work`: 0 or a negative errno. */
  probe(): number {
    this.env.system.sysfs.mkdir(this.sysDir);
    this.env.irq.request(this.pdev, () => this.irq());
    const rc = this.enableAndSetup(true);
    if (rc !== 0) {
      this.teardownQueues();
      this.env.irq.free(this.pdev);
      this.env.system.sysfs.remove(this.sysDir);
      putInstance(this.env.system, this.instance);
      this.state = "dead";
      return rc;
    }
    return this.scanNamespaces();
  }

  /** `nvme_pci_enable` + admin queue + identify + I/O queues. */
  private enableAndSetup(first: boolean): number {
    const cfg = this.pdev.config;
    cfg.write16(pciRegs.PCI_COMMAND, cfg.read16(pciRegs.PCI_COMMAND) | pciRegs.PCI_COMMAND_MEMORY | pciRegs.PCI_COMMAND_MASTER);
    if (this.bar.readl(NVME_REG.CSTS) === 0xffffffff) return -ENODEV;
    this.cap = this.bar.readq(NVME_REG.CAP);
    this.dstrd = getField64(this.cap, CAP.DSTRD);
    this.qDepth = Math.min(getField64(this.cap, CAP.MQES) + 1, this.env.params.ioQueueDepth);
    nvmeMapCmb({ env: this.env, pdev: this.pdev, ctrlDevice: this.device, bar: this.bar, cap: this.cap, cmb: this.cmb, quirks: this.quirks });
    if (first) addCmbAttrs(this.env, this.sysDir, this.cmb);
    if (!this.disableCtrl()) return -ENODEV;
    const aq = this.allocQueue(0, NVME_AQ_DEPTH);
    if (!aq) return -ENOMEM;
    this.adminq = aq;
    this.bar.writel(NVME_REG.AQA, ((NVME_AQ_DEPTH - 1) << 16) | (NVME_AQ_DEPTH - 1));
    this.bar.writeq(NVME_REG.ASQ, aq.sqDma);
    this.bar.writeq(NVME_REG.ACQ, aq.cqDma);
    let cc = setField(0, CC.IOSQES, 6);
    cc = setField(cc, CC.IOCQES, 4);
    cc = setField(cc, CC.EN, 1);
    this.bar.writel(NVME_REG.CC, cc);
    if (!this.waitReady(1)) return -ENODEV;
    const idc = this.identify(1, 0);
    if (!idc) return -EIO;
    this.id = {
      mdts: idc[ID_CTRL.MDTS]!,
      nn: new DataView(idc.buffer).getUint32(ID_CTRL.NN, true),
      vwc: (idc[ID_CTRL.VWC]! & 1) === 1,
      serial: new TextDecoder().decode(idc.subarray(4, 24)).trim(),
      model: new TextDecoder().decode(idc.subarray(24, 64)).trim(),
    };
    return this.setupIoQueues();
  }

  private disableCtrl(): boolean {
    const cc = this.bar.readl(NVME_REG.CC);
    if (getField(cc, CC.EN) === 0 && getField(this.bar.readl(NVME_REG.CSTS), CSTS.RDY) === 0) return true;
    this.bar.writel(NVME_REG.CC, setField(cc, CC.EN, 0));
    return this.waitReady(0);
  }

  /** `nvme_wait_ready`: run the virtual clock until CSTS.RDY matches, within CAP.TO. */
  private waitReady(rdy: number): boolean {
    const deadline = this.env.clock.now + getField64(this.cap, CAP.TO) * 500e6;
    for (;;) {
      const csts = this.bar.readl(NVME_REG.CSTS);
      if (csts === 0xffffffff) return false;
      if (getField(csts, CSTS.RDY) === rdy) return true;
      if (getField(csts, CSTS.CFS) === 1) return false;
      if (this.env.clock.now > deadline || !this.env.clock.step()) return false;
    }
  }

  private allocQueue(qid: number, depth: number): NvmeQueue | null {
    const { mem, p2p } = this.env;
    const cq = mem.alloc(depth * 16);
    if (cq === null) return null;
    mem.write(cq, new Uint8Array(depth * 16));
    let sqDma: bigint | null = null;
    let inCmb = false;
    let cmbVirt = 0n;
    if (qid !== 0 && this.cmb.cmbUseSqes && (this.cmb.cmbsz & 1) !== 0) {
      const v = p2p.alloc(this.pdev, depth * 64, { kernel: this.env.mode });
      if (v !== 0n) {
        const bus = p2p.virtToBus(this.pdev, v, { kernel: this.env.mode });
        if (bus !== 0n) {
          sqDma = bus;
          inCmb = true;
          cmbVirt = v;
        } else p2p.free(this.pdev, v, depth * 64, { kernel: this.env.mode });
      }
    }
    if (sqDma === null) sqDma = mem.alloc(depth * 64);
    if (sqDma === null) return null;
    const q = new NvmeQueue(this.env, this.pdev, this.bar, qid, depth, sqDma, inCmb, cq, this.dstrd);
    q.sqCmbVirt = cmbVirt;
    return q;
  }

  private freeQueue(q: NvmeQueue): void {
    this.env.mem.release(q.cqDma);
    if (q.sqInCmb) this.env.p2p.free(this.pdev, q.sqCmbVirt, q.sqBytes, { kernel: this.env.mode });
    else this.env.mem.release(q.sqDma);
  }

  private setupIoQueues(): number {
    const want = this.env.params.nrIoQueues;
    const r = this.adminSync({ opc: ADMIN_OPC.SET_FEATURES, cdw10: 0x07, cdw11: ((want - 1) << 16) | (want - 1) });
    if (!r || r.status !== 0) return -EIO;
    const nr = Math.min(want, (r.dw0 & 0xffff) + 1, (r.dw0 >>> 16) + 1);
    if (this.cmb.cmbUseSqes) {
      const d = cmbQdepth(this.qDepth, nr, 64, this.cmb.cmbSize);
      if (d > 0) this.qDepth = d;
      else this.cmb.cmbUseSqes = false;
    }
    for (let qid = 1; qid <= nr; qid++) {
      const q = this.allocQueue(qid, this.qDepth);
      if (!q) return -ENOMEM;
      const cq = this.adminSync({ opc: ADMIN_OPC.CREATE_IO_CQ, prp1: q.cqDma, cdw10: ((q.depth - 1) << 16) | qid, cdw11: 0x3 });
      if (!cq || cq.status !== 0) return -EIO;
      const sq = this.adminSync({ opc: ADMIN_OPC.CREATE_IO_SQ, prp1: q.sqDma, cdw10: ((q.depth - 1) << 16) | qid, cdw11: (qid << 16) | 0x1 });
      if (!sq || sq.status !== 0) return -EIO;
      this.ioqs.push(q);
      this.inflight.set(qid, new Map());
    }
    if (!this.tagSet) {
      this.tagSet = new TagSet({
        nrHwQueues: nr,
        queueDepth: Math.min(this.qDepth, 10240) - 1,
        ops: { queueRq: (h, rq, last) => this.queueRq(h, rq, last), commitRqs: (h) => this.ioqs[h.queueNum]?.ring() },
      });
    }
    this.state = "live";
    return 0;
  }

  private teardownQueues(): void {
    for (const q of this.ioqs) this.freeQueue(q);
    this.ioqs = [];
    if (this.adminq) this.freeQueue(this.adminq);
    this.adminq = null;
  }

  // ------------------------------------------------------------------ admin commands

  /** Submits an admin command and runs the clock until it completes (`__nvme_submit_sync_cmd`). */
  adminSync(f: Omit<Parameters<typeof buildSqe>[0], "cid">): Cqe | null {
    const aq = this.adminq;
    if (!aq) return null;
    const cid = (this.adminCid = (this.adminCid + 1) & 0xfff);
    aq.submit(buildSqe({ ...f, cid }), true);
    for (;;) {
      const done = this.adminDone.get(cid);
      if (done) {
        this.adminDone.delete(cid);
        return done;
      }
      if (!this.env.clock.step()) return null;
    }
  }

  /** Identify with a 4 KiB host buffer. */
  identify(cns: number, nsid: number): Uint8Array | null {
    const buf = this.env.mem.alloc(4096);
    if (buf === null) return null;
    try {
      const r = this.adminSync({ opc: ADMIN_OPC.IDENTIFY, nsid, prp1: buf, cdw10: cns });
      if (!r || r.status !== 0) return null;
      return this.env.mem.read(buf, 4096);
    } finally {
      this.env.mem.release(buf);
    }
  }

  // ------------------------------------------------------------------ namespaces

  private scanNamespaces(): number {
    const list = this.identify(2, 0);
    if (!list) return 0;
    const v = new DataView(list.buffer);
    for (let i = 0; i < 1024; i++) {
      const nsid = v.getUint32(i * 4, true);
      if (nsid === 0) break;
      this.allocNs(nsid);
    }
    return 0;
  }

  /** `nvme_alloc_ns`: a gendisk `nvme<instance>n<nsid>` with PCI_P2PDMA (spec 5.5). */
  private allocNs(nsid: number): void {
    const idns = this.identify(0, nsid);
    if (!idns || !this.tagSet) return;
    const v = new DataView(idns.buffer);
    const nsze = v.getBigUint64(0, true);
    const flbas = idns[26]! & 0xf;
    const lbaShift = idns[128 + flbas * 4 + 2]!;
    const maxBytes = this.id.mdts > 0 ? Math.min(4096 * 2 ** this.id.mdts, 2 << 20) : 2 << 20;
    const q = new RequestQueue({
      mode: this.env.mode,
      tagSet: this.tagSet,
      limits: {
        logicalBlockSize: 1 << lbaShift,
        physicalBlockSize: 1 << lbaShift,
        maxSectors: maxBytes >>> 9,
        maxSegments: NVME_MAX_SEGS,
        maxSegmentSize: 0xffffffff,
      },
      log: (l) => this.env.system.log.append(l),
      poll: () => this.env.clock.step(),
    });
    q.setPciP2pdma(true);
    const disk = new Gendisk(`${this.device.name}n${nsid}`, q, this.device);
    disk.capacity = nsze << BigInt(lbaShift - 9);
    const ns: NvmeNs = { nsid, lbaShift, disk };
    disk.privateData = ns;
    DiskRegistry.of(this.env.system).add(disk);
    this.namespaces.push(ns);
  }

  // ------------------------------------------------------------------ I/O

  private queueRq(hctx: HwQueue, rq: Request, last: boolean): BlockStatus {
    if (this.state !== "live") return "IOERR";
    const nq = this.ioqs[hctx.queueNum];
    const ns = rq.q.disk?.privateData as NvmeNs | undefined;
    if (!nq || !ns) return "IOERR";
    const pdu: IoPdu = { sgl: null, p2p: false, list: null };
    rq.pdu = pdu;
    const op = rq.op;
    let opc: number;
    let prp1 = 0n;
    let prp2 = 0n;
    let cdw10 = 0;
    let cdw11 = 0;
    let cdw12 = 0;
    if (op === REQ_OP.FLUSH) opc = NVM_OPC.FLUSH;
    else if (op === REQ_OP.READ || op === REQ_OP.WRITE || op === REQ_OP.WRITE_ZEROES) {
      opc = op === REQ_OP.READ ? NVM_OPC.READ : op === REQ_OP.WRITE ? NVM_OPC.WRITE : NVM_OPC.WRITE_ZEROES;
      const slba = rq.sector >> BigInt(ns.lbaShift - 9);
      const nlb = (rq.dataLen >>> ns.lbaShift) - 1;
      cdw10 = Number(slba & 0xffffffffn);
      cdw11 = Number(slba >> 32n);
      cdw12 = nlb | ((rq.cmdFlags & REQ.FUA) !== 0 ? 1 << 30 : 0);
      if (op !== REQ_OP.WRITE_ZEROES) {
        const st = this.mapData(rq, pdu);
        if (st !== "OK") return st;
        const prps = setupPrps(this.env.mem, pdu.sgl!);
        if (typeof prps === "string") {
          this.unmapData(pdu);
          return prps;
        }
        prp1 = prps.prp1;
        prp2 = prps.prp2;
        pdu.list = prps.list;
      }
    } else return "NOTSUPP";
    this.inflight.get(nq.qid)!.set(rq.tag, rq);
    nq.submit(buildSqe({ opc, cid: rq.tag, nsid: ns.nsid, prp1, prp2, cdw10, cdw11, cdw12 }), last);
    return "OK";
  }

  /** `blk_rq_map_sg` + the per-mode DMA mapping of spec 5.4. */
  private mapData(rq: Request, pdu: IoPdu): BlockStatus {
    const sgl: ScatterEntry[] = [];
    for (const bio of rq.bios) {
      for (const v of bio.vecs) {
        const last = sgl[sgl.length - 1];
        if (last && last.page.pgmap === v.page.pgmap && last.page.phys + BigInt(last.offset + last.length) === v.page.phys + BigInt(v.offset)) {
          last.length += v.len;
        } else sgl.push({ page: v.page, offset: v.offset, length: v.len, dmaAddress: null, dmaLength: 0, busAddress: false });
      }
    }
    pdu.sgl = sgl;
    const first = sgl[0];
    if (!first) return "IOERR";
    const dma = { dev: this.pdev, ops: "direct" as const };
    if (this.env.mode === "4.20") {
      if (isPciP2pdmaPage(first.page)) {
        pdu.p2p = true;
        const n = p2pdmaMapSg(this.env.p2p.core, dma, sgl, sgl.length, { kernel: "4.20" }).ret;
        if (n === 0) return "RESOURCE";
      } else {
        for (const sg of sgl) {
          sg.dmaAddress = sg.page.phys + BigInt(sg.offset);
          sg.dmaLength = sg.length;
        }
      }
      return "OK";
    }
    const rc = dmaMapSgtable(this.env.p2p.core, dma, sgl, { kernel: "6.12" });
    if (rc === -EREMOTEIO) return "TARGET";
    if (rc !== 0) return "RESOURCE";
    return "OK";
  }

  private unmapData(pdu: IoPdu): void {
    if (pdu.list !== null) this.env.mem.release(pdu.list);
    pdu.list = null;
    if (!pdu.sgl) return;
    if (this.env.mode === "4.20" && pdu.p2p) return; // 4.20: P2P mappings are never unmapped
    dmaUnmapSg(pdu.sgl);
  }

  /** The interrupt handler (`nvme_irq`): reap every queue. */
  private irq(): void {
    if (this.adminq) for (const c of this.adminq.reap()) this.adminDone.set(c.cid, c);
    for (const q of this.ioqs) {
      const map = this.inflight.get(q.qid)!;
      for (const c of q.reap()) {
        const rq = map.get(c.cid);
        if (!rq) continue;
        map.delete(c.cid);
        this.unmapData(rq.pdu as IoPdu);
        blkMqEndRequest(rq, nvmeErrorStatus(c.status));
      }
    }
  }

  /** Requests the controller still owns. */
  get inflightCount(): number {
    let n = 0;
    for (const m of this.inflight.values()) n += m.size;
    return n;
  }

  // ------------------------------------------------------------------ reset and remove

  /**
   * Models a controller reset (`nvme_reset_ctrl`): quiesce, disable, requeue what the
   * controller held, set up again (the CMB stays registered: `nvme_map_cmb` is idempotent),
   * unquiesce. 0 or a negative errno (the controller is then dead and its I/O fails).
   */
  reset(): number {
    this.state = "resetting";
    const queues = this.namespaces.map((n) => n.disk.queue);
    for (const q of queues) q.quiesced = true;
    this.disableCtrl();
    const requeue: Request[] = [];
    for (const m of this.inflight.values()) {
      for (const rq of m.values()) {
        this.unmapData(rq.pdu as IoPdu);
        requeue.push(rq);
      }
      m.clear();
    }
    this.inflight.clear();
    this.adminDone.clear();
    this.teardownQueues();
    const rc = this.enableAndSetup(false);
    for (const rq of requeue) rq.hctx.dispatch.push(rq);
    if (rc !== 0) {
      this.state = "dead";
      for (const q of queues) {
        for (const h of q.hctxs) for (const rq of h.dispatch.splice(0)) blkMqEndRequest(rq, "IOERR");
        q.quiesced = false;
      }
      return rc;
    }
    for (const q of queues) q.unquiesce();
    return 0;
  }

  /** Models `nvme_remove`: disks go, normal shutdown, queues freed, CMB released (4.20). */
  remove(): void {
    const reg = DiskRegistry.of(this.env.system);
    for (const ns of this.namespaces) reg.remove(ns.disk);
    this.state = "deleted";
    if (this.adminq) {
      const cc = this.bar.readl(NVME_REG.CC);
      this.bar.writel(NVME_REG.CC, setField(cc, CC.SHN, 1));
      const deadline = this.env.clock.now + 10e9;
      while (getField(this.bar.readl(NVME_REG.CSTS), CSTS.SHST) !== CSTS_SHST.COMPLETE) {
        if (this.env.clock.now > deadline || !this.env.clock.step()) break;
      }
    }
    for (const m of this.inflight.values()) for (const rq of m.values()) blkMqEndRequest(rq, "IOERR");
    this.inflight.clear();
    this.teardownQueues();
    if (this.env.mode === "4.20") releaseCmb(this.env, this.sysDir, this.cmb);
    this.env.irq.free(this.pdev);
    this.env.system.sysfs.remove(this.sysDir);
    putInstance(this.env.system, this.instance);
  }
}

/** Thrown for misuse such as a second probe of one function. */
export { NvmeDriverError };
