/**
 * Translations between register encodings and the model's names: link speed codes
 * (PCIe 4.0 §7.5.3.6/§7.5.3.18) and PCI Express Device/Port Type values (§7.5.3.2).
 */
import type { PciePortTypeName } from "../import/facts";
import * as E from "../spec/pcie";

/** Link speed code (LNKCAP.SLS / LNKSTA.CLS) to GT/s; other codes are reserved. */
export const LINK_SPEED_CODE_TO_GTS: Readonly<Record<number, number>> = {
  [E.PCI_EXP_LNK_SPEED_2_5GT]: 2.5,
  [E.PCI_EXP_LNK_SPEED_5_0GT]: 5,
  [E.PCI_EXP_LNK_SPEED_8_0GT]: 8,
  [E.PCI_EXP_LNK_SPEED_16_0GT]: 16,
  [E.PCI_EXP_LNK_SPEED_32_0GT]: 32,
  [E.PCI_EXP_LNK_SPEED_64_0GT]: 64,
};

/** The link speeds the model knows, in GT/s. */
export type LinkSpeedGTs = 2.5 | 5 | 8 | 16 | 32 | 64;

/** GT/s for a speed code, or null for a reserved code. */
export function speedGTsFromCode(code: number): number | null {
  return LINK_SPEED_CODE_TO_GTS[code] ?? null;
}

/** Speed code for GT/s, or null when the speed is not a PCIe rate. */
export function speedCodeFromGTs(gts: number): number | null {
  for (const [code, v] of Object.entries(LINK_SPEED_CODE_TO_GTS)) if (v === gts) return Number(code);
  return null;
}

/** Device/Port Type value to the model's port type name. */
export const PCIE_TYPE_CODE_TO_NAME: Readonly<Record<number, PciePortTypeName>> = {
  [E.PCI_EXP_TYPE_ENDPOINT]: "endpoint",
  [E.PCI_EXP_TYPE_LEG_END]: "legacy-endpoint",
  [E.PCI_EXP_TYPE_ROOT_PORT]: "root-port",
  [E.PCI_EXP_TYPE_UPSTREAM]: "upstream-port",
  [E.PCI_EXP_TYPE_DOWNSTREAM]: "downstream-port",
  [E.PCI_EXP_TYPE_PCI_BRIDGE]: "pcie-to-pci-bridge",
  [E.PCI_EXP_TYPE_PCIE_BRIDGE]: "pci-to-pcie-bridge",
  [E.PCI_EXP_TYPE_RC_END]: "rc-endpoint",
  [E.PCI_EXP_TYPE_RC_EC]: "rc-event-collector",
};

/** Port type name to its Device/Port Type value. */
export const PCIE_TYPE_NAME_TO_CODE: Readonly<Record<PciePortTypeName, number>> = {
  endpoint: E.PCI_EXP_TYPE_ENDPOINT,
  "legacy-endpoint": E.PCI_EXP_TYPE_LEG_END,
  "root-port": E.PCI_EXP_TYPE_ROOT_PORT,
  "upstream-port": E.PCI_EXP_TYPE_UPSTREAM,
  "downstream-port": E.PCI_EXP_TYPE_DOWNSTREAM,
  "pcie-to-pci-bridge": E.PCI_EXP_TYPE_PCI_BRIDGE,
  "pci-to-pcie-bridge": E.PCI_EXP_TYPE_PCIE_BRIDGE,
  "rc-endpoint": E.PCI_EXP_TYPE_RC_END,
  "rc-event-collector": E.PCI_EXP_TYPE_RC_EC,
};

/**
 * Whether a port type has link registers (models `pcie_cap_has_lnkctl`): every type but
 * root complex integrated endpoints and event collectors.
 */
export function portTypeHasLink(type: PciePortTypeName): boolean {
  return type !== "rc-endpoint" && type !== "rc-event-collector";
}

/**
 * Whether a port faces downstream (models `pcie_downstream_port`): root ports, switch
 * downstream ports and PCI/PCI-X to PCIe bridges. Only these may implement a slot
 * (`pcie_cap_has_sltctl`).
 */
export function portTypeIsDownstreamFacing(type: PciePortTypeName): boolean {
  return type === "root-port" || type === "downstream-port" || type === "pci-to-pcie-bridge";
}

/** Whether a port type has the root registers (models `pcie_cap_has_rtctl`). */
export function portTypeHasRoot(type: PciePortTypeName): boolean {
  return type === "root-port" || type === "rc-event-collector";
}
