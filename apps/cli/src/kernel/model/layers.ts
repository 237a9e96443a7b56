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
import type { BlockDevice, P2pDmaApi } from "@p2pdma/nvmet";
import type { QemuNvme } from "../machine";

/** A block device the model can open by path, with the direct-I/O entry the p2pio step uses. */
export interface ModelDisk extends BlockDevice {
  /** `/dev/nvme0n1`, `/dev/loop0`. */
  readonly path: string;
  /**
   * An O_DIRECT `pwrite`/`pread` of `length` bytes at byte `offset` from a user buffer that is
   * a `p2pmem/allocate` mapping of `provider` (GUP with FOLL_PCI_P2PDMA, bio, DMA mapping):
   * the byte count or a negative errno (`-EREMOTEIO`); log lines go to the system log.
   */
  directIo(op: "read" | "write", offset: number, length: number, provider: PciFunction): Promise<number>;
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
 * The layers as they stand: which of them the runner can use. Today `@p2pdma/nvme-pci` exports
 * only its device model's folder (no host driver `attach`), `@p2pdma/block` exports nothing,
 * and nvmet's P2P adapter (packages/nvmet/src/adapters) has not landed; when they do, their
 * entry points are wired here and the names leave `missing`.
 */
export function defaultLayers(): ModelLayers {
  return {
    missing: [
      "nvme-pci host driver (attach: nvme_map_cmb, SQ in CMB, nvmeN class device, namespaces) not exported by @p2pdma/nvme-pci",
      "block layer (disks, loop devices, O_DIRECT bios with BLK_FEAT_PCI_P2PDMA) not exported by @p2pdma/block",
      "nvmet P2P adapter (P2pDmaApi over @p2pdma/p2pdma) not exported by @p2pdma/nvmet",
    ],
  };
}
