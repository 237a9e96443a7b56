/**
 * What the host driver runs on: the machine's Fabric (CPU MMIO and the DMA everyone shares),
 * virtual clock, system RAM, P2PDMA state, interrupt lines, kernel mode and module parameters.
 */
import type { Fabric, KernelMode, PciSystem, VirtualClock } from "@p2pdma/pci-core";
import type { HostMemory } from "@p2pdma/block";
import type { P2pdma } from "@p2pdma/p2pdma";
import type { IrqDomain } from "./irq";
import type { NvmeQuirkEntry } from "./quirks";

/** Module parameters of nvme / nvme-core that the model honours. */
export interface NvmeParams {
  /** `use_cmb_sqes` (default true). */
  readonly useCmbSqes: boolean;
  /** `io_queue_depth` (default 1024). */
  readonly ioQueueDepth: number;
  /** I/O queues asked for (`num_possible_cpus()` + write/poll queues; default 1 as on a 1-CPU guest). */
  readonly nrIoQueues: number;
  /** `memremap_compat_align()` (2 MiB on x86-64): 6.12.117 ignores CMBs not aligned to it. */
  readonly memremapCompatAlign: bigint;
}

export const DEFAULT_NVME_PARAMS: NvmeParams = { useCmbSqes: true, ioQueueDepth: 1024, nrIoQueues: 1, memremapCompatAlign: 2n << 20n };

export interface NvmeEnv {
  readonly system: PciSystem;
  readonly fabric: Fabric;
  readonly clock: VirtualClock;
  readonly mem: HostMemory;
  readonly p2p: P2pdma;
  readonly irq: IrqDomain;
  readonly mode: KernelMode;
  readonly params: NvmeParams;
  readonly quirkTable?: readonly NvmeQuirkEntry[];
}

/** Misuse of the driver API or a broken environment. */
export class NvmeDriverError extends Error {
  constructor(
    message: string,
    readonly code: "ENVME_ARG" | "ENVME_STATE" = "ENVME_ARG",
  ) {
    super(message);
    this.name = "NvmeDriverError";
  }
}
