/**
 * Composition helper: a target with its configfs tree and the transports registered as the
 * modules would be (loop, rdma; tcp and fc held as configuration only).
 */
import { EINVAL, VirtualClock, mulberry32 } from "@p2pdma/pci-core";
import type { KernelMode, KernelLog } from "@p2pdma/pci-core";
import type { NvmetVfs } from "./backend";
import { NvmetConfigfs } from "./configfs";
import { Nvmet } from "./core";
import type { NvmetQuirks } from "./core";
import { NvmeLoopTransport } from "./loop";
import type { NvmetCtrl, NvmetFabricsOps, NvmetPort, NvmetReq } from "./nvmet";
import type { P2pDmaApi } from "./p2p";
import { NvmetRdmaTransport } from "./rdma";
import { NVMF_TRTYPE } from "./spec/nvme";

/** Options of {@link createTarget}. */
export interface TargetOptions {
  readonly vfs: NvmetVfs;
  readonly p2p?: P2pDmaApi | null;
  readonly kernel?: KernelMode;
  readonly seed?: number;
  readonly clock?: VirtualClock;
  readonly log?: KernelLog;
  readonly quirks?: NvmetQuirks;
}

/** A target, its configfs and transports. */
export interface Target {
  readonly nvmet: Nvmet;
  readonly configfs: NvmetConfigfs;
  readonly loop: NvmeLoopTransport;
  readonly rdma: NvmetRdmaTransport;
}

/** A transport that accepts ports but carries no traffic (nvmet-tcp, nvmet-fc held as configuration). */
function configOnly(type: number, name: string, inline: number): NvmetFabricsOps {
  return {
    type, name, flags: 0, msdbd: 0,
    addPort: (port: NvmetPort) => {
      if (port.inlineDataSize < 0 && inline) port.inlineDataSize = inline;
      return 0;
    },
    removePort: () => undefined,
    queueResponse: (_req: NvmetReq) => undefined,
    deleteCtrl: (_ctrl: NvmetCtrl) => undefined,
  };
}

/** Builds a target with loop, rdma, tcp and fc registered. */
export function createTarget(o: TargetOptions): Target {
  const nvmet = new Nvmet({
    vfs: o.vfs,
    p2p: o.p2p ?? null,
    clock: o.clock ?? new VirtualClock(),
    random: mulberry32(o.seed ?? 1),
    ...(o.kernel ? { kernel: o.kernel } : {}),
    ...(o.log ? { log: o.log } : {}),
    ...(o.quirks ? { quirks: o.quirks } : {}),
  });
  const loop = new NvmeLoopTransport(nvmet);
  const rdma = new NvmetRdmaTransport(nvmet);
  for (const tr of [loop, rdma, configOnly(NVMF_TRTYPE.TCP, "tcp", 16384), configOnly(NVMF_TRTYPE.FC, "fc", 0)]) {
    if (nvmet.registerTransport(tr) === -EINVAL) throw new Error("duplicate transport");
  }
  return { nvmet, configfs: new NvmetConfigfs(nvmet), loop, rdma };
}
