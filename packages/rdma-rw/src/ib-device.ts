/**
 * `struct ib_device`: a registered RDMA device. A hardware device (mlx5) hangs below its NIC's
 * PCI function, which is also its DMA device (`ib_device->dma_device`); a software device (rxe,
 * siw) uses virtual DMA: in 4.20 `dma_virt_ops` on its own device, from 5.11 no DMA device at
 * all (`ib_uses_virt_dma`). Either way its "DMA addresses" are then kernel virtual addresses and
 * its data moves by CPU copies.
 */
import type { KernelMode } from "@p2pdma/pci-core";
import type { DmaDevice, ScatterEntry } from "@p2pdma/p2pdma";
import type { DmaEngine } from "./hw/dma-engine";
import type { Rnic } from "./hw/rnic";
import type { Wire } from "./hw/wire";
import type { Host } from "./host";
import type { Mr } from "./mr";
import type { Qp } from "./qp";
import type { RdmaProtocol } from "./spec/verbs";
import { KDevice } from "@p2pdma/pci-core";
import { CpuCopyEngine } from "./hw/dma-engine";
import { RdmaError } from "./errors";

/** `struct ib_device_attr`, the fields this model reads. */
export interface IbDeviceAttrs {
  readonly maxQpWr: number;
  readonly maxSge: number;
  /** Max SGEs of an RDMA READ WR. */
  readonly maxSgeRd: number;
  /** 5.x+: SGE count above which an RDMA READ is better done through an MR (0 = no hint). */
  readonly maxSglRd: number;
  readonly maxFastRegPageListLen: number;
  readonly maxCqe: number;
  readonly maxMr: number;
}

/** ConnectX-5-like defaults (mlx5 reports 30 SGEs, 2^15 WRs, 2^22 CQEs). */
export const DEFAULT_HW_ATTRS: IbDeviceAttrs = {
  maxQpWr: 32768,
  maxSge: 30,
  maxSgeRd: 30,
  maxSglRd: 0,
  maxFastRegPageListLen: 512,
  maxCqe: 4194303,
  maxMr: 1 << 24,
};

/** rxe-like defaults. */
export const DEFAULT_SOFT_ATTRS: IbDeviceAttrs = {
  maxQpWr: 16384,
  maxSge: 32,
  maxSgeRd: 32,
  maxSglRd: 0,
  maxFastRegPageListLen: 512,
  maxCqe: 32767,
  maxMr: 1 << 18,
};

export interface IbDeviceOptions {
  /** `dev_name()`: `mlx5_0`, `rxe0`, `siw0`, ... */
  readonly name: string;
  /** Kernel semantics (default: the host's). */
  readonly kernel?: KernelMode;
  /** Port 1's transport (default "roce" for hardware, "roce" for rxe; "iwarp" for siw-like). */
  readonly protocol?: RdmaProtocol;
  readonly attrs?: Partial<IbDeviceAttrs>;
  /** rdma core's `force_mr` module parameter on this host (default false). */
  readonly rwForceMr?: boolean;
  /** DMA ops of a hardware device (default "direct"; "iommu" behaves alike for P2P support). */
  readonly dmaOps?: "direct" | "iommu";
}

export interface SoftIbDeviceOptions extends IbDeviceOptions {
  /** The device's parent (e.g. the netdev's PCI function for rxe over a NIC), default none. */
  readonly parent?: KDevice | null;
}

/** One DMA-API call the device saw (for tests and traces). */
export interface DmaTraceEvent {
  readonly op: "ib_dma_map_sg" | "ib_dma_unmap_sg" | "pci_p2pdma_map_sg" | "ib_dma_map_sgtable";
  readonly nents: number;
  /** Whether the list's first page is a P2P page. */
  readonly p2p: boolean;
  readonly ret: number;
}

/** An asynchronous event (`ib_event`) raised on a QP or CQ. */
export interface AsyncEvent {
  readonly event: "IB_EVENT_QP_FATAL" | "IB_EVENT_QP_ACCESS_ERR" | "IB_EVENT_QP_REQ_ERR" | "IB_EVENT_CQ_ERR" | "IB_EVENT_SQ_DRAINED";
  readonly qpNum: number | null;
  readonly at: number;
}

export class IbDevice extends KDevice {
  readonly kernel: KernelMode;
  readonly protocol: RdmaProtocol;
  readonly attrs: IbDeviceAttrs;
  readonly rwForceMr: boolean;
  /** The hardware, or null for a software device. */
  readonly rnic: Rnic | null;
  readonly engine: DmaEngine;
  readonly dmaOps: "direct" | "iommu" | "virt";
  /** `pd->local_dma_lkey`: the reserved lkey covering every DMA address. */
  readonly localDmaLkey = 0x100;
  /** The wire plugged into port 1, if any. */
  wire: Wire | null = null;
  readonly qps = new Map<number, Qp>();
  readonly mrs = new Map<number, Mr>();
  /** Entries currently DMA mapped for this device and how ("dma" or "p2p"). */
  readonly dmaMapped = new Map<ScatterEntry, "dma" | "p2p">();
  readonly dmaTrace: DmaTraceEvent[] = [];
  readonly asyncEvents: AsyncEvent[] = [];
  private nextQpn = 0x40;
  private nextMrIndex = 2;

  private constructor(
    readonly host: Host,
    o: IbDeviceOptions,
    parent: KDevice | null,
    rnic: Rnic | null,
  ) {
    super(o.name, parent);
    this.kernel = o.kernel ?? host.kernel;
    this.protocol = o.protocol ?? "roce";
    this.attrs = { ...(rnic ? DEFAULT_HW_ATTRS : DEFAULT_SOFT_ATTRS), ...o.attrs };
    this.rwForceMr = o.rwForceMr ?? false;
    this.rnic = rnic;
    this.engine = rnic ? rnic.dma : new CpuCopyEngine(host.fabric);
    this.dmaOps = rnic ? (o.dmaOps ?? "direct") : "virt";
  }

  /** Models `ib_register_device` of a PCI RDMA driver (mlx5): parent and DMA device = the function. */
  static hardware(host: Host, rnic: Rnic, o: IbDeviceOptions): IbDevice {
    if (rnic.fabric !== host.fabric) throw new RdmaError(`${o.name}: the NIC is not on ${host.name}'s fabric`, "ERDMA_TOPOLOGY");
    return new IbDevice(host, o, rnic.fn, rnic);
  }

  /** Models `ib_register_device` of a software RDMA driver (rxe, siw): virtual DMA. */
  static software(host: Host, o: SoftIbDeviceOptions): IbDevice {
    return new IbDevice(host, o, o.parent ?? null, null);
  }

  /**
   * `ib_device->dma_device`: the NIC's PCI function; for a software device its own device in
   * 4.20 (with `dma_virt_ops`) and none from 5.11 on.
   */
  get dmaDevice(): KDevice | null {
    if (this.rnic) return this.rnic.fn;
    return this.kernel === "4.20" ? this : null;
  }

  /** The device as p2pdma's DMA-API functions take it. */
  get dmaDeviceDesc(): DmaDevice {
    return { dev: this.dmaDevice ?? this, ops: this.dmaOps };
  }

  /** The device at the far end of port 1's wire. */
  get peer(): IbDevice | null {
    const p = this.wire?.peer(this);
    return p instanceof IbDevice ? p : null;
  }

  allocQpn(): number {
    return this.nextQpn++;
  }

  allocMrIndex(): number {
    return this.nextMrIndex++;
  }

  /** The MR whose current lkey is `lkey` (index in bits 31..8), if any. */
  mrByLkey(lkey: number): Mr | null {
    const mr = this.mrs.get(lkey >>> 8);
    return mr && mr.lkey === lkey ? mr : null;
  }

  /** The MR whose current rkey is `rkey`, if any. */
  mrByRkey(rkey: number): Mr | null {
    const mr = this.mrs.get(rkey >>> 8);
    return mr && mr.rkey === rkey ? mr : null;
  }

  raise(event: AsyncEvent["event"], qpNum: number | null): void {
    this.asyncEvents.push({ event, qpNum, at: this.host.clock.now });
  }
}

/** Plugs two devices' port 1 into `wire`. */
export function connectPorts(wire: Wire, a: IbDevice, b: IbDevice): void {
  if (a.wire || b.wire) throw new RdmaError("port 1 already has a wire", "ERDMA_STATE");
  wire.connect(a, b);
  a.wire = wire;
  b.wire = wire;
}
