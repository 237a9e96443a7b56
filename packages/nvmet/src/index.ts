/**
 * @p2pdma/nvmet: the NVMe-oF target (drivers/nvme/target) with P2P memory per namespace
 * (spec section 6), its configfs tree, nvmet-loop and nvmet-rdma transports, and
 * nvmetcli-compatible save/restore.
 */
export type { NvmetOptions, NvmetQuirks, LeakedBackend } from "./core";
export { Nvmet } from "./core";
export type { Bio, BioFlag, BlockDevice, BlockStats, BlockStatus, BackingFile, NvmetVfs } from "./backend";
export type { MemoryBlockDeviceOptions } from "./backend-memory";
export { MemoryBlockDevice } from "./backend-memory";
export type { DeviceRegistryOptions } from "./backend-node";
export { DeviceRegistry, MemoryFile, openNodeFile, ENOTBLK_ERRNO } from "./backend-node";
export type { P2pDmaApi, P2pProvider, EnableStoreResult } from "./p2p";
export { isP2pdmaEntry, p2pmemFind } from "./p2p";
export type { FallbackReason, P2pCounters, FallbackEvent } from "./p2p-stats";
export { FALLBACK_REASONS, newCounters } from "./p2p-stats";
export type { SgEntry } from "./sgl";
export { PAGE_SIZE, sglAlloc, sglLength, sgCopyFrom, sgCopyTo } from "./sgl";
export type { NvmetFabricsOps, DiscAddr, Cqe, ErrorSlot, AsyncEvent, SubsysType } from "./nvmet";
export { NvmetPort, NvmetHost, NvmetNs, NvmetSubsys, NvmetCtrl, NvmetSq, NvmetReq } from "./nvmet";
export type { CfsAttr, CfsType } from "./configfs";
export { NvmetConfigfs, CfsGroup } from "./configfs";
export type { Completion, CommandFields, LoopConnectOptions } from "./loop";
export { NvmeLoopTransport, LoopHost, buildSqe } from "./loop";
export type { RdmaDevice, RdmaRwApi, RdmaCompletion } from "./rdma";
export { NvmetRdmaTransport, NvmetRdmaQueue } from "./rdma";
export type { RestoreError, RestoreResult } from "./nvmetcli";
export { saveConfig, restoreConfig } from "./nvmetcli";
export type { NvmetErrorCode } from "./errors";
export { NvmetError } from "./errors";
export { nvmetReqInit, nvmetReqComplete, nvmetReqAllocSgls, nvmetReqFreeSgls, bindSq } from "./req";
export { createTarget } from "./target";
export type { TargetOptions, Target } from "./target";
export * as nvmeSpec from "./spec/nvme";
export * from "./adapters/index";
