/**
 * @p2pdma/pci-core: the PCI layer P2PDMA stands on (architecture.md, spec section 1).
 */
export type { Bdf } from "./bdf";
export { formatBdf, parseBdf, parseLooseBdf, normalizeBdf, makeDevfn, slotOf, funcOf } from "./bdf";
export { readLE, writeLE, readLE64, writeLE64, ByteRangeError } from "./bytes";
export type { ConfigWidth, ConfigWriteHook } from "./config-space";
export { ConfigSpace, ConfigAccessError } from "./config-space";
export type { CapabilityEntry } from "./capability-walk";
export { listCapabilities, findCapability, listExtCapabilities, findExtCapability } from "./capability-walk";
export * as pciRegs from "./spec/header";
export * from "./errno";
export type { DevresEntry } from "./devres";
export { Devres } from "./devres";
export { KDevice } from "./device";
export type { LogLevel, LogLine } from "./klog";
export { KernelLog, devLog, prLog } from "./klog";
export type { Resource } from "./resource";
export * from "./resource";
export type { PciFunctionInit, PciFunctionType, UnknownFact } from "./pci-function";
export { PciFunction, PCI_FUNCTION_TYPES, PCI_EXP_TYPE } from "./pci-function";
export { PciBus } from "./pci-bus";
export type { HostBridgeInit } from "./host-bridge";
export { HostBridge } from "./host-bridge";
export type { PciDeviceId, PciDriver } from "./driver";
export { matchOneDevice, matchId } from "./driver";
export type { SysfsAttribute, SysfsLink, SysfsNode } from "./sysfs";
export { Sysfs, SysfsDir, SysfsError } from "./sysfs";
export { pciDevicePath, pciSpeedString, resourceText } from "./pci-sysfs";
export type { Platform, AddFunctionInit } from "./system";
export { PciSystem, TopologyError, UNKNOWN_PLATFORM } from "./system";
export { physfn, upstreamBridge, upstreamChain, findHostBridge, findParentPciDev } from "./upstream";
export type * from "./import/facts";
export { CaptureParseError } from "./import/facts";
