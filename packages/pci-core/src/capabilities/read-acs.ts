/**
 * Typed reader of the ACS extended capability (PCIe 4.0 §7.7.8): what `pci_acs_enabled` and
 * P2PDMA's redirect test read: the capability and control registers.
 */
import type { ConfigSpace } from "../config-space";
import * as A from "../spec/acs";
import * as C from "../spec/capability-ids";
import { findExtCapabilityEntry, fits } from "./read-util";

/** The ACS capability: its offset, capability (+4) and control (+6) registers. */
export interface AcsInfo {
  readonly offset: number;
  readonly version: number;
  readonly cap: number;
  readonly ctl: number;
  /** Egress control vector size in bits when EC is advertised (0 encodes 256), else 0. */
  readonly egressVectorBits: number;
}

/** Reads the ACS capability (`pci_find_ext_capability(dev, PCI_EXT_CAP_ID_ACS)`), or null. */
export function readAcs(cs: ConfigSpace): AcsInfo | null {
  const e = findExtCapabilityEntry(cs, C.PCI_EXT_CAP_ID_ACS);
  if (e === null || !fits(cs, e.offset, A.PCI_EXT_CAP_ACS_SIZEOF)) return null;
  const cap = cs.read16(e.offset + A.PCI_ACS_CAP);
  const size = (cap & A.PCI_ACS_CAP_EGRESS_BITS) >> A.PCI_ACS_CAP_EGRESS_BITS_SHIFT;
  return {
    offset: e.offset,
    version: e.version ?? 0,
    cap,
    ctl: cs.read16(e.offset + A.PCI_ACS_CTRL),
    egressVectorBits: (cap & A.PCI_ACS_EC) !== 0 ? (size === 0 ? 256 : size) : 0,
  };
}
