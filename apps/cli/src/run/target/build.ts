/**
 * The target host: a machine from a topology brought up by `@p2pdma/nvme-pci`'s `attachNvme`
 * (its fabric, DRAM and virtual clock; the NVMe controller device models; the nvme driver, which
 * probes them in bus order, registers and publishes their CMBs with `nvme_map_cmb` and adds one
 * gendisk `/dev/nvme<instance>n<nsid>` per namespace), p2pmem cards registered as p2pmem_pci
 * would, and nvmet with the P2P core adapter over those gendisks.
 */
import { DeviceRegistry, createTarget } from "@p2pdma/nvmet";
import type { Target } from "@p2pdma/nvmet";
import { SparseMemory, loadTopologyFile, readSample } from "@p2pdma/pci-core";
import type { KernelMode, PciFunction, PciSystem, VirtualClock } from "@p2pdma/pci-core";
import { attachNvme } from "@p2pdma/nvme-pci";
import type { NvmeMachine } from "@p2pdma/nvme-pci";
import { P2pdmaAdapter } from "../nvmet-adapters";
import { HostDma } from "../dma";
import { GendiskBlockDevice } from "./gendisk";

/** A built target host. */
export interface TargetHost {
  readonly system: PciSystem;
  /** The machine's virtual clock (attachNvme's: the controllers schedule on it). */
  readonly clock: VirtualClock;
  readonly machine: NvmeMachine;
  readonly dma: HostDma;
  readonly p2p: P2pdmaAdapter;
  readonly target: Target;
  readonly nic: PciFunction;
  /** nvmet's block devices by path (`/dev/nvme0n1`, ...). */
  readonly ssds: ReadonlyMap<string, GendiskBlockDevice>;
}

/**
 * Builds the target host from topology text (`reference` = the bundled seed system). `clock` is
 * accepted for callers that made one but not used: the machine runs on attachNvme's clock
 * ({@link TargetHost.clock}).
 */
export function buildTargetHost(o: { topologyText: string; source: string; kernel: KernelMode; seed: number; clock?: VirtualClock }): TargetHost {
  const built = loadTopologyFile(o.topologyText, o.source, { kernel: o.kernel });
  const system = built.system;
  const machine = attachNvme(built, { kernel: o.kernel });
  const dma = new HostDma("target", system, machine.clock, undefined, machine.fabric);
  let nic: PciFunction | null = null;
  for (const dev of system.devices) {
    const m = dev.model;
    if (!m) continue;
    if (m.kind === "rnic" && !nic) nic = dev;
    // p2pmem_pci: the whole memory BAR, registered and published (NVMe CMBs are the driver's).
    if (m.kind === "p2pmem" && !machine.p2p.core.state(dev)) {
      const bar = typeof m["bar"] === "number" ? m["bar"] : 4;
      const res = dev.resources[bar];
      if (!res) continue;
      machine.fabric.attachBar(dev, bar, new SparseMemory(res.end - res.start + 1n));
      if (machine.p2p.addResource(dev, bar, 0, 0, { kernel: o.kernel }) === 0) machine.p2p.publish(dev, true, { kernel: o.kernel });
    }
  }
  if (!nic) throw new Error(`${o.source}: no function with model kind rnic (the target's RDMA NIC)`);
  const p2p = new P2pdmaAdapter({ system, kernel: o.kernel, seed: o.seed });
  const reg = new DeviceRegistry({ nodeFiles: false });
  const ssds = new Map<string, GendiskBlockDevice>();
  for (const ctrl of machine.ctrls()) {
    for (const ns of ctrl.namespaces) {
      const path = `/dev/${ns.disk.diskName}`;
      const bdev = new GendiskBlockDevice(ns.disk, ctrl.pdev, { machine, dma, adapter: p2p });
      ssds.set(path, bdev);
      reg.addBlockDevice(path, () => bdev);
    }
  }
  const target = createTarget({ vfs: reg, p2p, kernel: o.kernel, seed: o.seed, clock: machine.clock, log: system.log });
  return { system, clock: machine.clock, machine, dma, p2p, target, nic, ssds };
}

/** The bundled reference topology text. */
export function referenceTopology(): string {
  const t = readSample("reference");
  if (t === null) throw new Error("the bundled reference topology is missing");
  return t;
}
