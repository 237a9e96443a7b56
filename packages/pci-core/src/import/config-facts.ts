/**
 * Facts read from captured configuration bytes (an `lspci -x` dump or a sysfs `config` file):
 * the header fields, and, when the capture is long enough to hold them, the PCI Express
 * capability (port type, link) and the ACS extended capability. Shared by the hex, verbose and
 * sysfs importers. A capture too short to hold a register leaves its fact unknown.
 */
import { listCapabilities, listExtCapabilities } from "../capability-walk";
import { ConfigSpace } from "../config-space";
import {
  PCI_CFG_SIZE,
  PCI_CLASS_PROG,
  PCI_DEVICE_ID,
  PCI_HEADER_TYPE,
  PCI_HEADER_TYPE_MASK,
  PCI_HEADER_TYPE_MFD,
  PCI_PRIMARY_BUS,
  PCI_REVISION_ID,
  PCI_SECONDARY_BUS,
  PCI_STATUS,
  PCI_STATUS_CAP_LIST,
  PCI_SUBORDINATE_BUS,
  PCI_SUBSYSTEM_ID,
  PCI_SUBSYSTEM_VENDOR_ID,
  PCI_VENDOR_ID,
} from "../spec/header";
import type { AcsFacts, LinkFacts, PciePortTypeName } from "./facts";

/** PCIe 4.0 §7.5.3: capability id of the PCI Express capability. */
const PCI_CAP_ID_EXP = 0x10;
/** PCIe 4.0 §7.7.8: extended capability id of ACS. */
const PCI_EXT_CAP_ID_ACS = 0x0d;
/** CardBus header: CardBus bus number and subordinate bus (PCI-to-CardBus bridge spec). */
const PCI_CB_CARD_BUS = 0x19;
const PCI_CB_SUBORDINATE_BUS = 0x1a;
const PCI_CB_PRIMARY_BUS = 0x18;

/** PCIe Capabilities register bits 7:4 (PCIe 4.0 §7.5.3.2) to port type names. */
export const PCIE_PORT_TYPES: Readonly<Record<number, PciePortTypeName>> = {
  0x0: "endpoint",
  0x1: "legacy-endpoint",
  0x4: "root-port",
  0x5: "upstream-port",
  0x6: "downstream-port",
  0x7: "pcie-to-pci-bridge",
  0x8: "pci-to-pcie-bridge",
  0x9: "rc-endpoint",
  0xa: "rc-event-collector",
};

/** Link Capabilities / Link Status speed codes (PCIe 4.0 §7.5.3.6) in GT/s. */
export const LINK_SPEED_GTS: Readonly<Record<number, number>> = { 1: 2.5, 2: 5, 3: 8, 4: 16, 5: 32, 6: 64 };

/** What captured config bytes say; undefined fields are not readable from this capture. */
export interface ConfigDerivedFacts {
  vendor: number;
  device: number;
  revision: number;
  classCode: number;
  headerType?: 0 | 1 | 2;
  multifunction: boolean;
  subsystemVendor?: number;
  subsystemDevice?: number;
  primaryBus?: number;
  secondaryBus?: number;
  subordinateBus?: number;
  isPcie?: boolean;
  pcieType?: PciePortTypeName;
  link?: LinkFacts;
  acs?: AcsFacts;
}

/**
 * Reads the facts of one function from its captured config bytes (at least 64 bytes).
 * Standard capabilities need 256 bytes, extended ones (ACS) 4096; shorter captures leave
 * them unknown. Never throws for any byte content of length 64..4096.
 */
export function factsFromConfig(bytes: Uint8Array): ConfigDerivedFacts {
  const padded = new Uint8Array(Math.max(PCI_CFG_SIZE, bytes.length > PCI_CFG_SIZE ? 4096 : PCI_CFG_SIZE));
  padded.set(bytes.subarray(0, Math.min(bytes.length, 4096)));
  const cs = ConfigSpace.fromBytes(padded);
  const ht = cs.read8(PCI_HEADER_TYPE);
  const layout = ht & PCI_HEADER_TYPE_MASK;
  const out: ConfigDerivedFacts = {
    vendor: cs.read16(PCI_VENDOR_ID),
    device: cs.read16(PCI_DEVICE_ID),
    revision: cs.read8(PCI_REVISION_ID),
    classCode: (cs.read16(0x0a) << 8) | cs.read8(PCI_CLASS_PROG),
    multifunction: (ht & PCI_HEADER_TYPE_MFD) !== 0,
  };
  if (layout === 0 || layout === 1 || layout === 2) out.headerType = layout;
  if (layout === 0) {
    out.subsystemVendor = cs.read16(PCI_SUBSYSTEM_VENDOR_ID);
    out.subsystemDevice = cs.read16(PCI_SUBSYSTEM_ID);
  } else if (layout === 1) {
    out.primaryBus = cs.read8(PCI_PRIMARY_BUS);
    out.secondaryBus = cs.read8(PCI_SECONDARY_BUS);
    out.subordinateBus = cs.read8(PCI_SUBORDINATE_BUS);
  } else if (layout === 2) {
    out.primaryBus = cs.read8(PCI_CB_PRIMARY_BUS);
    out.secondaryBus = cs.read8(PCI_CB_CARD_BUS);
    out.subordinateBus = cs.read8(PCI_CB_SUBORDINATE_BUS);
  }
  const hasCapList = (cs.read16(PCI_STATUS) & PCI_STATUS_CAP_LIST) !== 0;
  if (!hasCapList) {
    // No capability list at all: conventional PCI, hence no extended space and no ACS.
    out.isPcie = false;
    out.acs = "absent";
    return out;
  }
  if (bytes.length < PCI_CFG_SIZE) return out; // the list lives beyond a 64-byte capture
  const exp = listCapabilities(cs).find((c) => c.id === PCI_CAP_ID_EXP);
  if (!exp || exp.offset + 0x14 > PCI_CFG_SIZE) {
    out.isPcie = false;
    out.acs = "absent";
    return out;
  }
  out.isPcie = true;
  const flags = cs.read16(exp.offset + 2);
  const type = PCIE_PORT_TYPES[(flags >> 4) & 0xf];
  if (type !== undefined) out.pcieType = type;
  if (type !== "rc-endpoint" && type !== "rc-event-collector") {
    const lnkcap = cs.read32(exp.offset + 0x0c);
    const lnksta = cs.read16(exp.offset + 0x12);
    const link: { maxSpeedGTs?: number; maxWidth?: number; speedGTs?: number; width?: number } = {};
    const maxSpeed = LINK_SPEED_GTS[lnkcap & 0xf];
    if (maxSpeed !== undefined) link.maxSpeedGTs = maxSpeed;
    link.maxWidth = (lnkcap >> 4) & 0x3f;
    const speed = LINK_SPEED_GTS[lnksta & 0xf];
    if (speed !== undefined) link.speedGTs = speed;
    link.width = (lnksta >> 4) & 0x3f;
    out.link = link;
  }
  if (bytes.length < 4096) {
    out.acs = "unknown";
    return out;
  }
  const acs = listExtCapabilities(cs).find((c) => c.id === PCI_EXT_CAP_ID_ACS);
  out.acs = acs && acs.offset + 8 <= 4096 ? { cap: cs.read16(acs.offset + 4), ctl: cs.read16(acs.offset + 6) } : "absent";
  return out;
}
