/**
 * Extended capability bodies (after the header dword the builder chains): AER, ACS, ARI,
 * Device Serial Number and SR-IOV, with the access masks their specifications give.
 */
import type { PciePortTypeName } from "../import/facts";
import type { ConfigSpace } from "../config-space";
import * as A from "../spec/acs";
import * as AER from "../spec/aer";
import * as C from "../spec/capability-ids";
import * as S from "../spec/sriov";
import { portTypeHasRoot } from "./codes";
import { ConfigBuildError } from "./errors";
import { layoutBars } from "./layout-bars";
import { defineRegister } from "./register";
import type { AcsSpec, AerSpec, ExtCapabilitySpec, SriovSpec } from "./types";

function field(cap: string, name: string, v: number | undefined, min: number, max: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) {
    throw new ConfigBuildError("ECAP_FIELD", `${cap}: ${name} ${v} outside ${min}..${max}`);
  }
}

/** Extended capability id of a kind. */
export function extCapabilityId(spec: ExtCapabilitySpec): number {
  switch (spec.kind) {
    case "aer":
      return C.PCI_EXT_CAP_ID_ERR;
    case "acs":
      return C.PCI_EXT_CAP_ID_ACS;
    case "ari":
      return C.PCI_EXT_CAP_ID_ARI;
    case "dsn":
      return C.PCI_EXT_CAP_ID_DSN;
    case "sriov":
      return C.PCI_EXT_CAP_ID_SRIOV;
  }
}

/** Capability version written in the header (1 unless the description says otherwise). */
export function extCapabilityVersion(spec: ExtCapabilitySpec): number {
  const v = spec.kind === "aer" ? (spec.version ?? 2) : spec.kind === "acs" ? (spec.version ?? 1) : 1;
  field(spec.kind, "version", v, 1, 15);
  return v;
}

function egressBits(s: AcsSpec): number {
  return (s.cap & A.PCI_ACS_EC) !== 0 ? (s.egressVectorBits ?? 8) : 0;
}

/** Size in bytes of an extended capability as laid out. */
export function extCapabilitySize(spec: ExtCapabilitySpec, portType: PciePortTypeName | undefined): number {
  switch (spec.kind) {
    case "aer":
      return portType !== undefined && portTypeHasRoot(portType) ? AER.PCI_EXT_CAP_AER_ROOT_SIZEOF : AER.PCI_EXT_CAP_AER_SIZEOF;
    case "acs":
      return A.PCI_EXT_CAP_ACS_SIZEOF + 4 * Math.ceil(egressBits(spec) / 32);
    case "ari":
      return C.PCI_EXT_CAP_ARI_SIZEOF;
    case "dsn":
      return C.PCI_EXT_CAP_DSN_SIZEOF;
    case "sriov":
      return S.PCI_EXT_CAP_SRIOV_SIZEOF;
  }
}

/** Lays out an extended capability body at `at`. */
export function layoutExtCapability(cs: ConfigSpace, at: number, spec: ExtCapabilitySpec, portType: PciePortTypeName | undefined): void {
  switch (spec.kind) {
    case "aer":
      return layoutAer(cs, at, spec, portType);
    case "acs":
      return layoutAcs(cs, at, spec);
    case "ari":
      field("ARI", "nextFunction", spec.nextFunction, 0, 0xff);
      defineRegister(cs, at + C.PCI_ARI_CAP, 2, (spec.nextFunction ?? 0) << C.PCI_ARI_CAP_NFN_SHIFT);
      defineRegister(cs, at + C.PCI_ARI_CTRL, 2, 0);
      return;
    case "dsn":
      if (spec.serial < 0n || spec.serial >= 1n << 64n) throw new ConfigBuildError("ECAP_FIELD", "DSN: serial is not a 64-bit value");
      defineRegister(cs, at + C.PCI_DSN_LOWER, 4, Number(spec.serial & 0xffffffffn));
      defineRegister(cs, at + C.PCI_DSN_UPPER, 4, Number(spec.serial >> 32n));
      return;
    case "sriov":
      return layoutSriov(cs, at, spec);
  }
}

function layoutAer(cs: ConfigSpace, at: number, s: AerSpec, portType: PciePortTypeName | undefined): void {
  const unc = AER.PCI_ERR_UNC_DEFINED;
  const cor = AER.PCI_ERR_COR_DEFINED;
  defineRegister(cs, at + AER.PCI_ERR_UNCOR_STATUS, 4, 0, { w1c: unc });
  defineRegister(cs, at + AER.PCI_ERR_UNCOR_MASK, 4, (s.uncorrectableMask ?? 0) & unc, { rw: unc });
  defineRegister(cs, at + AER.PCI_ERR_UNCOR_SEVER, 4, (s.uncorrectableSeverity ?? AER.PCI_ERR_UNC_SEVER_DEFAULT) & unc, { rw: unc });
  defineRegister(cs, at + AER.PCI_ERR_COR_STATUS, 4, 0, { w1c: cor });
  defineRegister(cs, at + AER.PCI_ERR_COR_MASK, 4, (s.correctableMask ?? AER.PCI_ERR_COR_MASK_DEFAULT) & cor, { rw: cor });
  const gen = s.ecrcGenerationCapable === true;
  const chk = s.ecrcCheckCapable === true;
  defineRegister(cs, at + AER.PCI_ERR_CAP, 4, (gen ? AER.PCI_ERR_CAP_ECRC_GENC : 0) | (chk ? AER.PCI_ERR_CAP_ECRC_CHKC : 0), {
    rw: (gen ? AER.PCI_ERR_CAP_ECRC_GENE : 0) | (chk ? AER.PCI_ERR_CAP_ECRC_CHKE : 0),
  });
  if (portType !== undefined && portTypeHasRoot(portType)) {
    defineRegister(cs, at + AER.PCI_ERR_ROOT_COMMAND, 4, 0, { rw: AER.PCI_ERR_ROOT_CMD_DEFINED });
    defineRegister(cs, at + AER.PCI_ERR_ROOT_STATUS, 4, 0, { w1c: AER.PCI_ERR_ROOT_STATUS_W1C });
  }
}

function layoutAcs(cs: ConfigSpace, at: number, s: AcsSpec): void {
  field("ACS", "cap", s.cap, 0, A.PCI_ACS_ALL);
  field("ACS", "ctl", s.ctl, 0, A.PCI_ACS_ALL);
  const ctl = s.ctl ?? 0;
  if ((ctl & ~s.cap) !== 0) {
    throw new ConfigBuildError("ECAP_FIELD", `ACS: control 0x${ctl.toString(16)} sets bits the capability 0x${s.cap.toString(16)} does not advertise`);
  }
  const bits = egressBits(s);
  if (bits !== 0) field("ACS", "egressVectorBits", bits, 1, 256);
  defineRegister(cs, at + A.PCI_ACS_CAP, 2, s.cap | ((bits & 0xff) << A.PCI_ACS_CAP_EGRESS_BITS_SHIFT));
  defineRegister(cs, at + A.PCI_ACS_CTRL, 2, ctl, { rw: s.cap });
  for (let i = 0; i < Math.ceil(bits / 32); i++) {
    const left = bits - 32 * i;
    defineRegister(cs, at + A.PCI_ACS_EGRESS_CTL_V + 4 * i, 4, 0, { rw: left >= 32 ? 0xffffffff : (1 << left) - 1 });
  }
}

function layoutSriov(cs: ConfigSpace, at: number, s: SriovSpec): void {
  field("SR-IOV", "totalVFs", s.totalVFs, 0, 0xffff);
  field("SR-IOV", "initialVFs", s.initialVFs, 0, s.totalVFs);
  field("SR-IOV", "numVFs", s.numVFs, 0, s.totalVFs);
  field("SR-IOV", "vfOffset", s.vfOffset, 0, 0xffff);
  field("SR-IOV", "vfStride", s.vfStride, 0, 0xffff);
  field("SR-IOV", "vfDeviceId", s.vfDeviceId, 0, 0xffff);
  field("SR-IOV", "functionDependencyLink", s.functionDependencyLink, 0, 0xff);
  const pages = s.supportedPageSizes ?? 0x553;
  if (!Number.isInteger(pages) || pages <= 0 || pages > 0xffffffff || (pages & 1) === 0) {
    throw new ConfigBuildError("ECAP_FIELD", "SR-IOV: supported page sizes must include 4 KiB (bit 0)");
  }
  const vfm = s.vfMigration === true;
  defineRegister(cs, at + S.PCI_SRIOV_CAP, 4, vfm ? S.PCI_SRIOV_CAP_VFM : 0);
  defineRegister(cs, at + S.PCI_SRIOV_CTRL, 2, 0, {
    rw: S.PCI_SRIOV_CTRL_VFE | S.PCI_SRIOV_CTRL_MSE | S.PCI_SRIOV_CTRL_ARI | (vfm ? S.PCI_SRIOV_CTRL_VFM | S.PCI_SRIOV_CTRL_INTR : 0),
  });
  defineRegister(cs, at + S.PCI_SRIOV_STATUS, 2, 0, { w1c: vfm ? S.PCI_SRIOV_STATUS_VFM : 0 });
  defineRegister(cs, at + S.PCI_SRIOV_INITIAL_VF, 2, s.initialVFs ?? s.totalVFs);
  defineRegister(cs, at + S.PCI_SRIOV_TOTAL_VF, 2, s.totalVFs);
  defineRegister(cs, at + S.PCI_SRIOV_NUM_VF, 2, s.numVFs ?? 0, { rw: 0xffff });
  defineRegister(cs, at + S.PCI_SRIOV_FUNC_LINK, 1, s.functionDependencyLink ?? 0);
  defineRegister(cs, at + S.PCI_SRIOV_VF_OFFSET, 2, s.vfOffset);
  defineRegister(cs, at + S.PCI_SRIOV_VF_STRIDE, 2, s.vfStride);
  defineRegister(cs, at + S.PCI_SRIOV_VF_DID, 2, s.vfDeviceId);
  defineRegister(cs, at + S.PCI_SRIOV_SUP_PGSIZE, 4, pages);
  defineRegister(cs, at + S.PCI_SRIOV_SYS_PGSIZE, 4, 1, { rw: pages });
  layoutBars(cs, s.vfBars ?? [], at + S.PCI_SRIOV_BAR, S.PCI_SRIOV_NUM_BARS, "VF BAR");
  defineRegister(cs, at + S.PCI_SRIOV_VFM, 4, 0);
}
