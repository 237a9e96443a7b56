/**
 * nvmet-loop (loop.c): an in-process host <-> target transport. The host's buffers are the
 * request's scatterlist, so loop never allocates SGLs and never sets `p2p_client`: it never
 * uses P2P memory (spec 6.5). {@link LoopHost} is a tiny host-side helper (the part of
 * nvme-loop + nvme-fabrics a test needs): Connect, property access, admin and I/O commands.
 */
import type { Nvmet } from "./core";
import { nvmetSqDestroy } from "./ctrl";
import { NvmetError } from "./errors";
import { NvmetReq, NvmetSq } from "./nvmet";
import type { Cqe, NvmetCtrl, NvmetFabricsOps, NvmetPort } from "./nvmet";
import { bindSq, nvmetReqInit } from "./req";
import type { SgEntry } from "./sgl";
import {
  CONNECT_DATA,
  NVME_CC_ENABLE,
  NVME_CC_IOCQES_SHIFT,
  NVME_CC_IOSQES_SHIFT,
  NVME_CMD_SGL_METABUF,
  NVME_FABRICS_COMMAND,
  NVME_REG,
  NVMF_FCTYPE,
  NVMF_TRTYPE,
  SQE_SIZE,
} from "./spec/nvme";

/** A completion as the host sees it. */
export interface Completion {
  /** The kernel-style status value: SC | SCT << 8 | DNR 0x4000 (0 = success), More bit excluded. */
  readonly status: number;
  /** The More bit: an error log entry was recorded. */
  readonly more: boolean;
  readonly result: bigint;
  readonly cqe: Readonly<Cqe>;
}

/** Fields of a command to build (`struct nvme_command`). Unset fields are zero. */
export interface CommandFields {
  readonly opcode: number;
  readonly flags?: number;
  readonly commandId?: number;
  readonly nsid?: number;
  readonly fctype?: number;
  readonly cdw10?: number;
  readonly cdw11?: number;
  readonly cdw12?: number;
  readonly cdw13?: number;
  readonly cdw14?: number;
  readonly cdw15?: number;
  /** Byte-level overrides (offset -> bytes), e.g. a 64-bit SLBA. */
  readonly bytes?: ReadonlyArray<readonly [number, Uint8Array]>;
}

/** Builds a 64-byte SQE. */
export function buildSqe(f: CommandFields): Uint8Array {
  const b = new Uint8Array(SQE_SIZE);
  const v = new DataView(b.buffer);
  b[0] = f.opcode;
  b[1] = f.flags ?? 0;
  v.setUint16(2, f.commandId ?? 0, true);
  v.setUint32(4, f.nsid ?? 0, true);
  if (f.fctype !== undefined) b[4] = f.fctype;
  const dw = [f.cdw10, f.cdw11, f.cdw12, f.cdw13, f.cdw14, f.cdw15];
  dw.forEach((x, i) => {
    if (x !== undefined) v.setUint32(40 + i * 4, x >>> 0, true);
  });
  for (const [off, bytes] of f.bytes ?? []) b.set(bytes, off);
  return b;
}

/** The nvmet-loop transport (`nvme_loop_ops`). */
export class NvmeLoopTransport implements NvmetFabricsOps {
  readonly type = NVMF_TRTYPE.LOOP;
  readonly name = "loop";
  readonly flags = 0;
  readonly msdbd = 0;
  /** `nvme_loop_ports`. */
  readonly ports: NvmetPort[] = [];
  /** Host controllers by target controller, for `delete_ctrl`. */
  readonly hosts = new Map<NvmetCtrl, LoopHost>();
  constructor(readonly t: Nvmet) {}

  addPort(port: NvmetPort): number {
    this.ports.push(port);
    return 0;
  }
  removePort(port: NvmetPort): void {
    const i = this.ports.indexOf(port);
    if (i >= 0) this.ports.splice(i, 1);
  }
  queueResponse(req: NvmetReq): void {
    req.done?.(req);
  }
  deleteCtrl(ctrl: NvmetCtrl): void {
    const h = this.hosts.get(ctrl);
    if (h) h.teardown();
  }
  /** Models `nvme_loop_find_port`: by traddr, else the first loop port. */
  findPort(traddr?: string): NvmetPort | null {
    for (const p of this.ports) if (traddr === undefined || p.discAddr.traddr === traddr) return p;
    return null;
  }
}

/** Options of {@link LoopHost.connect}. */
export interface LoopConnectOptions {
  readonly subsysnqn: string;
  readonly hostnqn: string;
  readonly hostid?: Uint8Array;
  readonly traddr?: string;
  /** I/O queues to create (default 1). */
  readonly ioQueues?: number;
  /** SQSIZE (0's based) for admin and I/O queues (default 31 and 127). */
  readonly adminSqsize?: number;
  readonly ioSqsize?: number;
  /** Keep-alive timeout in ms (default 5000 for I/O controllers). */
  readonly katoMs?: number;
  /** Skip CC.EN (to test commands before enable). */
  readonly noEnable?: boolean;
}

/** A host controller attached over nvmet-loop. */
export class LoopHost {
  readonly queues: NvmetSq[] = [];
  ctrl: NvmetCtrl | null = null;
  cntlid = -1;
  dead = false;
  private nextCid = 1;

  constructor(
    readonly loop: NvmeLoopTransport,
    readonly port: NvmetPort,
  ) {}

  /** Connects admin and I/O queues and enables the controller; returns the host or the failing completion. */
  static async connect(loop: NvmeLoopTransport, o: LoopConnectOptions): Promise<{ host: LoopHost; failed: Completion | null }> {
    const port = loop.findPort(o.traddr);
    if (!port) throw new NvmetError("EBADSTATE", "no loop port is enabled");
    const h = new LoopHost(loop, port);
    const c = await h.connectQueue(0, o, 0xffff);
    if (c.status) return { host: h, failed: c };
    h.cntlid = Number(c.result & 0xffffn);
    h.ctrl = h.queues[0]!.ctrl;
    if (h.ctrl) loop.hosts.set(h.ctrl, h);
    if (!o.noEnable) {
      const cc = NVME_CC_ENABLE | (6 << NVME_CC_IOSQES_SHIFT) | (4 << NVME_CC_IOCQES_SHIFT);
      const e = await h.propSet(NVME_REG.CC, cc);
      if (e.status) return { host: h, failed: e };
    }
    for (let q = 1; q <= (o.ioQueues ?? 1); q++) {
      const r = await h.connectQueue(q, o, h.cntlid);
      if (r.status) return { host: h, failed: r };
    }
    return { host: h, failed: null };
  }

  /** Sends a Connect on a new queue `qid`. */
  async connectQueue(qid: number, o: LoopConnectOptions, cntlid: number): Promise<Completion> {
    const sq = new NvmetSq();
    bindSq(this.loop.t, sq);
    this.queues[qid] = sq;
    const d = new Uint8Array(CONNECT_DATA.size);
    if (o.hostid) d.set(o.hostid.subarray(0, 16), 0);
    d[CONNECT_DATA.cntlid] = cntlid & 0xff;
    d[CONNECT_DATA.cntlid + 1] = cntlid >> 8;
    const enc = new TextEncoder();
    d.set(enc.encode(o.subsysnqn).subarray(0, 255), CONNECT_DATA.subsysnqn);
    d.set(enc.encode(o.hostnqn).subarray(0, 255), CONNECT_DATA.hostnqn);
    const sqsize = qid === 0 ? (o.adminSqsize ?? 31) : (o.ioSqsize ?? 127);
    const cmd = buildSqe({
      opcode: NVME_FABRICS_COMMAND,
      fctype: NVMF_FCTYPE.CONNECT,
      cdw10: qid << 16,
      cdw11: sqsize,
      cdw12: qid === 0 ? (o.katoMs ?? 5000) : 0,
    });
    return this.submitOn(sq, cmd, d);
  }

  /** Property Set (fabrics). */
  propSet(offset: number, value: number, size8 = false): Promise<Completion> {
    const cmd = buildSqe({ opcode: NVME_FABRICS_COMMAND, fctype: NVMF_FCTYPE.PROPERTY_SET, cdw10: size8 ? 1 : 0, cdw11: offset, cdw12: value });
    return this.submit(0, cmd);
  }

  /** Property Get (fabrics). */
  propGet(offset: number, size8 = false): Promise<Completion> {
    const cmd = buildSqe({ opcode: NVME_FABRICS_COMMAND, fctype: NVMF_FCTYPE.PROPERTY_GET, cdw10: size8 ? 1 : 0, cdw11: offset });
    return this.submit(0, cmd);
  }

  /** Submits a command on queue `qid` with an optional data buffer (host memory). */
  submit(qid: number, cmd: Uint8Array, data?: Uint8Array): Promise<Completion> {
    const sq = this.queues[qid];
    if (!sq) throw new NvmetError("EBADSTATE", `queue ${qid} is not connected`);
    return this.submitOn(sq, cmd, data);
  }

  /** Models `nvme_loop_queue_rq`: init, map the host pages as the SGL, execute. */
  submitOn(sq: NvmetSq, cmd: Uint8Array, data?: Uint8Array): Promise<Completion> {
    const req = new NvmetReq(cmd.slice(0, SQE_SIZE));
    if (req.commandId === 0) req.view.setUint16(2, this.nextCid++ & 0xffff, true);
    req.cmd[1] = req.cmd[1]! | NVME_CMD_SGL_METABUF;
    return new Promise<Completion>((resolve) => {
      req.done = (r) =>
        resolve({ status: (r.cqe.status >> 1) & 0x5fff, more: (r.cqe.status & (1 << 14)) !== 0, result: r.cqe.result, cqe: { ...r.cqe } });
      if (!nvmetReqInit(req, sq, this.loop, this.port)) return;
      if (data && data.length) {
        const sg: SgEntry[] = [{ buf: data, p2p: null }];
        req.sg = sg;
        req.transferLen = data.length;
      }
      req.execute!(req);
    });
  }

  /** Tears the controller down from the target side (`delete_ctrl`). */
  teardown(): void {
    if (this.dead) return;
    this.dead = true;
    if (this.ctrl) this.loop.hosts.delete(this.ctrl);
    for (let q = this.queues.length - 1; q >= 0; q--) {
      const sq = this.queues[q];
      if (sq) nvmetSqDestroy(this.loop.t, sq);
    }
  }

  /** Host-initiated disconnect (`nvme disconnect`). */
  disconnect(): void {
    this.teardown();
  }
}
