/**
 * Stand-in for `@p2pdma/rdma-rw` until it lands: the target RNIC's side of `rdma_rw_ctx`
 * (nvmet's {@link RdmaRwApi}) and the wire to the initiator's RNIC. RDMA READ: the initiator's
 * NIC reads the host buffer from its DRAM, the bytes cross the wire, the target's NIC writes
 * them into the request's pages (a CMB or p2pmem BAR peer to peer, or DRAM); RDMA WRITE is the
 * reverse. Init applies the 6.12 mapping rule (spec 4.3): a P2P page the NIC cannot reach
 * (map type NOT_SUPPORTED) fails with -EREMOTEIO. Wire: 100 Gb/s RoCEv2 at MTU 4096 gives
 * 12.25 GB/s payload (hardware-figures 2.3.2), 1.5 µs one way (2.3.1, half of ib_send_lat at 4 KiB).
 */
import { EINVAL, EREMOTEIO } from "@p2pdma/pci-core";
import type { KernelMode, PciFunction, VirtualClock } from "@p2pdma/pci-core";
import type { RdmaRwApi, SgEntry } from "@p2pdma/nvmet";
import type { HostDma } from "./dma";

/** Wire parameters. */
export const WIRE = { gbps: 12.25, latencyNs: 1500 } as const;

/** A memory region the initiator registered (`ib_reg_mr`): remote key -> bus range. */
export interface RemoteMr {
  readonly addr: bigint;
  readonly length: number;
}

/** The link between two RNICs: per-direction serialization plus propagation delay. */
export class Wire {
  private busy = { toTarget: 0, toHost: 0 };
  bytes = { toTarget: 0, toHost: 0 };
  constructor(readonly clock: VirtualClock) {}

  /** Resolves when `bytes` have crossed in direction `dir`. */
  send(dir: "toTarget" | "toHost", bytes: number): Promise<void> {
    const start = Math.max(this.clock.now, this.busy[dir]);
    this.busy[dir] = start + bytes / WIRE.gbps;
    this.bytes[dir] += bytes;
    const delay = this.busy[dir] - this.clock.now + WIRE.latencyNs;
    return new Promise((resolve) => this.clock.schedule(delay, resolve));
  }
}

/** Options of {@link WireRdmaRw}. */
export interface WireRdmaRwOptions {
  readonly kernel: KernelMode;
  readonly target: HostDma;
  readonly targetNic: PciFunction;
  readonly host: HostDma;
  readonly hostNic: PciFunction;
  readonly wire: Wire;
  readonly mrs: ReadonlyMap<number, RemoteMr>;
  /** Bus address of a P2P entry (null: system memory) and whether the NIC can reach it. */
  readonly p2pAddress: (buf: Uint8Array) => bigint | null;
  readonly nicReaches: (buf: Uint8Array) => boolean;
}

/** nvmet's RDMA seam over the fabric and the wire. */
export class WireRdmaRw implements RdmaRwApi {
  constructor(readonly o: WireRdmaRwOptions) {}

  private addr(buf: Uint8Array): bigint {
    return this.o.p2pAddress(buf) ?? this.o.target.addressOf(buf);
  }

  rwCtxInit(sgl: readonly SgEntry[], _remoteAddr: bigint, _rkey: number, _toHost: boolean): number {
    for (const e of sgl) if (e.p2p && !this.o.nicReaches(e.buf)) return -EREMOTEIO;
    return sgl.length;
  }

  async rwCtxPost(sgl: readonly SgEntry[], remoteAddr: bigint, rkey: number, toHost: boolean): Promise<number> {
    const mr = this.o.mrs.get(rkey);
    let total = 0;
    for (const e of sgl) total += e.buf.length;
    if (!mr || remoteAddr < mr.addr || remoteAddr + BigInt(total) > mr.addr + BigInt(mr.length)) return -EINVAL;
    let off = remoteAddr;
    for (const e of sgl) {
      const n = e.buf.length;
      if (toHost) {
        const data = await this.o.target.read(this.o.targetNic, this.addr(e.buf), n);
        await this.o.wire.send("toHost", n);
        await this.o.host.write(this.o.hostNic, off, data);
      } else {
        const data = await this.o.host.read(this.o.hostNic, off, n);
        await this.o.wire.send("toTarget", n);
        await this.o.target.write(this.o.targetNic, this.addr(e.buf), data);
        e.buf.set(data);
      }
      off += BigInt(n);
    }
    return 0;
  }
}
