/**
 * The target host: a machine from a topology, its fabric and DRAM, the memory of every P2P
 * provider's BAR on the fabric, providers registered as their drivers would (p2pmem_pci,
 * nvme_map_cmb), one block device per NVMe function (`/dev/nvme<i>n1` in enumeration order, as
 * Linux names them), and nvmet with the P2P core adapter.
 */
import { DeviceRegistry, createTarget } from "@p2pdma/nvmet";
import type { Target } from "@p2pdma/nvmet";
import { SparseMemory, loadTopologyFile, parseSizeText, readSample } from "@p2pdma/pci-core";
import type { KernelMode, PciFunction, PciSystem, VirtualClock } from "@p2pdma/pci-core";
import { provisionFromModels } from "@p2pdma/p2pdma";
import { P2pdmaAdapter } from "../nvmet-adapters";
import { HostDma } from "../dma";
import { SsdBlockDevice } from "./ssd";

/** A built target host. */
export interface TargetHost {
  readonly system: PciSystem;
  readonly dma: HostDma;
  readonly p2p: P2pdmaAdapter;
  readonly target: Target;
  readonly nic: PciFunction;
  readonly ssds: ReadonlyMap<string, SsdBlockDevice>;
}

function modelSize(v: unknown, dflt: bigint): bigint {
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "string") return parseSizeText(v) ?? dflt;
  return dflt;
}

/** Builds the target host from topology text (`reference` = the bundled seed system). */
export function buildTargetHost(o: { topologyText: string; source: string; kernel: KernelMode; seed: number; clock: VirtualClock }): TargetHost {
  const built = loadTopologyFile(o.topologyText, o.source, { kernel: o.kernel });
  const system = built.system;
  const dma = new HostDma("target", system, o.clock);
  let nic: PciFunction | null = null;
  const nvmes: PciFunction[] = [];
  for (const dev of system.devices) {
    const m = dev.model;
    if (!m) continue;
    if (m.kind === "rnic" && !nic) nic = dev;
    if (m.kind === "nvme") nvmes.push(dev);
    const cmb = m.kind === "nvme" && typeof m["cmb"] === "object" && m["cmb"] !== null ? (m["cmb"] as Record<string, unknown>) : null;
    const bar = m.kind === "p2pmem" ? (typeof m["bar"] === "number" ? m["bar"] : 4) : cmb ? (typeof cmb["bar"] === "number" ? cmb["bar"] : 2) : null;
    if (bar !== null) {
      const res = dev.resources[bar];
      if (res) dma.fabric.attachBar(dev, bar, new SparseMemory(res.end - res.start + 1n));
    }
  }
  if (!nic) throw new Error(`${o.source}: no function with model kind rnic (the target's RDMA NIC)`);
  provisionFromModels(system, { kernel: o.kernel });
  const p2p = new P2pdmaAdapter({ system, kernel: o.kernel, seed: o.seed });
  const reg = new DeviceRegistry({ nodeFiles: false });
  const ssds = new Map<string, SsdBlockDevice>();
  nvmes.forEach((fn, i) => {
    const nss = Array.isArray(fn.model?.["namespaces"]) ? (fn.model["namespaces"] as Record<string, unknown>[]) : [];
    const cap = modelSize(nss[0]?.["size"], 1n << 40n);
    const path = `/dev/nvme${i}n1`;
    const ssd = new SsdBlockDevice({ fn, index: i, capacityBytes: Number(cap), dma, p2pAddress: (b) => p2p.busAddressOf(b) });
    ssds.set(path, ssd);
    reg.addBlockDevice(path, () => ssd);
  });
  const target = createTarget({ vfs: reg, p2p, kernel: o.kernel, seed: o.seed, clock: o.clock, log: system.log });
  return { system, dma, p2p, target, nic, ssds };
}

/** The bundled reference topology text. */
export function referenceTopology(): string {
  const t = readSample("reference");
  if (t === null) throw new Error("the bundled reference topology is missing");
  return t;
}
