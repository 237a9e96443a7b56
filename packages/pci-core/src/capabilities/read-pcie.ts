/**
 * Typed reader of the PCI Express capability (PCIe 4.0 §7.5.3): port type, version, link
 * capabilities and status, slot. Total on any bytes: a capability that does not fit in the
 * config space reads as absent.
 */
import type { PciePortTypeName } from "../import/facts";
import type { ConfigSpace } from "../config-space";
import { findCapability } from "../capability-walk";
import * as C from "../spec/capability-ids";
import * as E from "../spec/pcie";
import { PCIE_TYPE_CODE_TO_NAME, portTypeHasLink, portTypeHasRoot, portTypeIsDownstreamFacing, speedGTsFromCode } from "./codes";
import { fits } from "./read-util";

/** Link capabilities and status. Speeds are null for reserved codes (lspci: "unknown"). */
export interface PcieLinkInfo {
  readonly maxSpeedCode: number;
  readonly maxSpeedGTs: number | null;
  readonly maxWidth: number;
  readonly port: number;
  readonly aspmSupport: number;
  readonly speedCode: number;
  readonly speedGTs: number | null;
  readonly width: number;
  readonly dllActive: boolean;
  readonly lnkcap: number;
  readonly lnkctl: number;
  readonly lnksta: number;
  /** LNKCAP2 supported speeds vector in GT/s (version 2 only; empty when the vector is 0). */
  readonly supportedSpeedsGTs: readonly number[];
}

/** The decoded PCI Express capability. */
export interface PcieInfo {
  readonly offset: number;
  readonly version: number;
  readonly typeCode: number;
  /** null for a reserved Device/Port Type value. */
  readonly portType: PciePortTypeName | null;
  readonly slotImplemented: boolean;
  readonly interruptMessage: number;
  readonly devcap: number;
  /** Max_Payload_Size supported, in bytes. */
  readonly maxPayloadSupported: number;
  readonly flr: boolean;
  readonly devctl: number;
  readonly devsta: number;
  /** Null for port types without link registers (models `pcie_cap_has_lnkctl`). */
  readonly link: PcieLinkInfo | null;
  /** Physical slot number, when a slot is implemented on a downstream-facing port. */
  readonly slotNumber: number | null;
  readonly devcap2: number | null;
  readonly devctl2: number | null;
}

/** Reads the first PCI Express capability (`pci_find_capability(dev, PCI_CAP_ID_EXP)`), or null. */
export function readPcie(cs: ConfigSpace): PcieInfo | null {
  const at = findCapability(cs, C.PCI_CAP_ID_EXP);
  if (at === 0 || !fits(cs, at, E.PCI_CAP_EXP_RC_ENDPOINT_SIZEOF_V1)) return null;
  const flags = cs.read16(at + E.PCI_EXP_FLAGS);
  const version = flags & E.PCI_EXP_FLAGS_VERS;
  const typeCode = (flags & E.PCI_EXP_FLAGS_TYPE) >> E.PCI_EXP_FLAGS_TYPE_SHIFT;
  const portType = PCIE_TYPE_CODE_TO_NAME[typeCode] ?? null;
  const slotImplemented = (flags & E.PCI_EXP_FLAGS_SLOT) !== 0;
  const devcap = cs.read32(at + E.PCI_EXP_DEVCAP);
  const v2 = version >= 2 && fits(cs, at, E.PCI_CAP_EXP_SIZEOF);
  let link: PcieLinkInfo | null = null;
  if (portType !== null && portTypeHasLink(portType) && fits(cs, at, E.PCI_CAP_EXP_ENDPOINT_SIZEOF_V1)) {
    const lnkcap = cs.read32(at + E.PCI_EXP_LNKCAP);
    const lnksta = cs.read16(at + E.PCI_EXP_LNKSTA);
    const maxSpeedCode = lnkcap & E.PCI_EXP_LNKCAP_SLS;
    const speedCode = lnksta & E.PCI_EXP_LNKSTA_CLS;
    const vector = v2 ? cs.read32(at + E.PCI_EXP_LNKCAP2) & E.PCI_EXP_LNKCAP2_SLS : 0;
    const supported: number[] = [];
    for (let code = 1; code <= 7; code++) {
      const gts = speedGTsFromCode(code);
      if ((vector & (1 << code)) !== 0 && gts !== null) supported.push(gts);
    }
    link = {
      maxSpeedCode,
      maxSpeedGTs: speedGTsFromCode(maxSpeedCode),
      maxWidth: (lnkcap & E.PCI_EXP_LNKCAP_MLW) >> E.PCI_EXP_LNKCAP_MLW_SHIFT,
      port: lnkcap >>> E.PCI_EXP_LNKCAP_PN_SHIFT,
      aspmSupport: (lnkcap & E.PCI_EXP_LNKCAP_ASPMS) >> 10,
      speedCode,
      speedGTs: speedGTsFromCode(speedCode),
      width: (lnksta & E.PCI_EXP_LNKSTA_NLW) >> E.PCI_EXP_LNKSTA_NLW_SHIFT,
      dllActive: (lnksta & E.PCI_EXP_LNKSTA_DLLLA) !== 0,
      lnkcap,
      lnkctl: cs.read16(at + E.PCI_EXP_LNKCTL),
      lnksta,
      supportedSpeedsGTs: supported,
    };
  }
  const hasSlot = slotImplemented && portType !== null && portTypeIsDownstreamFacing(portType) && fits(cs, at, E.PCI_EXP_SLTSTA + 2);
  return {
    offset: at,
    version,
    typeCode,
    portType,
    slotImplemented,
    interruptMessage: (flags & E.PCI_EXP_FLAGS_IRQ) >> 9,
    devcap,
    maxPayloadSupported: 128 << Math.min(devcap & E.PCI_EXP_DEVCAP_PAYLOAD, 5),
    flr: (devcap & E.PCI_EXP_DEVCAP_FLR) !== 0,
    devctl: cs.read16(at + E.PCI_EXP_DEVCTL),
    devsta: cs.read16(at + E.PCI_EXP_DEVSTA),
    link,
    slotNumber: hasSlot ? cs.read32(at + E.PCI_EXP_SLTCAP) >>> E.PCI_EXP_SLTCAP_PSN_SHIFT : null,
    devcap2: v2 ? cs.read32(at + E.PCI_EXP_DEVCAP2) : null,
    devctl2: v2 ? cs.read16(at + E.PCI_EXP_DEVCTL2) : null,
  };
}

/** Whether the decoded capability has root registers (root ports and event collectors). */
export function pcieHasRootRegisters(info: PcieInfo): boolean {
  return info.portType !== null && portTypeHasRoot(info.portType);
}
