/**
 * Config space for a function known only from text facts (a tree or verbose capture without
 * hex): the header from the stated ids and class, and, where stated, a PCI Express capability
 * (port type, link) and an ACS extended capability. Everything else stays zero and the
 * function's `unknown` set says so.
 */
import type { FunctionFacts, PciePortTypeName } from "../import/facts";
import { ConfigSpace } from "../config-space";
import * as H from "../spec/header";

const PORT_TYPE_CODE: Readonly<Record<PciePortTypeName, number>> = {
  endpoint: 0x0,
  "legacy-endpoint": 0x1,
  "root-port": 0x4,
  "upstream-port": 0x5,
  "downstream-port": 0x6,
  "pcie-to-pci-bridge": 0x7,
  "pci-to-pcie-bridge": 0x8,
  "rc-endpoint": 0x9,
  "rc-event-collector": 0xa,
};

const SPEED_CODE: Readonly<Record<number, number>> = { 2.5: 1, 5: 2, 8: 3, 16: 4, 32: 5, 64: 6 };

const PCIE_CAP_AT = 0x40;
const ACS_CAP_AT = 0x100;

/** Builds a config space carrying exactly the stated facts. */
export function synthesizeConfig(f: FunctionFacts): ConfigSpace {
  const needsExt = typeof f.acs === "object";
  const cs = new ConfigSpace(needsExt ? H.PCIE_CFG_SIZE : H.PCI_CFG_SIZE);
  cs.init(H.PCI_VENDOR_ID, 2, f.vendor ?? 0xffff);
  cs.init(H.PCI_DEVICE_ID, 2, f.device ?? 0xffff);
  const cls = f.classCode ?? (f.class16 !== undefined ? f.class16 << 8 : 0);
  cs.init(H.PCI_CLASS_REVISION, 4, ((cls << 8) | (f.revision ?? 0)) >>> 0);
  const bridge = f.headerType === 1 || f.secondaryBus !== undefined;
  cs.init(H.PCI_HEADER_TYPE, 1, (bridge ? H.PCI_HEADER_TYPE_BRIDGE : f.headerType ?? 0) | (f.multifunction ? H.PCI_HEADER_TYPE_MFD : 0));
  if (bridge) {
    cs.init(H.PCI_PRIMARY_BUS, 1, f.primaryBus ?? 0);
    cs.init(H.PCI_SECONDARY_BUS, 1, f.secondaryBus ?? 0);
    cs.init(H.PCI_SUBORDINATE_BUS, 1, f.subordinateBus ?? f.secondaryBus ?? 0);
  } else {
    cs.init(H.PCI_SUBSYSTEM_VENDOR_ID, 2, f.subsystemVendor ?? 0);
    cs.init(H.PCI_SUBSYSTEM_ID, 2, f.subsystemDevice ?? 0);
  }
  if (f.pcieType !== undefined) {
    cs.init(H.PCI_STATUS, 2, H.PCI_STATUS_CAP_LIST);
    cs.init(H.PCI_CAPABILITY_LIST, 1, PCIE_CAP_AT);
    cs.init(PCIE_CAP_AT, 2, 0x0010); // PCI Express capability, end of list
    cs.init(PCIE_CAP_AT + 2, 2, 0x0002 | (PORT_TYPE_CODE[f.pcieType] << 4));
    const link = f.link ?? {};
    const maxSpeed = link.maxSpeedGTs !== undefined ? (SPEED_CODE[link.maxSpeedGTs] ?? 0) : 0;
    cs.init(PCIE_CAP_AT + 0x0c, 4, maxSpeed | ((link.maxWidth ?? 0) << 4));
    const speed = link.speedGTs !== undefined ? (SPEED_CODE[link.speedGTs] ?? 0) : 0;
    cs.init(PCIE_CAP_AT + 0x12, 2, speed | ((link.width ?? 0) << 4));
  }
  if (typeof f.acs === "object") {
    cs.init(ACS_CAP_AT, 4, 0x0d | (1 << 16)); // ACS, version 1, end of list
    cs.init(ACS_CAP_AT + 4, 2, f.acs.cap);
    cs.init(ACS_CAP_AT + 6, 2, f.acs.ctl);
    // Control bits are writable where the capability advertises them (PCIe 4.0 §7.7.8.3).
    cs.setAccess(ACS_CAP_AT + 6, 2, { rw: f.acs.cap & 0x7f });
  }
  return cs;
}
