/**
 * nvme-fabrics on the host: Fabrics Connect of the admin queue (connect data by keyed SGL), CC.EN
 * by Property Set, Connect of each I/O queue (connect data in-capsule), and the discovery log page
 * (NVMe-oF 1.1 §5.3) read from the discovery controller.
 */
import { buildSqe, nvmeSpec } from "@p2pdma/nvmet";
import type { HostCompletion, QueueWiring } from "./queue";
import { HostRdmaQueue } from "./queue";

const { CONNECT_DATA, DISC_LOG, NVME_ADMIN, NVME_CC_ENABLE, NVME_CC_IOCQES_SHIFT, NVME_CC_IOSQES_SHIFT, NVME_FABRICS_COMMAND, NVME_LOG, NVME_REG, NVMF_FCTYPE } = nvmeSpec;

/** The NQN of the well-known discovery subsystem. */
export const DISCOVERY_NQN = "nqn.2014-08.org.nvmexpress.discovery";

/** A connected host controller. */
export interface HostController {
  readonly cntlid: number;
  readonly admin: HostRdmaQueue;
  readonly io: readonly HostRdmaQueue[];
}

/** A controller the host could not connect, with the failing completion. */
export class ConnectError extends Error {
  readonly code = "ECONNECT";
  constructor(what: string, readonly completion: HostCompletion) {
    super(`${what} failed with NVMe status 0x${completion.status.toString(16)}`);
  }
}

async function connectQueue(q: HostRdmaQueue, subsysnqn: string, hostnqn: string, cntlid: number, sqsize: number, buf: bigint): Promise<HostCompletion> {
  const d = new Uint8Array(CONNECT_DATA.size);
  d[CONNECT_DATA.cntlid] = cntlid & 0xff;
  d[CONNECT_DATA.cntlid + 1] = cntlid >> 8;
  const enc = new TextEncoder();
  d.set(enc.encode(subsysnqn).subarray(0, 255), CONNECT_DATA.subsysnqn);
  d.set(enc.encode(hostnqn).subarray(0, 255), CONNECT_DATA.hostnqn);
  q.w.host.dma.cpuWrite(buf, d);
  const sqe = buildSqe({ opcode: NVME_FABRICS_COMMAND, fctype: NVMF_FCTYPE.CONNECT, cdw10: q.qid << 16, cdw11: sqsize, cdw12: q.qid === 0 ? 5000 : 0 });
  // In-capsule: nvmet-rdma here only RDMA-READs keyed data for Write commands (see report).
  return q.submit(sqe, { addr: buf, length: d.length, toController: true }, true);
}

/** Connects admin + `ioQueues` I/O queues to `subsysnqn` and enables the controller. */
export async function connectController(
  w: QueueWiring,
  o: { readonly subsysnqn: string; readonly hostnqn: string; readonly ioQueues: number; readonly ioRange: { addr: bigint; length: number }; readonly scratch: bigint },
): Promise<HostController> {
  const admin = new HostRdmaQueue(0, w, o.ioRange);
  const c = await connectQueue(admin, o.subsysnqn, o.hostnqn, 0xffff, 31, o.scratch);
  if (c.status) throw new ConnectError("admin Connect", c);
  const cntlid = Number(c.result & 0xffffn);
  const cc = NVME_CC_ENABLE | (6 << NVME_CC_IOSQES_SHIFT) | (4 << NVME_CC_IOCQES_SHIFT);
  const e = await admin.submit(buildSqe({ opcode: NVME_FABRICS_COMMAND, fctype: NVMF_FCTYPE.PROPERTY_SET, cdw10: 0, cdw11: NVME_REG.CC, cdw12: cc }));
  if (e.status) throw new ConnectError("Property Set CC.EN", e);
  const io: HostRdmaQueue[] = [];
  for (let qid = 1; qid <= o.ioQueues; qid++) {
    const q = new HostRdmaQueue(qid, w, o.ioRange);
    const r = await connectQueue(q, o.subsysnqn, o.hostnqn, cntlid, 127, o.scratch);
    if (r.status) throw new ConnectError(`I/O queue ${qid} Connect`, r);
    io.push(q);
  }
  return { cntlid, admin, io };
}

/** One discovery log page entry. */
export interface DiscoveryEntry {
  readonly trtype: number;
  readonly subnqn: string;
  readonly traddr: string;
  readonly trsvcid: string;
}

function text(b: Uint8Array, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const end = s.indexOf(0);
  return new TextDecoder().decode(end >= 0 ? s.subarray(0, end) : s).trim();
}

/** Connects to the discovery controller and reads its log page (`nvme discover`). */
export async function discover(w: QueueWiring, o: { readonly hostnqn: string; readonly ioRange: { addr: bigint; length: number }; readonly scratch: bigint }): Promise<DiscoveryEntry[]> {
  const ctrl = await connectController(w, { subsysnqn: DISCOVERY_NQN, hostnqn: o.hostnqn, ioQueues: 0, ioRange: o.ioRange, scratch: o.scratch });
  const len = 4096;
  const numd = len / 4 - 1;
  const r = await ctrl.admin.submit(buildSqe({ opcode: NVME_ADMIN.GET_LOG_PAGE, cdw10: NVME_LOG.DISC | ((numd & 0xffff) << 16) }), { addr: o.scratch, length: len, toController: false });
  if (r.status) throw new ConnectError("Get Log Page (discovery)", r);
  const page = w.host.dma.cpuRead(o.scratch, len);
  const numrec = Number(new DataView(page.buffer, page.byteOffset).getBigUint64(DISC_LOG.numrec, true));
  const out: DiscoveryEntry[] = [];
  for (let i = 0; i < numrec && DISC_LOG.headerSize + (i + 1) * DISC_LOG.entrySize <= len; i++) {
    const base = DISC_LOG.headerSize + i * DISC_LOG.entrySize;
    out.push({
      trtype: page[base + DISC_LOG.e.trtype] ?? 0,
      subnqn: text(page, base + DISC_LOG.e.subnqn, 256),
      traddr: text(page, base + DISC_LOG.e.traddr, 256),
      trsvcid: text(page, base + DISC_LOG.e.trsvcid, 32),
    });
  }
  return out;
}
