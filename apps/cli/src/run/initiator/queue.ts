/**
 * nvme-rdma's host queue (drivers/nvme/host/rdma.c reduced to what crosses the wire): a command
 * capsule (SQE + in-capsule data) is SENT to the target's queue, data beyond the in-capsule
 * limit travels as a keyed SGL data block descriptor (address, 24-bit length, rkey) that the
 * target serves with RDMA READ/WRITE, and the response capsule comes back. In-capsule data is
 * used only on I/O queues for writes within the port's inline size, as `nvme_rdma_map_data`.
 */
import { NvmetRdmaQueue, nvmeSpec } from "@p2pdma/nvmet";
import type { NvmetPort, NvmetRdmaTransport, RdmaRwApi } from "@p2pdma/nvmet";
import type { PciFunction } from "@p2pdma/pci-core";
import type { HostDma } from "../dma";
import type { Wire } from "../rdma-wire";
import type { InitiatorHost } from "./host";

const { SQE, SQE_SIZE, NVME_CMD_SGL_METABUF, NVME_KEY_SGL_FMT_DATA_DESC, NVME_SGL_FMT_ADDRESS, NVME_SGL_FMT_DATA_DESC, NVME_SGL_FMT_OFFSET } = nvmeSpec;
/** An NVMe response capsule is 16 bytes. */
const CQE_SIZE = 16;

/** A completion as the host sees it. */
export interface HostCompletion {
  readonly status: number;
  readonly result: bigint;
}

/** Data of a command: a host buffer and its direction. */
export interface HostData {
  readonly addr: bigint;
  readonly length: number;
  readonly toController: boolean;
}

/** What a queue needs from both ends. */
export interface QueueWiring {
  readonly host: InitiatorHost;
  readonly transport: NvmetRdmaTransport;
  readonly port: NvmetPort;
  readonly rw: RdmaRwApi;
  readonly targetDma: HostDma;
  readonly targetNic: PciFunction;
  readonly wire: Wire;
  readonly p2pDmaSupported: boolean;
}

/** One host queue (`struct nvme_rdma_queue`) bound to its target queue. */
export class HostRdmaQueue {
  readonly target: NvmetRdmaQueue;
  private cid = 1;
  private readonly mr: number;

  constructor(
    readonly qid: number,
    readonly w: QueueWiring,
    /** The host's I/O memory all data buffers live in (one registration, as a real host's MR pool). */
    readonly ioRange: { readonly addr: bigint; readonly length: number },
  ) {
    this.target = new NvmetRdmaQueue(w.transport, w.port, { dev: w.targetNic, p2pDmaSupported: w.p2pDmaSupported }, w.rw);
    this.mr = w.host.registerMr(ioRange.addr, ioRange.length);
  }

  /** Sends `sqe` (64 bytes) with optional data and resolves with the response capsule. */
  async submit(sqe: Uint8Array, data?: HostData, forceInline = false): Promise<HostCompletion> {
    const cmd = sqe.slice(0, SQE_SIZE);
    const v = new DataView(cmd.buffer);
    v.setUint16(SQE.commandId, this.cid++ & 0xffff || 1, true);
    cmd[SQE.flags] = (cmd[SQE.flags] ?? 0) | NVME_CMD_SGL_METABUF;
    let inline: Uint8Array | null = null;
    const d = SQE.dptr;
    if (data && data.length > 0) {
      const useInline = (forceInline || this.qid > 0) && data.toController && data.length <= this.w.port.inlineDataSize;
      if (useInline) {
        inline = this.w.host.dma.cpuRead(data.addr, data.length);
        v.setBigUint64(d, 0n, true);
        v.setUint32(d + 8, data.length, true);
        cmd[d + 15] = (NVME_SGL_FMT_DATA_DESC << 4) | NVME_SGL_FMT_OFFSET;
      } else {
        v.setBigUint64(d, data.addr, true);
        cmd[d + 8] = data.length & 0xff;
        cmd[d + 9] = (data.length >> 8) & 0xff;
        cmd[d + 10] = (data.length >> 16) & 0xff;
        v.setUint32(d + 11, this.mr, true);
        cmd[d + 15] = (NVME_KEY_SGL_FMT_DATA_DESC << 4) | NVME_SGL_FMT_ADDRESS;
      }
    } else {
      cmd[d + 15] = (NVME_KEY_SGL_FMT_DATA_DESC << 4) | NVME_SGL_FMT_ADDRESS;
    }
    const capsule = new Uint8Array(SQE_SIZE + (inline?.length ?? 0));
    capsule.set(cmd, 0);
    if (inline) {
      capsule.set(inline, SQE_SIZE);
      // The target NIC writes in-capsule data into a receive buffer in DRAM (never P2P).
      await this.w.wire.send("toTarget", SQE_SIZE + inline.length);
      const recv = new Uint8Array(inline.length);
      await this.w.targetDma.write(this.w.targetNic, this.w.targetDma.addressOf(recv), inline);
    } else await this.w.wire.send("toTarget", SQE_SIZE);
    const c = await this.target.handleCommand(capsule);
    await this.w.wire.send("toHost", CQE_SIZE);
    return { status: c.status, result: c.result };
  }
}
