/**
 * Typed readers of the interrupt and power capabilities: MSI and MSI-X (PCI 3.0 §6.8) and
 * Power Management (PCI PM 1.2 §3.2).
 */
import type { ConfigSpace } from "../config-space";
import { findCapability } from "../capability-walk";
import * as C from "../spec/capability-ids";
import * as MSI from "../spec/msi";
import * as MSIX from "../spec/msix";
import * as PM from "../spec/pm";
import { fits } from "./read-util";

/** The decoded MSI capability. */
export interface MsiInfo {
  readonly offset: number;
  readonly enabled: boolean;
  /** Vectors the function can request (2^Multiple Message Capable). */
  readonly vectorsCapable: number;
  /** Vectors software enabled (2^Multiple Message Enable). */
  readonly vectorsEnabled: number;
  readonly addr64: boolean;
  readonly perVectorMask: boolean;
  readonly address: bigint;
  readonly data: number;
  readonly mask: number | null;
  readonly pending: number | null;
}

/** Reads the MSI capability, or null. */
export function readMsi(cs: ConfigSpace): MsiInfo | null {
  const at = findCapability(cs, C.PCI_CAP_ID_MSI);
  if (at === 0) return null;
  const flags = cs.read16(at + MSI.PCI_MSI_FLAGS);
  const addr64 = (flags & MSI.PCI_MSI_FLAGS_64BIT) !== 0;
  const perVectorMask = (flags & MSI.PCI_MSI_FLAGS_MASKBIT) !== 0;
  const size = addr64
    ? perVectorMask
      ? MSI.PCI_MSI_64_MASK_SIZEOF
      : MSI.PCI_MSI_DATA_64 + 2
    : perVectorMask
      ? MSI.PCI_MSI_32_MASK_SIZEOF
      : MSI.PCI_MSI_DATA_32 + 2;
  if (!fits(cs, at, size)) return null;
  const lo = BigInt(cs.read32(at + MSI.PCI_MSI_ADDRESS_LO));
  const hi = addr64 ? BigInt(cs.read32(at + MSI.PCI_MSI_ADDRESS_HI)) : 0n;
  return {
    offset: at,
    enabled: (flags & MSI.PCI_MSI_FLAGS_ENABLE) !== 0,
    vectorsCapable: 1 << ((flags & MSI.PCI_MSI_FLAGS_QMASK) >> MSI.PCI_MSI_FLAGS_QMASK_SHIFT),
    vectorsEnabled: 1 << ((flags & MSI.PCI_MSI_FLAGS_QSIZE) >> MSI.PCI_MSI_FLAGS_QSIZE_SHIFT),
    addr64,
    perVectorMask,
    address: (hi << 32n) | lo,
    data: cs.read16(at + (addr64 ? MSI.PCI_MSI_DATA_64 : MSI.PCI_MSI_DATA_32)),
    mask: perVectorMask ? cs.read32(at + (addr64 ? MSI.PCI_MSI_MASK_64 : MSI.PCI_MSI_MASK_32)) : null,
    pending: perVectorMask ? cs.read32(at + (addr64 ? MSI.PCI_MSI_PENDING_64 : MSI.PCI_MSI_PENDING_32)) : null,
  };
}

/** The decoded MSI-X capability. */
export interface MsixInfo {
  readonly offset: number;
  readonly enabled: boolean;
  readonly functionMasked: boolean;
  readonly tableSize: number;
  readonly tableBir: number;
  readonly tableOffset: number;
  readonly pbaBir: number;
  readonly pbaOffset: number;
}

/** Reads the MSI-X capability, or null. */
export function readMsix(cs: ConfigSpace): MsixInfo | null {
  const at = findCapability(cs, C.PCI_CAP_ID_MSIX);
  if (at === 0 || !fits(cs, at, MSIX.PCI_CAP_MSIX_SIZEOF)) return null;
  const flags = cs.read16(at + MSIX.PCI_MSIX_FLAGS);
  const table = cs.read32(at + MSIX.PCI_MSIX_TABLE);
  const pba = cs.read32(at + MSIX.PCI_MSIX_PBA);
  return {
    offset: at,
    enabled: (flags & MSIX.PCI_MSIX_FLAGS_ENABLE) !== 0,
    functionMasked: (flags & MSIX.PCI_MSIX_FLAGS_MASKALL) !== 0,
    tableSize: (flags & MSIX.PCI_MSIX_FLAGS_QSIZE) + 1,
    tableBir: table & MSIX.PCI_MSIX_TABLE_BIR,
    tableOffset: (table & MSIX.PCI_MSIX_TABLE_OFFSET) >>> 0,
    pbaBir: pba & MSIX.PCI_MSIX_PBA_BIR,
    pbaOffset: (pba & MSIX.PCI_MSIX_PBA_OFFSET) >>> 0,
  };
}

/** The decoded Power Management capability. */
export interface PmInfo {
  readonly offset: number;
  readonly version: number;
  readonly pmc: number;
  readonly d1: boolean;
  readonly d2: boolean;
  /** PME support mask, bit 0 = D0 .. bit 4 = D3cold. */
  readonly pmeSupport: number;
  readonly pmcsr: number;
  /** Current power state 0..3 (D0..D3hot). */
  readonly powerState: number;
  readonly noSoftReset: boolean;
  readonly pmeEnabled: boolean;
  readonly pmeStatus: boolean;
}

/** Reads the Power Management capability, or null. */
export function readPm(cs: ConfigSpace): PmInfo | null {
  const at = findCapability(cs, C.PCI_CAP_ID_PM);
  if (at === 0 || !fits(cs, at, PM.PCI_PM_SIZEOF)) return null;
  const pmc = cs.read16(at + PM.PCI_PM_PMC);
  const pmcsr = cs.read16(at + PM.PCI_PM_CTRL);
  return {
    offset: at,
    version: pmc & PM.PCI_PM_CAP_VER_MASK,
    pmc,
    d1: (pmc & PM.PCI_PM_CAP_D1) !== 0,
    d2: (pmc & PM.PCI_PM_CAP_D2) !== 0,
    pmeSupport: (pmc & PM.PCI_PM_CAP_PME_MASK) >> PM.PCI_PM_CAP_PME_SHIFT,
    pmcsr,
    powerState: pmcsr & PM.PCI_PM_CTRL_STATE_MASK,
    noSoftReset: (pmcsr & PM.PCI_PM_CTRL_NO_SOFT_RESET) !== 0,
    pmeEnabled: (pmcsr & PM.PCI_PM_CTRL_PME_ENABLE) !== 0,
    pmeStatus: (pmcsr & PM.PCI_PM_CTRL_PME_STATUS) !== 0,
  };
}
