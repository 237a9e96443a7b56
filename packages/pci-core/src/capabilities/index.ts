/**
 * Typed config-space capabilities: the builder that lays out a device model's config space
 * with real access masks, and the typed readers (header, BARs, PCIe, ACS, AER, SR-IOV, MSI,
 * MSI-X, PM) that decode any config space, total on garbage.
 */
export type {
  HeaderSpec,
  Type0HeaderSpec,
  Type1HeaderSpec,
  WindowSpec,
  BarKind,
  BarSpec,
  RomSpec,
  PmSpec,
  MsiSpec,
  MsixSpec,
  LinkSpec,
  PcieSpec,
  SsvidSpec,
  AerSpec,
  AcsSpec,
  AriSpec,
  DsnSpec,
  VfBarSpec,
  SriovSpec,
  StdCapabilitySpec,
  ExtCapabilitySpec,
  CapabilitySpec,
  CapabilityKind,
  ConfigDescription,
  PlacedCapability,
} from "./types";
export type { ConfigBuildErrorCode } from "./errors";
export { ConfigBuildError } from "./errors";
export type { BuiltConfig } from "./builder";
export { ConfigBuilder, buildConfigSpace, isExtendedCapability } from "./builder";
export type { LinkSpeedGTs } from "./codes";
export {
  LINK_SPEED_CODE_TO_GTS,
  PCIE_TYPE_CODE_TO_NAME,
  PCIE_TYPE_NAME_TO_CODE,
  speedGTsFromCode,
  speedCodeFromGTs,
  portTypeHasLink,
  portTypeHasRoot,
  portTypeIsDownstreamFacing,
} from "./codes";
export type { BridgeWindow, BridgeHeader, HeaderInfo, BarInfo, RomInfo } from "./read-header";
export { readHeader, readBars, readExpansionRom, decodeBarSlots } from "./read-header";
export type { PcieInfo, PcieLinkInfo } from "./read-pcie";
export { readPcie, pcieHasRootRegisters } from "./read-pcie";
export type { AcsInfo } from "./read-acs";
export { readAcs } from "./read-acs";
export type { AerInfo } from "./read-aer";
export { readAer } from "./read-aer";
export type { SriovInfo } from "./read-sriov";
export { readSriov } from "./read-sriov";
export type { MsiInfo, MsixInfo, PmInfo } from "./read-irq";
export { readMsi, readMsix, readPm } from "./read-irq";
export { hasExtendedConfigSpace, readExtCapabilities, findExtCapabilityEntry } from "./read-util";
