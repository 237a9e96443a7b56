/**
 * rdma_rw's sizing decisions (drivers/infiniband/core/rw.c), per kernel mode:
 * - `rdma_rw_can_use_mr`: 4.20 iWARP or `force_mr`; 6.12 also when the device reports
 *   `max_sgl_rd`.
 * - `rdma_rw_io_needs_mr`: 4.20 iWARP RDMA READs or `force_mr`; 6.12 also READs with more SGEs
 *   than `max_sgl_rd`.
 * - `rdma_rw_fr_page_list_len`: the device's fast-reg page list length, capped at 256.
 */
import type { KernelMode } from "@p2pdma/pci-core";
import type { IbDevice } from "./ib-device";
import type { DmaDirection } from "./spec/verbs";
import { DMA_FROM_DEVICE } from "./spec/verbs";

export function rwCanUseMr(dev: IbDevice, kernel: KernelMode): boolean {
  if (dev.protocol === "iwarp") return true;
  if (kernel !== "4.20" && dev.attrs.maxSglRd) return true;
  return dev.rwForceMr;
}

export function rwIoNeedsMr(dev: IbDevice, kernel: KernelMode, dir: DmaDirection, dmaNents: number): boolean {
  if (dir === DMA_FROM_DEVICE) {
    if (dev.protocol === "iwarp") return true;
    if (kernel !== "4.20" && dev.attrs.maxSglRd && dmaNents > dev.attrs.maxSglRd) return true;
  }
  return dev.rwForceMr;
}

export function rwFrPageListLen(dev: IbDevice): number {
  return Math.min(dev.attrs.maxFastRegPageListLen, 256);
}

/** `rdma_cap_read_inv`: iWARP devices read with invalidate. */
export function rdmaCapReadInv(dev: IbDevice): boolean {
  return dev.protocol === "iwarp";
}
