/**
 * The NVMe controller device model (hardware side of @p2pdma/nvme-pci): what QEMU's hw/nvme is
 * to Linux, driven only through config space, BAR0 MMIO and DMA over the pci-core Fabric.
 */
export type { AttachInit } from "./controller";
export { NvmeController } from "./controller";
export type {
  ControllerOptions,
  ControllerOptionsInit,
  NamespaceOptions,
  CmbOptions,
  TimingOptions,
  MediaBackendOptions,
} from "./options";
export { resolveControllerOptions, controllerOptionsFromModel, DEFAULT_CONTROLLER_OPTIONS, DEFAULT_TIMING, pickSizeUnit } from "./options";
export type { NvmeModelErrorCode } from "./errors";
export { NvmeModelError } from "./errors";
export type { BarAddresses } from "./pci";
export { NVME_CLASS_CODE, nvmeConfigSpace, createNvmeFunction, barBusAddress, busMasterEnabled, msixLayout } from "./pci";
export type { BlockStore } from "./media";
export { Media, MemoryStore, FileStore, MEDIA_PAGE } from "./media";
export type { CmbUse } from "./cmb";
export { Cmb } from "./cmb";
export type { NvmeTraceEvent, NvmeTracer } from "./trace";
export type { Segment, XferDir } from "./xfer";
export { ADMIN_COMMANDS } from "./admin-cmd";
export { IO_COMMANDS } from "./io-cmd";
export { FEATURES } from "./features";
export type { TimingClass } from "./timing";
