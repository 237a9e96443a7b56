/**
 * The NVMe controller device model (NVMe Base 1.4 over PCIe): a PCI function whose BAR0 holds
 * the controller registers and doorbells, with the CC.EN / CC.SHN state machine timed on the
 * virtual clock (§7.6.1-7.6.2, CSTS.RDY within CAP.TO), controller fatal status on invalid use,
 * doorbell-driven command processing that fetches SQEs and posts CQEs by DMA through the
 * Fabric (§4.1, §4.6 phase tag), the admin and NVM command sets (admin-cmd.ts, io-cmd.ts),
 * PRP/SGL data pointers, the CMB in both schemes (cmb.ts) and namespaces over volatile-cached
 * media (media.ts). Software reaches it only through config space, MMIO and DMA.
 */
import type { Fabric, MemoryRegion, PciFunction, VirtualClock } from "@p2pdma/pci-core";
import { SparseMemory, resourceSize, writeLE } from "@p2pdma/pci-core";
import {
  AER_ERROR_INFO,
  AER_RESULT,
  AER_TYPE,
  AQA,
  CC,
  CC_AMS,
  CC_CSS_NVM,
  CC_SHN,
  CQE,
  CQE_SIZE,
  CSTS,
  CSTS_SHST,
  LID,
  NSSR_RESET_VALUE,
  PSDT,
  SCT,
  SC_GENERIC,
  SQE_SIZE,
  getField,
  memoryPageSize,
  nvmeStatus,
  setField,
} from "@p2pdma/nvme-spec";
import type { Command, Outcome } from "./command";
import type { ControllerOptions, ControllerOptionsInit } from "./options";
import type { NvmeTracer } from "./trace";
import type { Segment, XferContext, XferDir } from "./xfer";
import { ADMIN_COMMANDS } from "./admin-cmd";
import { Cmb } from "./cmb";
import { Command as Cmd, fail, generic } from "./command";
import { Dma } from "./dma";
import { NvmeModelError } from "./errors";
import { FeatureState } from "./features";
import { IO_COMMANDS } from "./io-cmd";
import { ErrorLog, SmartCounters } from "./log-page";
import { Namespace } from "./namespace";
import { resolveControllerOptions } from "./options";
import { msixEnabled, msixLayout } from "./pci";
import { prpSegments } from "./prp";
import { CompletionQueue, SubmissionQueue } from "./queues";
import type { PendingCompletion } from "./queues";
import { readRegisters, writeRegisters } from "./registers";
import { sglSegments } from "./sgl";
import { Timing } from "./timing";
import { checkDataInCmb } from "./xfer";

/** What {@link NvmeController.attach} needs. */
export interface AttachInit {
  readonly fabric: Fabric;
  readonly clock: VirtualClock;
  /** The PCI function (created by `createNvmeFunction` or from a topology); BAR0 must be assigned. */
  readonly dev: PciFunction;
  readonly options?: ControllerOptions | ControllerOptionsInit;
  readonly tracer?: NvmeTracer;
}

interface Inflight {
  readonly cmd: Command;
  readonly event: { cancelled: boolean };
}

/** One NVMe controller. */
export class NvmeController {
  readonly options: ControllerOptions;
  readonly fabric: Fabric;
  readonly clock: VirtualClock;
  readonly dev: PciFunction;
  readonly cmb: Cmb | null;
  readonly dma: Dma;
  readonly namespaces = new Map<number, Namespace>();
  readonly features: FeatureState;
  readonly errorLog: ErrorLog;
  readonly smart = new SmartCounters();
  readonly timing: Timing;
  /** Called when the controller raises an interrupt (MSI-X vector, or 0 for INTx/MSI). */
  onInterrupt: ((vector: number) => void) | null = null;

  /** Register state (NVMe 1.4 §3.1). */
  cc = 0;
  csts = 0;
  aqa = 0;
  asq = 0n;
  acq = 0n;
  intMask = 0;
  readonly cap: bigint;

  readonly sqs = new Map<number, SubmissionQueue>();
  readonly cqs = new Map<number, CompletionQueue>();
  private sqOrder: SubmissionQueue[] = [];
  private readonly inflight = new Map<number, Map<number, Inflight>>();
  /** Outstanding Asynchronous Event Requests. */
  readonly aers: Command[] = [];
  private readonly events: number[] = [];
  /** Memory page size from CC.MPS while enabled. */
  pageSize = 4096;
  private ready = false;
  private shutDown = false;
  private kickPending = false;
  /** Bumped by every reset: completions scheduled before it are dropped. */
  private generation = 0;
  private stateGeneration = 0;
  private readonly regions: MemoryRegion[] = [];
  private readonly msixTable: SparseMemory;
  private readonly tracer: NvmeTracer | null;
  private readonly serialHash: number;

  private constructor(init: AttachInit, options: ControllerOptions) {
    this.options = options;
    this.fabric = init.fabric;
    this.clock = init.clock;
    this.dev = init.dev;
    this.tracer = init.tracer ?? null;
    this.dma = new Dma(this.fabric, this.dev);
    this.cmb = options.cmb ? new Cmb(options.cmb, this.fabric, this.dev) : null;
    this.cap = capValue(options);
    this.features = new FeatureState(options);
    this.errorLog = new ErrorLog(options.errorLogEntries);
    this.timing = new Timing(options.timing);
    this.msixTable = new SparseMemory(options.bar0Size);
    let h = 0;
    for (const ch of options.serial) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    this.serialHash = h;
    for (const ns of options.namespaces) {
      this.namespaces.set(ns.nsid, new Namespace(ns, options.volatileWriteCache && options.writeCacheEnabled, options.writeCacheBytes));
    }
  }

  /**
   * Attaches a controller model to a PCI function: claims BAR0 (registers, doorbells, MSI-X)
   * on the fabric, the CMB BAR (1.3 scheme: at once; 1.4: when CMBMSC.CMSE enables it) and
   * plain memory BARs. Throws {@link NvmeModelError} `EATTACH` when BAR0 is not assigned.
   */
  static attach(init: AttachInit): NvmeController {
    const o = init.options;
    const options = o !== undefined && "timing" in o && "namespaces" in o && "cmb" in o && isResolved(o) ? o : resolveControllerOptions(o ?? {});
    const c = new NvmeController(init, options);
    const res0 = init.dev.resources[0];
    if (!res0 || resourceSize(res0) === 0n) throw new NvmeModelError("EATTACH", `${init.dev.name}: BAR0 is not assigned`);
    c.regions.push(
      init.fabric.attachBar(init.dev, 0, {
        read: (offset, length) => c.mmioRead(Number(offset), length),
        write: (offset, data) => c.mmioWrite(Number(offset), data),
      }),
    );
    for (const m of options.memoryBars) {
      const r = init.dev.resources[m.bar];
      if (!r || resourceSize(r) === 0n) continue;
      c.regions.push(init.fabric.attachBar(init.dev, m.bar, new SparseMemory(resourceSize(r))));
    }
    c.cmb?.attach();
    return c;
  }

  /** Releases the fabric regions and closes the media (device removal). */
  detach(): void {
    for (const r of this.regions) this.fabric.detach(r);
    this.regions.length = 0;
    this.cmb?.detach();
    this.generation++;
    this.stateGeneration++;
    for (const ns of this.namespaces.values()) ns.media.store.close();
  }

  trace(e: Parameters<NvmeTracer>[0]): void {
    this.tracer?.(e);
  }

  // ---------------------------------------------------------------- MMIO

  /** A CPU read of BAR0 at `offset`. */
  mmioRead(offset: number, length: number): Uint8Array {
    const l = msixLayout(this.options);
    if (this.options.msixVectors > 0 && offset >= l.tableOffset) return this.msixTable.read(BigInt(offset), length);
    return readRegisters(this, offset, length);
  }

  /** A CPU write of BAR0 at `offset`. */
  mmioWrite(offset: number, data: Uint8Array): void {
    const l = msixLayout(this.options);
    if (this.options.msixVectors > 0 && offset >= l.tableOffset) {
      this.msixTable.write(BigInt(offset), data);
      return;
    }
    writeRegisters(this, offset, data);
  }

  // ---------------------------------------------------------------- state machine

  /** Whether CSTS.RDY is set and the controller processes commands. */
  get isReady(): boolean {
    return this.ready;
  }

  private setCsts(f: { shift: number; width: number }, v: number): void {
    this.csts = setField(this.csts, f, v);
  }

  /** A software write of CC (NVMe 1.4 §3.1.5). */
  writeCc(value: number): void {
    const old = this.cc;
    const mask = [CC.EN, CC.CSS, CC.MPS, CC.AMS, CC.SHN, CC.IOSQES, CC.IOCQES].reduce((m, f) => m | (((1 << f.width) - 1) << f.shift), 0);
    this.cc = value & mask;
    const wasEn = getField(old, CC.EN) === 1;
    const isEn = getField(this.cc, CC.EN) === 1;
    if (!wasEn && isEn) this.startEnable();
    else if (wasEn && !isEn) this.controllerReset(false);
    const shn = getField(this.cc, CC.SHN);
    if (isEn && shn !== CC_SHN.NONE && getField(old, CC.SHN) === CC_SHN.NONE) this.startShutdown();
  }

  private startEnable(): void {
    this.trace({ kind: "state", what: "enable" });
    const o = this.options;
    const mps = getField(this.cc, CC.MPS);
    const ams = getField(this.cc, CC.AMS);
    const sqs = getField(this.aqa, AQA.ASQS) + 1;
    const cqs = getField(this.aqa, AQA.ACQS) + 1;
    const ps = memoryPageSize(mps);
    const psn = BigInt(ps);
    let reason: string | null = null;
    if (mps < o.mpsMin || mps > o.mpsMax) reason = `CC.MPS ${mps} outside CAP.MPSMIN..MPSMAX`;
    else if (getField(this.cc, CC.CSS) !== CC_CSS_NVM) reason = `CC.CSS ${getField(this.cc, CC.CSS)} not supported`;
    else if (!(ams === CC_AMS.RR || (ams === CC_AMS.WRR_URGENT && o.wrr))) reason = `CC.AMS ${ams} not supported`;
    else if (sqs < 2 || cqs < 2) reason = `AQA sizes below two entries`;
    else if (sqs > o.maxQueueEntries || cqs > o.maxQueueEntries) reason = `AQA sizes above CAP.MQES`;
    else if (this.asq === 0n || this.acq === 0n || this.asq % psn !== 0n || this.acq % psn !== 0n) reason = `ASQ/ACQ not memory page aligned`;
    const gen = ++this.stateGeneration;
    if (reason !== null) {
      const r = reason;
      this.clock.schedule(this.options.timing.enableNs, () => {
        if (gen === this.stateGeneration) this.fatal(r);
      });
      return;
    }
    this.pageSize = ps;
    this.cqs.set(0, new CompletionQueue(0, this.acq, cqs, true, 0, false));
    this.addSq(new SubmissionQueue(0, this.asq, sqs, 0, 0, false));
    this.cqs.get(0)!.sqs.add(0);
    this.clock.schedule(this.options.timing.enableNs, () => {
      if (gen !== this.stateGeneration) return;
      this.ready = true;
      this.setCsts(CSTS.RDY, 1);
      this.trace({ kind: "state", what: "ready" });
      this.kick();
    });
  }

  /**
   * Controller Level Reset (NVMe 1.4 §7.3.2): CC.EN 1 -> 0 (RDY clears after the disable
   * delay) or an NVM Subsystem Reset (`immediate`). Queues and outstanding commands are
   * dropped; features return to defaults; AQA/ASQ/ACQ and CMBMSC keep their values.
   */
  private controllerReset(immediate: boolean): void {
    this.trace({ kind: "state", what: "disable" });
    this.generation++;
    const gen = ++this.stateGeneration;
    this.ready = false;
    this.shutDown = false;
    this.kickPending = false;
    this.sqs.clear();
    this.cqs.clear();
    this.sqOrder = [];
    this.inflight.clear();
    this.aers.length = 0;
    this.events.length = 0;
    this.features.reset();
    this.timing.reset();
    for (const ns of this.namespaces.values()) ns.media.cacheEnabled = this.features.writeCacheEnabled;
    const done = (): void => {
      this.csts = setField(setField(setField(this.csts, CSTS.RDY, 0), CSTS.CFS, 0), CSTS.SHST, CSTS_SHST.NORMAL);
      this.trace({ kind: "state", what: "reset-done" });
    };
    if (immediate) done();
    else
      this.clock.schedule(this.options.timing.disableNs, () => {
        if (gen === this.stateGeneration) done();
      });
  }

  private startShutdown(): void {
    this.trace({ kind: "state", what: "shutdown" });
    this.setCsts(CSTS.SHST, CSTS_SHST.OCCURRING);
    this.shutDown = true;
    const gen = this.stateGeneration;
    this.clock.schedule(this.options.timing.shutdownNs, () => {
      if (gen !== this.stateGeneration) return;
      for (const ns of this.namespaces.values()) ns.media.flush();
      this.setCsts(CSTS.SHST, CSTS_SHST.COMPLETE);
      this.trace({ kind: "state", what: "shutdown-done" });
    });
  }

  /** A write of NSSR (NVMe 1.4 §3.1.7): "NVMe" starts an NVM Subsystem Reset when CAP.NSSRS. */
  writeNssr(value: number): void {
    if (!this.options.nssr || value >>> 0 !== NSSR_RESET_VALUE) return;
    this.trace({ kind: "state", what: "nssr" });
    this.cc = 0;
    this.controllerReset(true);
    this.cmb?.reset();
    this.setCsts(CSTS.NSSRO, 1);
  }

  /**
   * Simulated power loss and power-on: the volatile write cache is lost (returns the bytes
   * lost), every register returns to its reset value, the CMB's contents and settings are
   * gone; SMART counts an unsafe shutdown unless a shutdown had completed.
   */
  powerLoss(): number {
    this.trace({ kind: "state", what: "power-loss" });
    let lost = 0;
    for (const ns of this.namespaces.values()) lost += ns.media.powerLoss();
    if (getField(this.csts, CSTS.SHST) !== CSTS_SHST.COMPLETE) this.smart.unsafeShutdowns += 1n;
    this.smart.powerCycles += 1n;
    this.cc = 0;
    this.controllerReset(true);
    this.csts = 0;
    this.aqa = 0;
    this.asq = 0n;
    this.acq = 0n;
    this.intMask = 0;
    this.cmb?.reset();
    return lost;
  }

  /** Sets CSTS.CFS: the controller stops processing until reset (NVMe 1.4 §3.1.6, §9.5). */
  fatal(reason: string): void {
    this.trace({ kind: "fatal", reason });
    this.setCsts(CSTS.CFS, 1);
    this.ready = false;
    this.generation++;
  }

  // ---------------------------------------------------------------- doorbells

  /** A doorbell write: `qid`'s SQ tail or CQ head (NVMe 1.4 §3.1.24-25). */
  doorbell(qid: number, completion: boolean, value: number): void {
    if (!this.ready && getField(this.csts, CSTS.RDY) === 0) return;
    if (getField(this.csts, CSTS.CFS) === 1) return;
    const v = value & 0xffff;
    if (completion) {
      const cq = this.cqs.get(qid);
      if (!cq) return this.invalidDoorbell(qid, true, v, AER_ERROR_INFO.INVALID_DOORBELL_REGISTER);
      const advance = (v - cq.head + cq.size) % cq.size;
      if (v >= cq.size || advance > cq.used) return this.invalidDoorbell(qid, true, v, AER_ERROR_INFO.INVALID_DOORBELL_WRITE_VALUE);
      this.trace({ kind: "doorbell", qid, completion, value: v, valid: true });
      cq.head = v;
      while (cq.waiting.length > 0 && !cq.full) this.writeCqe(cq, cq.waiting.shift()!);
      this.kick();
      return;
    }
    const sq = this.sqs.get(qid);
    if (!sq) return this.invalidDoorbell(qid, false, v, AER_ERROR_INFO.INVALID_DOORBELL_REGISTER);
    if (v >= sq.size) return this.invalidDoorbell(qid, false, v, AER_ERROR_INFO.INVALID_DOORBELL_WRITE_VALUE);
    this.trace({ kind: "doorbell", qid, completion, value: v, valid: true });
    sq.tail = v;
    this.kick();
  }

  /**
   * An invalid doorbell write (NVMe 1.4 §5.2.1 Figure 147): reported as an Error asynchronous
   * event when an AER is outstanding; with none outstanding the model declares a controller
   * fatal status (the spec leaves the behaviour undefined).
   */
  private invalidDoorbell(qid: number, completion: boolean, value: number, info: number): void {
    this.trace({ kind: "doorbell", qid, completion, value, valid: false });
    if (this.aers.length === 0) {
      this.fatal(`invalid doorbell write: ${completion ? "CQ" : "SQ"} ${qid} value ${value}`);
      return;
    }
    this.errorLog.add({ sqid: 0xffff, cid: 0xffff, status: 0, nsid: 0, lba: 0n });
    this.asyncEvent(AER_TYPE.ERROR, info, LID.ERROR_INFORMATION);
  }

  // ---------------------------------------------------------------- processing

  /** Schedules command processing at the current virtual time. */
  kick(): void {
    if (this.kickPending || !this.ready) return;
    this.kickPending = true;
    const gen = this.generation;
    this.clock.schedule(0, () => {
      if (gen !== this.generation) return;
      this.kickPending = false;
      this.process();
    });
  }

  /** Fetches and executes commands round robin over the SQs while their CQs have room. */
  private process(): void {
    let progress = true;
    while (progress && this.ready && !this.shutDown) {
      progress = false;
      for (const sq of this.sqOrder) {
        if (sq.pending === 0) continue;
        const cq = this.cqs.get(sq.cqid);
        if (!cq || !cq.canReserve) continue;
        this.fetch(sq, cq);
        progress = true;
        if (!this.ready) return;
      }
    }
  }

  /**
   * Fetches a burst of contiguous SQEs in one DMA (as many as are submitted, up to the queue's
   * wrap and the completion slots left) and executes them in order.
   */
  private fetch(sq: SubmissionQueue, cq: CompletionQueue): void {
    const budget = cq.size - 1 - (cq.used + cq.reserved + cq.waiting.length);
    const n = Math.max(1, Math.min(sq.pending, sq.size - sq.head, budget));
    const burst = this.dma.read(sq.base + BigInt(sq.head * SQE_SIZE), n * SQE_SIZE);
    if (burst === null) {
      this.fatal(`SQ ${sq.qid} entry fetch failed (${this.dma.lastFailure ?? "?"})`);
      return;
    }
    const gen = this.generation;
    for (let i = 0; i < n; i++) {
      if (gen !== this.generation || !this.ready || this.sqs.get(sq.qid) !== sq) return;
      sq.head = (sq.head + 1) % sq.size;
      this.run(sq, cq, new Cmd(burst.subarray(i * SQE_SIZE, (i + 1) * SQE_SIZE), sq.qid));
    }
  }

  private run(sq: SubmissionQueue, cq: CompletionQueue, cmd: Command): void {
    this.trace({ kind: "command", sqid: sq.qid, cid: cmd.cid, opcode: cmd.opcode, nsid: cmd.nsid });
    let map = this.inflight.get(sq.qid);
    if (!map) {
      map = new Map();
      this.inflight.set(sq.qid, map);
    }
    if (map.has(cmd.cid)) {
      this.postNow(cq, sq, cmd, generic(SC_GENERIC.CID_CONFLICT));
      return;
    }
    const outcome = this.execute(cmd);
    if (outcome === "deferred") return;
    this.complete(sq, cq, cmd, outcome, this.timing.delay(outcome.cls, outcome.bytes, this.clock.now));
  }

  private execute(cmd: Command): Outcome | "deferred" {
    if (cmd.fuse !== 0) return generic(SC_GENERIC.INVALID_FIELD);
    if (cmd.sqid === 0) {
      const h = ADMIN_COMMANDS[cmd.opcode];
      if (!h) return generic(SC_GENERIC.INVALID_OPCODE);
      if (cmd.psdt !== PSDT.PRP) return generic(SC_GENERIC.INVALID_FIELD);
      return h(this, cmd);
    }
    const h = IO_COMMANDS[cmd.opcode];
    if (!h) return generic(SC_GENERIC.INVALID_OPCODE, "read");
    return h(this, cmd);
  }

  private complete(sq: SubmissionQueue, cq: CompletionQueue, cmd: Command, outcome: Outcome, delay: number): void {
    cq.reserved++;
    const gen = this.generation;
    const map = this.inflight.get(sq.qid)!;
    const event = this.clock.schedule(delay, () => {
      if (gen !== this.generation) return;
      map.delete(cmd.cid);
      cq.reserved--;
      this.post(cq, sq, cmd, outcome);
    });
    map.set(cmd.cid, { cmd, event });
  }

  private postNow(cq: CompletionQueue, sq: SubmissionQueue, cmd: Command, outcome: Outcome): void {
    this.post(cq, sq, cmd, outcome);
  }

  private post(cq: CompletionQueue, sq: SubmissionQueue, cmd: Command, outcome: Outcome): void {
    if (outcome.status !== 0) {
      this.errorLog.add({ sqid: sq.qid, cid: cmd.cid, status: outcome.status, nsid: cmd.nsid, lba: 0n });
    }
    const entry: PendingCompletion = { dw0: outcome.dw0 ?? 0, dw1: outcome.dw1 ?? 0, sqid: sq.qid, sqhd: sq.head, cid: cmd.cid, status: outcome.status };
    this.trace({ kind: "completion", sqid: sq.qid, cid: cmd.cid, status: outcome.status, dw0: entry.dw0 });
    if (cq.full || cq.waiting.length > 0) cq.waiting.push(entry);
    else this.writeCqe(cq, entry);
  }

  private writeCqe(cq: CompletionQueue, e: PendingCompletion): void {
    const b = new Uint8Array(CQE_SIZE);
    writeLE(b, CQE.DW0, 4, e.dw0);
    writeLE(b, CQE.DW1, 4, e.dw1);
    writeLE(b, CQE.SQHD, 2, e.sqhd);
    writeLE(b, CQE.SQID, 2, e.sqid);
    writeLE(b, CQE.CID, 2, e.cid);
    writeLE(b, CQE.STATUS, 2, ((e.status << 1) | cq.phase) & 0xffff);
    if (!this.dma.write(cq.base + BigInt(cq.tail * CQE_SIZE), b)) {
      this.fatal(`CQ ${cq.qid} entry post failed (${this.dma.lastFailure ?? "?"})`);
      return;
    }
    cq.tail++;
    if (cq.tail === cq.size) {
      cq.tail = 0;
      cq.phase ^= 1;
    }
    if (cq.interruptsEnabled) this.interrupt(cq.vector);
  }

  private interrupt(vector: number): void {
    if (!msixEnabled(this.dev) && (this.intMask & (1 << (vector & 31))) !== 0) return;
    this.trace({ kind: "interrupt", vector });
    this.onInterrupt?.(vector);
  }

  /** Reports an asynchronous event (NVMe 1.4 §5.2): completes an outstanding AER or queues it. */
  asyncEvent(type: number, info: number, logPage: number): void {
    const dw0 = setField(setField(setField(0, AER_RESULT.TYPE, type), AER_RESULT.INFO, info), AER_RESULT.LOG_PAGE, logPage);
    const aer = this.aers.shift();
    if (aer === undefined) {
      if (this.events.length < 64) this.events.push(dw0);
      return;
    }
    this.completeAer(aer, dw0);
  }

  /** Called by the AER handler: completes at once if an event is queued. */
  takeQueuedEvent(): number | undefined {
    return this.events.shift();
  }

  /** Completes an outstanding AER command with `dw0`. */
  completeAer(aer: Command, dw0: number): void {
    const sq = this.sqs.get(0);
    const cq = this.cqs.get(0);
    if (!sq || !cq) return;
    if (!this.inflight.get(0)) this.inflight.set(0, new Map());
    this.complete(sq, cq, aer, { status: 0, dw0, cls: "admin", bytes: 0 }, 0);
  }

  // ---------------------------------------------------------------- queues

  /** Registers a submission queue (admin or Create I/O SQ). */
  addSq(sq: SubmissionQueue): void {
    this.sqs.set(sq.qid, sq);
    this.sqOrder = [...this.sqs.values()].sort((a, b) => a.qid - b.qid);
  }

  /** Deletes an I/O SQ: its outstanding commands complete as Aborted due to SQ Deletion. */
  deleteSq(qid: number): void {
    const sq = this.sqs.get(qid);
    if (!sq) return;
    const cq = this.cqs.get(sq.cqid);
    const map = this.inflight.get(qid);
    if (map && cq) {
      for (const { cmd, event } of map.values()) {
        event.cancelled = true;
        cq.reserved--;
        this.post(cq, sq, cmd, { status: nvmeStatus(SCT.GENERIC, SC_GENERIC.ABORTED_SQ_DELETION), cls: "admin", bytes: 0 });
      }
    }
    this.inflight.delete(qid);
    cq?.sqs.delete(qid);
    this.sqs.delete(qid);
    this.sqOrder = this.sqOrder.filter((s) => s !== sq);
  }

  // ---------------------------------------------------------------- data

  /** The context PRP/SGL walkers use. */
  get xferContext(): XferContext {
    return { dma: this.dma, cmb: this.cmb, pageSize: this.pageSize, bitBucket: this.options.sgl };
  }

  /**
   * The segments of a command's data pointer for `len` bytes (PRPs, or SGLs when PSDT selects
   * them and the controller supports SGLs), checked against the CMB rules. Returns a status on
   * failure.
   */
  mapData(cmd: Command, len: number, dir: XferDir): { segs: Segment[] } | { status: number } {
    const ctx = this.xferContext;
    let r;
    if (cmd.psdt === PSDT.PRP) r = prpSegments(ctx, cmd.prp1, cmd.prp2, len);
    else if (cmd.psdt === PSDT.RESERVED || !this.options.sgl) return { status: fail(SCT.GENERIC, SC_GENERIC.INVALID_FIELD).status };
    else r = sglSegments(ctx, cmd.dptr, len, dir);
    if (!r.ok) return { status: r.status };
    const bad = checkDataInCmb(ctx, r.value, dir);
    if (bad !== null) return { status: bad };
    return { segs: r.value };
  }

  /** NVMe 1.4 §3.1.1 CAP value. */
  get capValue(): bigint {
    return this.cap;
  }

  /** Seed for EUI-64 values of this controller's namespaces. */
  get euiSeed(): number {
    return this.serialHash;
  }
}

function isResolved(o: ControllerOptionsInit | ControllerOptions): o is ControllerOptions {
  return typeof (o as ControllerOptions).bar0Size === "bigint" && typeof (o as ControllerOptions).timing?.enableNs === "number" && Array.isArray((o as ControllerOptions).memoryBars);
}

function capValue(o: ControllerOptions): bigint {
  let cap = BigInt(o.maxQueueEntries - 1);
  cap |= 1n << 16n; // CQR: queues must be physically contiguous
  if (o.wrr) cap |= 1n << 17n;
  cap |= BigInt(o.timeout) << 24n;
  cap |= BigInt(o.doorbellStride) << 32n;
  if (o.nssr) cap |= 1n << 36n;
  cap |= 1n << 37n; // CSS: NVM command set
  cap |= BigInt(o.mpsMin) << 48n;
  cap |= BigInt(o.mpsMax) << 52n;
  if (o.cmb?.scheme === "1.4") cap |= 1n << 57n;
  return cap;
}
