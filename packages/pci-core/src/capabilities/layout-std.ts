/**
 * Standard capability bodies (after the id / next bytes the builder chains): Power
 * Management, MSI, MSI-X, PCI Express and the bridge subsystem id, with the access masks
 * their specifications give each register.
 */
import type { ConfigSpace } from "../config-space";
import * as C from "../spec/capability-ids";
import * as PM from "../spec/pm";
import * as MSI from "../spec/msi";
import * as MSIX from "../spec/msix";
import * as E from "../spec/pcie";
import { ConfigBuildError } from "./errors";
import { PCIE_TYPE_NAME_TO_CODE, portTypeHasLink, portTypeHasRoot, portTypeIsDownstreamFacing, speedCodeFromGTs } from "./codes";
import { defineRegister } from "./register";
import type { BarSpec, MsiSpec, MsixSpec, PcieSpec, PmSpec, StdCapabilitySpec } from "./types";

function field(cap: string, name: string, v: number | undefined, min: number, max: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) {
    throw new ConfigBuildError("ECAP_FIELD", `${cap}: ${name} ${v} outside ${min}..${max}`);
  }
}

/** Capability id of a standard capability kind. */
export function stdCapabilityId(spec: StdCapabilitySpec): number {
  switch (spec.kind) {
    case "pm":
      return C.PCI_CAP_ID_PM;
    case "msi":
      return C.PCI_CAP_ID_MSI;
    case "msix":
      return C.PCI_CAP_ID_MSIX;
    case "pcie":
      return C.PCI_CAP_ID_EXP;
    case "ssvid":
      return C.PCI_CAP_ID_SSVID;
  }
}

function pcieSize(spec: PcieSpec): number {
  if ((spec.version ?? 2) === 2) return E.PCI_CAP_EXP_SIZEOF;
  if (portTypeHasRoot(spec.portType)) return E.PCI_EXP_RTSTA + 4;
  if (spec.slotImplemented === true) return E.PCI_EXP_SLTSTA + 2;
  return portTypeHasLink(spec.portType) ? E.PCI_CAP_EXP_ENDPOINT_SIZEOF_V1 : E.PCI_CAP_EXP_RC_ENDPOINT_SIZEOF_V1;
}

/** Size in bytes of a standard capability as laid out. */
export function stdCapabilitySize(spec: StdCapabilitySpec): number {
  switch (spec.kind) {
    case "pm":
      return PM.PCI_PM_SIZEOF;
    case "msi": {
      const mask = spec.perVectorMask === true;
      if (spec.addr64 === true) return mask ? MSI.PCI_MSI_64_MASK_SIZEOF : MSI.PCI_MSI_64_SIZEOF;
      return mask ? MSI.PCI_MSI_32_MASK_SIZEOF : MSI.PCI_MSI_32_SIZEOF;
    }
    case "msix":
      return MSIX.PCI_CAP_MSIX_SIZEOF;
    case "pcie":
      return pcieSize(spec);
    case "ssvid":
      return C.PCI_SSVID_SIZEOF;
  }
}

/** Lays out a standard capability body at `at` (the header bytes are the builder's). */
export function layoutStdCapability(cs: ConfigSpace, at: number, spec: StdCapabilitySpec, bars: readonly BarSpec[]): void {
  switch (spec.kind) {
    case "pm":
      return layoutPm(cs, at, spec);
    case "msi":
      return layoutMsi(cs, at, spec);
    case "msix":
      return layoutMsix(cs, at, spec, bars);
    case "pcie":
      return layoutPcie(cs, at, spec);
    case "ssvid":
      field("SSVID", "subsystemVendor", spec.subsystemVendor, 0, 0xffff);
      field("SSVID", "subsystemDevice", spec.subsystemDevice, 0, 0xffff);
      defineRegister(cs, at + C.PCI_SSVID_VENDOR_ID, 2, spec.subsystemVendor);
      defineRegister(cs, at + C.PCI_SSVID_DEVICE_ID, 2, spec.subsystemDevice);
      return;
  }
}

function layoutPm(cs: ConfigSpace, at: number, s: PmSpec): void {
  field("PM", "version", s.version, 1, 7);
  field("PM", "pmeSupport", s.pmeSupport, 0, 0x1f);
  field("PM", "auxCurrent", s.auxCurrent, 0, 7);
  const pme = s.pmeSupport ?? 0;
  const pmc =
    (s.version ?? PM.PCI_PM_VERSION_1_2) |
    (s.dsi === true ? PM.PCI_PM_CAP_DSI : 0) |
    ((s.auxCurrent ?? 0) << PM.PCI_PM_CAP_AUX_POWER_SHIFT) |
    (s.d1 === true ? PM.PCI_PM_CAP_D1 : 0) |
    (s.d2 === true ? PM.PCI_PM_CAP_D2 : 0) |
    (pme << PM.PCI_PM_CAP_PME_SHIFT);
  defineRegister(cs, at + PM.PCI_PM_PMC, 2, pmc);
  defineRegister(cs, at + PM.PCI_PM_CTRL, 2, s.noSoftReset === true ? PM.PCI_PM_CTRL_NO_SOFT_RESET : 0, {
    rw: PM.PCI_PM_CTRL_STATE_MASK | (pme !== 0 ? PM.PCI_PM_CTRL_PME_ENABLE : 0),
    w1c: pme !== 0 ? PM.PCI_PM_CTRL_PME_STATUS : 0,
  });
}

function layoutMsi(cs: ConfigSpace, at: number, s: MsiSpec): void {
  const vectors = s.vectors ?? 1;
  const log2 = Math.log2(vectors);
  if (!Number.isInteger(log2) || log2 < 0 || log2 > MSI.PCI_MSI_MAX_LOG2_VECTORS) {
    throw new ConfigBuildError("ECAP_FIELD", `MSI: vectors ${vectors} is not a power of two in 1..32`);
  }
  const is64 = s.addr64 === true;
  const mask = s.perVectorMask === true;
  const flags =
    (log2 << MSI.PCI_MSI_FLAGS_QMASK_SHIFT) | (is64 ? MSI.PCI_MSI_FLAGS_64BIT : 0) | (mask ? MSI.PCI_MSI_FLAGS_MASKBIT : 0);
  defineRegister(cs, at + MSI.PCI_MSI_FLAGS, 2, flags, { rw: MSI.PCI_MSI_FLAGS_ENABLE | MSI.PCI_MSI_FLAGS_QSIZE });
  defineRegister(cs, at + MSI.PCI_MSI_ADDRESS_LO, 4, 0, { rw: MSI.PCI_MSI_ADDRESS_LO_MASK });
  if (is64) defineRegister(cs, at + MSI.PCI_MSI_ADDRESS_HI, 4, 0, { rw: 0xffffffff });
  defineRegister(cs, at + (is64 ? MSI.PCI_MSI_DATA_64 : MSI.PCI_MSI_DATA_32), 2, 0, { rw: 0xffff });
  if (mask) {
    const bits = vectors === 32 ? 0xffffffff : (1 << vectors) - 1;
    defineRegister(cs, at + (is64 ? MSI.PCI_MSI_MASK_64 : MSI.PCI_MSI_MASK_32), 4, 0, { rw: bits });
    defineRegister(cs, at + (is64 ? MSI.PCI_MSI_PENDING_64 : MSI.PCI_MSI_PENDING_32), 4, 0);
  }
}

function layoutMsix(cs: ConfigSpace, at: number, s: MsixSpec, bars: readonly BarSpec[]): void {
  field("MSI-X", "tableSize", s.tableSize, 1, MSIX.PCI_MSIX_MAX_ENTRIES);
  const place = (what: string, bir: number, offset: number, bytes: number): void => {
    field("MSI-X", `${what} BIR`, bir, 0, 5);
    if (!Number.isInteger(offset) || offset < 0 || offset > 0xfffffff8 || offset % 8 !== 0) {
      throw new ConfigBuildError("ECAP_FIELD", `MSI-X: ${what} offset ${offset} is not a QWORD-aligned 32-bit offset`);
    }
    const bar = bars.find((b) => b.index === bir);
    if (bar === undefined || bar.kind === "io") {
      throw new ConfigBuildError("ECAP_FIELD", `MSI-X: ${what} BIR ${bir} is not a memory BAR of this function`);
    }
    if (BigInt(offset + bytes) > bar.size) {
      throw new ConfigBuildError("ECAP_FIELD", `MSI-X: ${what} at 0x${offset.toString(16)} (+${bytes}) exceeds BAR ${bir}`);
    }
  };
  place("table", s.tableBir, s.tableOffset, s.tableSize * MSIX.PCI_MSIX_ENTRY_SIZE);
  place("PBA", s.pbaBir, s.pbaOffset, Math.ceil(s.tableSize / 64) * 8);
  defineRegister(cs, at + MSIX.PCI_MSIX_FLAGS, 2, s.tableSize - 1, { rw: MSIX.PCI_MSIX_FLAGS_ENABLE | MSIX.PCI_MSIX_FLAGS_MASKALL });
  defineRegister(cs, at + MSIX.PCI_MSIX_TABLE, 4, s.tableOffset | s.tableBir);
  defineRegister(cs, at + MSIX.PCI_MSIX_PBA, 4, s.pbaOffset | s.pbaBir);
}

const VALID_WIDTHS = [1, 2, 4, 8, 12, 16, 32];
const PAYLOADS = [128, 256, 512, 1024, 2048, 4096];

function layoutPcie(cs: ConfigSpace, at: number, s: PcieSpec): void {
  const type = s.portType;
  const code = PCIE_TYPE_NAME_TO_CODE[type];
  const version = s.version ?? 2;
  const downstream = portTypeIsDownstreamFacing(type);
  const slot = s.slotImplemented === true;
  if (slot && !downstream) throw new ConfigBuildError("ECAP_FIELD", `PCIe: a ${type} cannot implement a slot`);
  field("PCIe", "interruptMessage", s.interruptMessage, 0, 31);
  field("PCIe", "slotNumber", s.slotNumber, 0, 0x1fff);
  const payload = PAYLOADS.indexOf(s.maxPayload ?? 256);
  if (payload < 0) throw new ConfigBuildError("ECAP_FIELD", `PCIe: maxPayload ${String(s.maxPayload)} is not 128..4096`);

  defineRegister(cs, at + E.PCI_EXP_FLAGS, 2, version | (code << E.PCI_EXP_FLAGS_TYPE_SHIFT) | (slot ? E.PCI_EXP_FLAGS_SLOT : 0) | ((s.interruptMessage ?? 0) << 9));
  const extTag = s.extTag ?? true;
  defineRegister(
    cs,
    at + E.PCI_EXP_DEVCAP,
    4,
    payload | (extTag ? E.PCI_EXP_DEVCAP_EXT_TAG : 0) | E.PCI_EXP_DEVCAP_RBER | (s.flr === true ? E.PCI_EXP_DEVCAP_FLR : 0),
  );
  // Reset: relaxed ordering and no snoop enabled, Max_Read_Request_Size 512 bytes.
  const devctlRw = 0x7cff | (extTag ? E.PCI_EXP_DEVCTL_EXT_TAG : 0) | (type === "pcie-to-pci-bridge" ? E.PCI_EXP_DEVCTL_BCR_FLR : 0);
  defineRegister(cs, at + E.PCI_EXP_DEVCTL, 2, E.PCI_EXP_DEVCTL_RELAX_EN | E.PCI_EXP_DEVCTL_NOSNOOP_EN | (2 << E.PCI_EXP_DEVCTL_READRQ_SHIFT), { rw: devctlRw });
  defineRegister(cs, at + E.PCI_EXP_DEVSTA, 2, 0, {
    w1c: E.PCI_EXP_DEVSTA_CED | E.PCI_EXP_DEVSTA_NFED | E.PCI_EXP_DEVSTA_FED | E.PCI_EXP_DEVSTA_URD,
  });

  const hasLink = portTypeHasLink(type);
  const l = s.link;
  if (hasLink && l === undefined) throw new ConfigBuildError("ECAP_FIELD", `PCIe: a ${type} needs link capabilities`);
  if (!hasLink && l !== undefined) throw new ConfigBuildError("ECAP_FIELD", `PCIe: a ${type} has no link`);
  let maxSpeed = 0;
  if (l !== undefined) {
    const max = speedCodeFromGTs(l.maxSpeedGTs);
    const cur = speedCodeFromGTs(l.speedGTs ?? l.maxSpeedGTs);
    if (max === null || cur === null || cur > max) {
      throw new ConfigBuildError("ECAP_FIELD", `PCIe: link speeds ${String(l.speedGTs)}/${String(l.maxSpeedGTs)} GT/s invalid`);
    }
    maxSpeed = max;
    const width = l.width ?? l.maxWidth;
    if (!VALID_WIDTHS.includes(l.maxWidth) || !(width === 0 || VALID_WIDTHS.includes(width)) || width > l.maxWidth) {
      throw new ConfigBuildError("ECAP_FIELD", `PCIe: link widths x${width}/x${l.maxWidth} invalid`);
    }
    field("PCIe", "port", l.port, 0, 0xff);
    field("PCIe", "aspmSupport", l.aspmSupport, 0, 3);
    const dllla = l.linkActiveReporting ?? downstream;
    const lnkcap =
      max |
      (l.maxWidth << E.PCI_EXP_LNKCAP_MLW_SHIFT) |
      ((l.aspmSupport ?? 0) << 10) |
      (dllla ? E.PCI_EXP_LNKCAP_DLLLARC : 0) |
      (downstream ? E.PCI_EXP_LNKCAP_LBNC : 0) |
      ((l.port ?? 0) << E.PCI_EXP_LNKCAP_PN_SHIFT);
    defineRegister(cs, at + E.PCI_EXP_LNKCAP, 4, lnkcap);
    const lnkctlRw =
      E.PCI_EXP_LNKCTL_ASPMC |
      E.PCI_EXP_LNKCTL_CCC |
      E.PCI_EXP_LNKCTL_ES |
      E.PCI_EXP_LNKCTL_CLKREQ_EN |
      E.PCI_EXP_LNKCTL_HAWD |
      (downstream ? E.PCI_EXP_LNKCTL_LD | E.PCI_EXP_LNKCTL_LBMIE | E.PCI_EXP_LNKCTL_LABIE : E.PCI_EXP_LNKCTL_RCB);
    defineRegister(cs, at + E.PCI_EXP_LNKCTL, 2, 0, { rw: lnkctlRw });
    const up = width > 0;
    defineRegister(
      cs,
      at + E.PCI_EXP_LNKSTA,
      2,
      cur | (width << E.PCI_EXP_LNKSTA_NLW_SHIFT) | (up && dllla ? E.PCI_EXP_LNKSTA_DLLLA : 0),
      { w1c: downstream ? E.PCI_EXP_LNKSTA_LBMS | E.PCI_EXP_LNKSTA_LABS : 0 },
    );
    if (slot) {
      defineRegister(cs, at + E.PCI_EXP_SLTCAP, 4, (s.slotNumber ?? 0) << E.PCI_EXP_SLTCAP_PSN_SHIFT);
      defineRegister(cs, at + E.PCI_EXP_SLTCTL, 2, 0, { rw: E.PCI_EXP_SLTCTL_DEFINED });
      defineRegister(cs, at + E.PCI_EXP_SLTSTA, 2, up ? E.PCI_EXP_SLTSTA_PDS : 0, { w1c: E.PCI_EXP_SLTSTA_W1C });
    }
  }
  if (portTypeHasRoot(type)) {
    defineRegister(cs, at + E.PCI_EXP_RTCTL, 2, 0, { rw: E.PCI_EXP_RTCTL_DEFINED });
    defineRegister(cs, at + E.PCI_EXP_RTSTA, 4, 0, { w1c: E.PCI_EXP_RTSTA_PME });
  }
  if (version < 2) return;
  const ari = s.ariForwarding ?? downstream;
  if (ari && !downstream) throw new ConfigBuildError("ECAP_FIELD", `PCIe: ARI forwarding on a ${type}`);
  const ltr = s.ltr === true;
  defineRegister(cs, at + E.PCI_EXP_DEVCAP2, 4, E.PCI_EXP_DEVCAP2_COMP_TMOUT_DIS | (ari ? E.PCI_EXP_DEVCAP2_ARI : 0) | (ltr ? E.PCI_EXP_DEVCAP2_LTR : 0));
  defineRegister(cs, at + E.PCI_EXP_DEVCTL2, 2, 0, {
    rw:
      E.PCI_EXP_DEVCTL2_COMP_TIMEOUT |
      E.PCI_EXP_DEVCTL2_COMP_TMOUT_DIS |
      E.PCI_EXP_DEVCTL2_IDO_REQ_EN |
      E.PCI_EXP_DEVCTL2_IDO_CMP_EN |
      (ari ? E.PCI_EXP_DEVCTL2_ARI : 0) |
      (ltr ? E.PCI_EXP_DEVCTL2_LTR_EN : 0),
  });
  if (l !== undefined) {
    // Supported Link Speeds Vector: every speed up to the maximum (PCIe 4.0 §7.5.3.18).
    defineRegister(cs, at + E.PCI_EXP_LNKCAP2, 4, ((1 << maxSpeed) - 1) << 1);
    defineRegister(cs, at + E.PCI_EXP_LNKCTL2, 2, maxSpeed, { rw: 0xffff });
  }
}
