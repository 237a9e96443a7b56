/**
 * Typed reader of the Advanced Error Reporting extended capability (PCIe 4.0 §7.8.4).
 */
import type { ConfigSpace } from "../config-space";
import * as AER from "../spec/aer";
import * as C from "../spec/capability-ids";
import { pcieHasRootRegisters, readPcie } from "./read-pcie";
import { findExtCapabilityEntry, fits } from "./read-util";

/** The AER registers. Root registers are null unless the function is a root port or event collector. */
export interface AerInfo {
  readonly offset: number;
  readonly version: number;
  readonly uncorrectableStatus: number;
  readonly uncorrectableMask: number;
  readonly uncorrectableSeverity: number;
  readonly correctableStatus: number;
  readonly correctableMask: number;
  readonly capControl: number;
  readonly firstErrorPointer: number;
  readonly headerLog: readonly number[];
  readonly rootCommand: number | null;
  readonly rootStatus: number | null;
}

/** Reads the AER capability, or null. */
export function readAer(cs: ConfigSpace): AerInfo | null {
  const e = findExtCapabilityEntry(cs, C.PCI_EXT_CAP_ID_ERR);
  if (e === null || !fits(cs, e.offset, AER.PCI_EXT_CAP_AER_SIZEOF)) return null;
  const at = e.offset;
  const cap = cs.read32(at + AER.PCI_ERR_CAP);
  const pcie = readPcie(cs);
  const root = pcie !== null && pcieHasRootRegisters(pcie) && fits(cs, at, AER.PCI_EXT_CAP_AER_ROOT_SIZEOF);
  return {
    offset: at,
    version: e.version ?? 0,
    uncorrectableStatus: cs.read32(at + AER.PCI_ERR_UNCOR_STATUS),
    uncorrectableMask: cs.read32(at + AER.PCI_ERR_UNCOR_MASK),
    uncorrectableSeverity: cs.read32(at + AER.PCI_ERR_UNCOR_SEVER),
    correctableStatus: cs.read32(at + AER.PCI_ERR_COR_STATUS),
    correctableMask: cs.read32(at + AER.PCI_ERR_COR_MASK),
    capControl: cap,
    firstErrorPointer: cap & AER.PCI_ERR_CAP_FEP,
    headerLog: [0, 1, 2, 3].map((i) => cs.read32(at + AER.PCI_ERR_HEADER_LOG + 4 * i)),
    rootCommand: root ? cs.read32(at + AER.PCI_ERR_ROOT_COMMAND) : null,
    rootStatus: root ? cs.read32(at + AER.PCI_ERR_ROOT_STATUS) : null,
  };
}
