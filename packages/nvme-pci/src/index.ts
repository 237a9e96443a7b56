/**
 * @p2pdma/nvme-pci: drivers/nvme/host/pci.c (+ the parts of core.c it needs) and, in `hw/`,
 * the NVMe controller device model it drives. Errnos are negative numbers, NVMe and block
 * statuses are data; misuse throws {@link NvmeDriverError}.
 */

// The host driver
export type { NvmeParams, NvmeEnv } from "./env";
/** Module parameters (`use_cmb_sqes`, `io_queue_depth`, queue count) and the driver's environment. */
export { DEFAULT_NVME_PARAMS, NvmeDriverError } from "./env";
export type { NvmeNs } from "./ctrl";
/** `struct nvme_dev` / `nvme_ctrl`: probe, `nvme_reset_ctrl`, `nvme_remove`, namespaces as gendisks. */
export { NvmeCtrl, NvmeCtrlDevice, NVME_AQ_DEPTH, NVME_MAX_SEGS } from "./ctrl";
export type { NvmePciDriver } from "./driver";
/** `nvme_driver` with `nvme_id_table` (class 0x010802). */
export { nvmePciDriver, PCI_CLASS_STORAGE_EXPRESS } from "./driver";
export type { CmbState } from "./cmb";
/** `nvme_map_cmb`, `nvme_cmb_show` / `cmbloc` / `cmbsz` attributes, 4.20 `nvme_release_cmb`, `nvme_cmb_qdepth`. */
export { nvmeMapCmb, cmbAttrText, cmbQdepth, cmbSizeUnitOf, emptyCmbState } from "./cmb";
export type { NvmeQuirks, NvmeQuirkEntry } from "./quirks";
/** The quirk table (user-extendable) with the pseudo-CMB quirk of spec 11.4. */
export { NVME_QUIRK_TABLE, addNvmeQuirk, quirksFor } from "./quirks";
/** `nvme_error_status`: NVMe status to block status. */
export { NVME_ERROR_STATUS, nvmeErrorStatus } from "./status";
export type { IrqHandler } from "./irq";
/** Interrupt lines between device models and drivers (`request_irq`). */
export { IrqDomain } from "./irq";
export type { AttachOptions, NvmeMachine } from "./attach";
/** Device models for every `model.kind: nvme` function of a topology plus the registered driver. */
export { attachNvme } from "./attach";

// The device model
export * from "./hw/index";
