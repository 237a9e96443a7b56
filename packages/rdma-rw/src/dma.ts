/**
 * The ib_dma_* wrappers of include/rdma/ib_verbs.h over the DMA API, per kernel mode:
 * - 4.20: `ib_dma_map_sg` is `dma_map_sg` on the DMA device; dma-direct knows nothing of P2P
 *   (every entry gets its CPU physical address), `dma_virt_ops` gives kernel virtual addresses.
 *   `pci_p2pdma_map_sg` is the separate P2P path (p2pdma's model; refuses `dma_virt_ops`).
 * - 6.12: `ib_dma_map_sgtable_attrs` / `ib_dma_map_sg` go to `ib_dma_virt_map_sg` for virtual-DMA
 *   devices, else to the DMA API, which maps P2P segments itself (`pci_p2pdma_map_segment`:
 *   BUS_ADDR, THRU_HOST_BRIDGE, or -EREMOTEIO); `ib_dma_pci_p2p_dma_supported` asks the DMA ops.
 * Every call is recorded in `dev.dmaTrace`; `dev.dmaMapped` holds what is mapped right now.
 */
import type { KernelMode } from "@p2pdma/pci-core";
import type { ScatterEntry } from "@p2pdma/p2pdma";
import type { IbDevice } from "./ib-device";
import type { DmaDirection } from "./spec/verbs";
import { EIO } from "@p2pdma/pci-core";
import { dmaUnmapSg, p2pdmaMapSg, sgPhys, sgVirt } from "@p2pdma/p2pdma";
import { RdmaError } from "./errors";

function checkList(sgl: readonly ScatterEntry[], nents: number): void {
  if (!Number.isInteger(nents) || nents < 0 || nents > sgl.length) {
    throw new RdmaError(`nents ${nents} outside a list of ${sgl.length}`);
  }
}

function firstIsP2p(dev: IbDevice, sgl: readonly ScatterEntry[]): boolean {
  return dev.host.p2p.isP2pdmaPage(sgl[0]?.page);
}

/** Models `ib_uses_virt_dma(dev)` (4.20: the device's ops are `dma_virt_ops`). */
export function ibUsesVirtDma(dev: IbDevice): boolean {
  return dev.dmaOps === "virt";
}

/**
 * Models 6.0+ `ib_dma_pci_p2p_dma_supported(dev)`: false for virtual DMA, else whether the DMA
 * ops declare P2P support (`dma_pci_p2pdma_supported`: dma-direct and dma-iommu do).
 */
export function ibDmaPciP2pDmaSupported(dev: IbDevice): boolean {
  if (ibUsesVirtDma(dev)) return false;
  return dev.dmaOps === "direct" || dev.dmaOps === "iommu";
}

/** Models `ib_dma_virt_map_sg`: every entry's DMA address is its kernel virtual address. */
function virtMapSg(dev: IbDevice, sgl: ScatterEntry[], nents: number): number {
  for (const sg of sgl.slice(0, nents)) {
    sg.dmaAddress = sgVirt(sg);
    sg.dmaLength = sg.length;
    dev.dmaMapped.set(sg, "dma");
  }
  return nents;
}

/** Models `ib_dma_map_sg(dev, sg, nents, dir)`: the mapped count, 0 on failure. */
export function ibDmaMapSg(dev: IbDevice, sgl: ScatterEntry[], nents: number, _dir: DmaDirection, kernel: KernelMode = dev.kernel): number {
  checkList(sgl, nents);
  let ret: number;
  if (ibUsesVirtDma(dev)) {
    ret = virtMapSg(dev, sgl, nents);
  } else if (kernel === "4.20") {
    // dma-direct of 4.20: CPU physical address, no P2P knowledge.
    for (const sg of sgl.slice(0, nents)) {
      sg.dmaAddress = sgPhys(sg);
      sg.dmaLength = sg.length;
      dev.dmaMapped.set(sg, "dma");
    }
    ret = nents;
  } else {
    const list = sgl.slice(0, nents);
    ret = dev.host.p2p.dmaMapSg(dev.dmaDeviceDesc, list, { kernel });
    if (ret > 0) for (const sg of list) dev.dmaMapped.set(sg, sg.busAddress ? "p2p" : "dma");
  }
  dev.dmaTrace.push({ op: "ib_dma_map_sg", nents, p2p: firstIsP2p(dev, sgl), ret });
  return ret;
}

/**
 * Models 6.x `ib_dma_map_sgtable_attrs(dev, sgt, dir, 0)`: 0 or a negative errno (-EIO when
 * virtual mapping gives nothing, -EREMOTEIO for an unreachable P2P segment).
 */
export function ibDmaMapSgtable(dev: IbDevice, sgl: ScatterEntry[], nents: number, _dir: DmaDirection, kernel: KernelMode = dev.kernel): number {
  checkList(sgl, nents);
  let ret: number;
  if (ibUsesVirtDma(dev)) {
    ret = virtMapSg(dev, sgl, nents) === 0 ? -EIO : 0;
  } else {
    const list = sgl.slice(0, nents);
    ret = dev.host.p2p.dmaMapSgtable(dev.dmaDeviceDesc, list, { kernel });
    if (ret === 0) for (const sg of list) dev.dmaMapped.set(sg, sg.busAddress ? "p2p" : "dma");
  }
  dev.dmaTrace.push({ op: "ib_dma_map_sgtable", nents, p2p: firstIsP2p(dev, sgl), ret });
  return ret;
}

/** Models `ib_dma_unmap_sg(dev, sg, nents, dir)`. */
export function ibDmaUnmapSg(dev: IbDevice, sgl: ScatterEntry[], nents: number, _dir: DmaDirection, kernel: KernelMode = dev.kernel): void {
  checkList(sgl, nents);
  const list = sgl.slice(0, nents);
  // 6.12 dma-direct skips bus-address segments; 4.20 dma-direct unmap has nothing to undo.
  if (!ibUsesVirtDma(dev) && kernel !== "4.20") dmaUnmapSg(list);
  for (const sg of list) dev.dmaMapped.delete(sg);
  dev.dmaTrace.push({ op: "ib_dma_unmap_sg", nents, p2p: firstIsP2p(dev, sgl), ret: 0 });
}

/**
 * Models 4.20 `pci_p2pdma_map_sg(ib_device->dma_device, sg, nents, dir)` (p2pdma's function):
 * bus addresses, 0 for a `dma_virt_ops` device (with the WARN). Never unmapped.
 */
export function p2pdmaMapSgForIb(dev: IbDevice, sgl: ScatterEntry[], nents: number, _dir: DmaDirection): number {
  checkList(sgl, nents);
  const ret = p2pdmaMapSg(dev.host.p2p.core, dev.dmaDeviceDesc, sgl, nents, { kernel: "4.20" }).ret;
  if (ret > 0) for (const sg of sgl.slice(0, nents)) dev.dmaMapped.set(sg, "p2p");
  dev.dmaTrace.push({ op: "pci_p2pdma_map_sg", nents, p2p: firstIsP2p(dev, sgl), ret });
  return ret;
}
