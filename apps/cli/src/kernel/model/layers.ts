/**
 * What the model runner needs from the layers above pci-core and p2pdma, as one seam: the
 * nvme-pci host driver (probe of each QEMU NVMe controller: `nvme_map_cmb`, the SQ in the CMB,
 * the `nvmeN` class device with `cmb`/`cmbloc`/`cmbsz`, the namespaces' disks), the block layer
 * (loop devices, O_DIRECT bios with `BLK_FEAT_PCI_P2PDMA` and `dma_map_sgtable`), and nvmet's
 * P2P adapter over `@p2pdma/p2pdma`. A layer that has not landed is named in
 * {@link ModelLayers.missing}; the runner then records the steps that need it as gaps (never
 * as agreeing).
 */
import type { PciFunction, PciSystem } from "@p2pdma/pci-core";
import type { P2pdma } from "@p2pdma/p2pdma";
import type { UserMapping } from "@p2pdma/p2pdma";
import type { UserBuffer } from "@p2pdma/block";
import type { BlockDevice, P2pDmaApi } from "@p2pdma/nvmet";
import { P2pdmaAdapter } from "@p2pdma/nvmet";
import type { NvmeMachine } from "@p2pdma/nvme-pci";
import { attachNvme } from "@p2pdma/nvme-pci";
import { DiskRegistry } from "@p2pdma/block";
import type { QemuNvme } from "../machine";
import type { DiskHost } from "./block-device";
import { modelDisk } from "./block-device";
import { loopDisk } from "./loop";

/** A block device the model can open by path, with the direct-I/O entry the p2pio step uses. */
export interface ModelDisk extends BlockDevice {
  /** `/dev/nvme0n1`, `/dev/loop0`. */
  readonly path: string;
  /**
   * An O_DIRECT `pwrite`/`pread` of `length` bytes at byte `offset` from a user buffer that is
   * the `p2pmem/allocate` mapping `mapping` of `provider` (GUP with FOLL_PCI_P2PDMA, bio, DMA
   * mapping): the byte count or a negative errno (`-EREMOTEIO`); log lines go to the system log.
   */
  directIo(op: "read" | "write", offset: number, length: number, provider: PciFunction, mapping: UserMapping): Promise<number>;
  /** The process's CPU view of that mapping (loads and stores), where the disk can give it. */
  cpuBuffer?(provider: PciFunction, mapping: UserMapping): UserBuffer;
}

/** One NVMe controller the host driver probed. */
export interface ModelNvmeController {
  /** The controller's name (`nvme3`). */
  readonly name: string;
  readonly pdev: PciFunction;
  /** Its namespaces' disks by NSID. */
  readonly namespaces: ReadonlyMap<number, ModelDisk>;
}

/** The machine the layers work on. */
export interface ModelMachine {
  readonly system: PciSystem;
  readonly p2p: P2pdma;
}

/** The seam. */
export interface ModelLayers {
  /** Layers not available yet, each with the reason (empty when all are there). */
  readonly missing: readonly string[];
  /** nvme-pci: probes the controller QEMU would build for `nvme` on `pdev` (its `attach`). */
  attachNvme?(m: ModelMachine, pdev: PciFunction, nvme: QemuNvme): ModelNvmeController;
  /** nvmet's P2P adapter (`P2pDmaApi` over `@p2pdma/p2pdma`). */
  nvmetP2p?(m: ModelMachine): P2pDmaApi;
  /** block: `losetup DEV FILE` over a model file of `size` bytes; the disk, or a negative errno. */
  loopDevice?(m: ModelMachine, dev: string, size: number): ModelDisk | number;
}

/**
 * nvmet's P2P adapter as the kernel logs: `@p2pdma/p2pdma` already appends what
 * `pci_p2pdma_enable_store` / `pci_p2pdma_distance_many` print to the machine's log and also
 * returns those lines, and nvmet appends the returned lines again; the kernel prints them once.
 */
/** One machine's nvme-pci bring-up (every controller at once, as `attachNvme` does) and nvmet adapter. */
interface Host extends DiskHost {
  readonly nvme: NvmeMachine;
  nvmetAdapter: P2pdmaAdapter | null;
}

const HOSTS = new WeakMap<PciSystem, Host>();

/** The machine's nvme-pci layer: `attachNvme` registers the driver, which probes every QEMU NVMe function in bus order. */
function hostOf(m: ModelMachine): Host {
  let h = HOSTS.get(m.system);
  if (!h) {
    const nvme = attachNvme(m.system, { kernel: "6.12" });
    const host: Host = {
      nvme,
      fabric: nvme.fabric,
      mem: nvme.mem,
      p2p: nvme.p2p,
      nvmetAdapter: null,
      adapter: () => host.nvmetAdapter,
    };
    h = host;
    HOSTS.set(m.system, h);
  }
  return h;
}

/**
 * The layers over the real packages: `@p2pdma/nvme-pci` `attachNvme` (the driver probes all of
 * the machine's controllers on the first call; each call returns one), `@p2pdma/block` gendisks
 * and `directIo` (block-device.ts, loop.ts), and `@p2pdma/nvmet`'s `P2pdmaAdapter`.
 */
export function defaultLayers(): ModelLayers {
  return {
    missing: [],
    attachNvme(m, pdev): ModelNvmeController {
      const h = hostOf(m);
      const ctrl = h.nvme.driver.controllers.get(pdev);
      if (!ctrl) throw new Error(`model: the nvme driver did not bind ${pdev.name}`);
      const namespaces = new Map<number, ModelDisk>();
      for (const ns of ctrl.namespaces) namespaces.set(ns.nsid, modelDisk(`/dev/${ns.disk.diskName}`, ns.disk, h));
      return { name: ctrl.name, pdev, namespaces };
    },
    nvmetP2p(m): P2pDmaApi {
      const h = hostOf(m);
      h.nvmetAdapter ??= new P2pdmaAdapter({ system: m.system, kernel: "6.12" });
      return h.nvmetAdapter;
    },
    loopDevice(m, dev, size): ModelDisk | number {
      const h = hostOf(m);
      const name = dev.replace(/^\/dev\//, "");
      if (!/^loop\d+$/.test(name)) return -2;
      if (DiskRegistry.of(m.system).get(name)) return -16;
      const disk = loopDisk(name, size, { mode: "6.12", mem: h.mem, registryOwner: m.system, log: (l) => m.system.log.append(l) });
      return modelDisk(dev, disk, h);
    },
  };
}
