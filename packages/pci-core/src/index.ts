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
export type { KernelMode } from "./kernel-mode";
export { KERNEL_MODES, DEFAULT_KERNEL_MODE, parseKernelMode } from "./kernel-mode";
export type { PciParams, AcsInitOptions, AcsInitState } from "./acs-params";
export {
  PCI_ACS_SV,
  PCI_ACS_TB,
  PCI_ACS_RR,
  PCI_ACS_CR,
  PCI_ACS_UF,
  PCI_ACS_EC,
  PCI_ACS_DT,
} from "./spec/acs";
export {
  parsePciParams,
  pciEnableAcs,
  applyAcsKernelParams,
} from "./acs-params";
export type { StrMatch } from "./pci-dev-str-match";
export { pciDevStrMatch } from "./pci-dev-str-match";
export { kscanf } from "./kscanf";
export type { ScheduledEvent } from "./clock";
export { VirtualClock, ClockError } from "./clock";
export { SparseMemory, SPARSE_PAGE, MemoryRangeError } from "./sparse-memory";
export type { MemoryHandler, MemoryRegion, Hop, Route, RouteFailure, LinkCounter } from "./fabric";
export { Fabric, FabricError, linkAbove } from "./fabric";
export type { TopologyJson, DeviceJson, BarJson, AcsJson } from "./export/json";
export { topologyJson, deviceJson } from "./export/json";
export { topologyDot } from "./export/dot";
export type { AcsFlagName } from "./export/acs-names";
export { ACS_FLAG_NAMES, acsFlagNames } from "./export/acs-names";
export type { FromFactsOptions } from "./machine/from-facts";
export { systemFromFacts } from "./machine/from-facts";
export { SAMPLES_DIR, sampleNames, samplePath, readSample } from "./samples";
export { renderSystemTree } from "./export/system-tree";
export type { LspciTreeEntry, LspciTreeCapture } from "./import/lspci-tree";
export { parseLspciTree, importLspciTree } from "./import/lspci-tree";
export type { SriovFacts, VerboseFunctionFacts } from "./import/lspci-verbose";
export { importLspciVerbose, ACS_FLAG_BITS } from "./import/lspci-verbose";
export { importLspciHex } from "./import/lspci-hex";
export type { ConfigDerivedFacts } from "./import/config-facts";
export { factsFromConfig, PCIE_PORT_TYPES, LINK_SPEED_GTS } from "./import/config-facts";
export { importSysfsTree, findDevicesDir, parseResource, SYSFS_ATTRIBUTES, SYSFS_LINKS } from "./import/sysfs";
export { importSysfsDir, readSysfsDir } from "./import/sysfs-dir";
export { readTar, isTar, isGzip } from "./import/tar";
export type { VirtualTree, VirtualNode } from "./import/virtual-tree";
export { normalizePath, resolveLink, realPath } from "./import/virtual-tree";
export { importHwlocXml } from "./import/hwloc";
export { detectFormat, importCapture, ACCEPTED_FORMATS } from "./import/detect";
export { mergeFacts } from "./import/merge";
export type { LspciTreeView, LspciTreeViewFunction, LspciTreeVariant, RenderLspciTreeOptions } from "./export/lspci-tree";
export { renderLspciTree, lspciTreeViewFromFacts, LspciTreeViewError } from "./export/lspci-tree";
export * from "./capabilities";
export * as pciCapIds from "./spec/capability-ids";
export * as pciPmRegs from "./spec/pm";
export * as pciMsiRegs from "./spec/msi";
export * as pciMsixRegs from "./spec/msix";
export * as pcieRegs from "./spec/pcie";
export * as pciAcsRegs from "./spec/acs";
export * as pciAerRegs from "./spec/aer";
export * as pciSriovRegs from "./spec/sriov";
export * as pciBridgeRegs from "./spec/bridge";
export type {
  TopologySpec,
  HostBridgeSpec,
  HostFunctionSpec,
  MemoryWindowSpec,
  PlatformSpec,
  NodeSpec,
  NodeKind,
  RootPortSpec,
  SwitchSpec,
  DownstreamPortSpec,
  PciBridgeSpec,
  EndpointSpec,
  FunctionSpec,
  Placement,
  BarSpec as TopologyBarSpec,
  LinkSpec as TopologyLinkSpec,
  AcsSpec as TopologyAcsSpec,
  SriovSpec as TopologySriovSpec,
  ModelSpec,
  LinkSpeed,
  AcsBitName,
} from "./topology/schema";
export { NODE_KINDS, LINK_SPEEDS, LINK_WIDTHS, ACS_BIT_NAMES } from "./topology/schema";
export type { SourcePos, SpecOrigin } from "./topology/errors";
export { TopologySpecError, CODE_SOURCE, originOf } from "./topology/errors";
export { parseTopology } from "./topology/parse";
export { validateTopology } from "./topology/validate";
export { parseSizeText, formatSize } from "./topology/units";
export type { GenerateOptions, Random } from "./topology/generate";
export { generateTopology, mulberry32 } from "./topology/generate";
export type { BuildOptions, BuiltTopology } from "./enumerate/build";
export { buildSystem } from "./enumerate/build";
export { loadTopologyFile } from "./enumerate/load";
export { DEFAULT_WINDOWS } from "./enumerate/allocate";
export type { SysfsExportErrorCode, SysfsExportResult } from "./export/sysfs-tree";
export { exportSysfs, SysfsExportError } from "./export/sysfs-tree";
export { exportLspciDump, hexDumpLines } from "./export/lspci-dump";
export { pciePortDriver } from "./drivers/pcie-portdrv";
