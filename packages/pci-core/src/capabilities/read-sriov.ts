/**
 * Typed reader of the SR-IOV extended capability (SR-IOV 1.1 §3.3): what `sriov_init` reads.
 */
import type { ConfigSpace } from "../config-space";
import * as C from "../spec/capability-ids";
import * as S from "../spec/sriov";
import type { BarInfo } from "./read-header";
import { decodeBarSlots } from "./read-header";
import { findExtCapabilityEntry, fits } from "./read-util";

/** The decoded SR-IOV capability. */
export interface SriovInfo {
  readonly offset: number;
  readonly version: number;
  readonly cap: number;
  readonly ctrl: number;
  readonly status: number;
  readonly vfEnabled: boolean;
  readonly vfMemorySpaceEnabled: boolean;
  readonly ariCapableHierarchy: boolean;
  readonly initialVFs: number;
  readonly totalVFs: number;
  readonly numVFs: number;
  readonly functionDependencyLink: number;
  readonly vfOffset: number;
  readonly vfStride: number;
  readonly vfDeviceId: number;
  readonly supportedPageSizes: number;
  readonly systemPageSize: number;
  /** VF BARs decoded like BARs (addresses of VF 0; VF n adds n times the VF BAR size). */
  readonly vfBars: readonly BarInfo[];
  readonly migrationStateOffset: number;
  readonly migrationStateBir: number;
}

/** Reads the SR-IOV capability, or null. */
export function readSriov(cs: ConfigSpace): SriovInfo | null {
  const e = findExtCapabilityEntry(cs, C.PCI_EXT_CAP_ID_SRIOV);
  if (e === null || !fits(cs, e.offset, S.PCI_EXT_CAP_SRIOV_SIZEOF)) return null;
  const at = e.offset;
  const ctrl = cs.read16(at + S.PCI_SRIOV_CTRL);
  const vfm = cs.read32(at + S.PCI_SRIOV_VFM);
  return {
    offset: at,
    version: e.version ?? 0,
    cap: cs.read32(at + S.PCI_SRIOV_CAP),
    ctrl,
    status: cs.read16(at + S.PCI_SRIOV_STATUS),
    vfEnabled: (ctrl & S.PCI_SRIOV_CTRL_VFE) !== 0,
    vfMemorySpaceEnabled: (ctrl & S.PCI_SRIOV_CTRL_MSE) !== 0,
    ariCapableHierarchy: (ctrl & S.PCI_SRIOV_CTRL_ARI) !== 0,
    initialVFs: cs.read16(at + S.PCI_SRIOV_INITIAL_VF),
    totalVFs: cs.read16(at + S.PCI_SRIOV_TOTAL_VF),
    numVFs: cs.read16(at + S.PCI_SRIOV_NUM_VF),
    functionDependencyLink: cs.read8(at + S.PCI_SRIOV_FUNC_LINK),
    vfOffset: cs.read16(at + S.PCI_SRIOV_VF_OFFSET),
    vfStride: cs.read16(at + S.PCI_SRIOV_VF_STRIDE),
    vfDeviceId: cs.read16(at + S.PCI_SRIOV_VF_DID),
    supportedPageSizes: cs.read32(at + S.PCI_SRIOV_SUP_PGSIZE),
    systemPageSize: cs.read32(at + S.PCI_SRIOV_SYS_PGSIZE),
    vfBars: decodeBarSlots(cs, at + S.PCI_SRIOV_BAR, S.PCI_SRIOV_NUM_BARS),
    migrationStateOffset: (vfm & S.PCI_SRIOV_VFM_OFFSET) >>> 0,
    migrationStateBir: vfm & S.PCI_SRIOV_VFM_BIR,
  };
}
