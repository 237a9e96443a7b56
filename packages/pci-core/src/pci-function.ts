/**
 * A PCI function (`struct pci_dev`): its address, its config space, its place in the bus tree,
 * its resources and, for SR-IOV, its PF/VF relations. Identity fields are read from config
 * space the way `pci_setup_device` caches them; facts an imported capture did not state are
 * listed in {@link PciFunction.unknown} and must be reported as unknown by every consumer.
 */
import type { ConfigSpace } from "./config-space";
import type { PciBus } from "./pci-bus";
import type { PciDriver } from "./driver";
import type { Resource } from "./resource";
import type { ModelSpec } from "./topology/schema";
import { KDevice } from "./device";
import { formatBdf, funcOf, slotOf } from "./bdf";
import { findCapability } from "./capability-walk";
import { findExtCapabilityEntry } from "./capabilities/read-util";
import { emptyResource, PCI_NUM_RESOURCES } from "./resource";
import {
  PCI_CLASS_BRIDGE_HOST,
  PCI_CLASS_REVISION,
  PCI_DEVICE_ID,
  PCI_HEADER_TYPE,
  PCI_HEADER_TYPE_MASK,
  PCI_HEADER_TYPE_MFD,
  PCI_INTERRUPT_LINE,
  PCI_INTERRUPT_PIN,
  PCI_SUBSYSTEM_ID,
  PCI_SUBSYSTEM_VENDOR_ID,
  PCI_VENDOR_ID,
} from "./spec/header";

/** The function types of the CLI contract (architecture.md, `topo show`). */
export const PCI_FUNCTION_TYPES = [
  "host-bridge",
  "root-port",
  "upstream-port",
  "downstream-port",
  "pci-bridge",
  "endpoint",
  "rc-endpoint",
] as const;
export type PciFunctionType = (typeof PCI_FUNCTION_TYPES)[number];

/** Facts a capture may leave unknown; the model never guesses them. */
export type UnknownFact =
  | "ids" // vendor/device/subsystem ids
  | "class"
  | "pcie" // whether and how the function is PCI Express (port type, link)
  | "acs" // ACS capability and control registers
  | "bars" // BAR sizes/addresses
  | "numa"
  | "config"; // config space beyond the header is synthesized, not captured

/** PCIe capability ID and the Device/Port Type values of its flags register (PCIe 4.0 §7.5.3.2). */
const PCI_CAP_ID_EXP = 0x10;
const PCI_EXP_FLAGS = 2;
const PCI_EXT_CAP_ID_ACS = 0x0d;
const PCI_CAP_ID_SSVID = 0x0d;
const PCI_CB_SUBSYSTEM_VENDOR_ID = 0x40;
const PCI_CB_SUBSYSTEM_ID = 0x42;
export const PCI_EXP_TYPE = {
  ENDPOINT: 0x0,
  LEG_END: 0x1,
  ROOT_PORT: 0x4,
  UPSTREAM: 0x5,
  DOWNSTREAM: 0x6,
  PCI_BRIDGE: 0x7,
  PCIE_BRIDGE: 0x8,
  RC_END: 0x9,
  RC_EC: 0xa,
} as const;

let nextSerial = 0;

export interface PciFunctionInit {
  readonly bus: PciBus;
  readonly devfn: number;
  readonly config: ConfigSpace;
  readonly unknown?: Iterable<UnknownFact>;
  /** The type when config space cannot tell it (an import without capabilities). */
  readonly declaredType?: PciFunctionType;
  readonly physfn?: PciFunction;
  readonly numaNode?: number;
  /** A user label from a topology file (`nic0`, `nvme1`), unique in a system. */
  readonly label?: string;
  /** Vendor and device names as a capture printed them (lspci), for display only. */
  readonly displayName?: string;
  /** The topology file's opaque hardware-model description, for the layers that interpret it. */
  readonly model?: ModelSpec;
}

export class PciFunction extends KDevice {
  readonly domain: number;
  readonly devfn: number;
  readonly bus: PciBus;
  readonly config: ConfigSpace;
  readonly unknown: ReadonlySet<UnknownFact>;
  readonly declaredType: PciFunctionType | undefined;
  readonly label: string | undefined;
  readonly displayName: string | undefined;
  /** The topology file's `model:` entry (`{kind: nvme, ...}`), if any. */
  readonly model: ModelSpec | undefined;
  /** The bus below this bridge, once enumerated; null for non-bridges. */
  subordinate: PciBus | null = null;
  /** The PF of an SR-IOV virtual function (`pci_physfn`), else null. */
  readonly physfn: PciFunction | null;
  /** The VFs of a PF, in VF index order. */
  readonly virtfns: PciFunction[] = [];
  /** `resource[PCI_NUM_RESOURCES]`: CPU addresses. */
  readonly resources: Resource[] = Array.from({ length: PCI_NUM_RESOURCES }, emptyResource);
  /** NUMA node (`dev_to_node`), -1 when none. */
  numaNode: number;
  /** The bound driver, or null. */
  driver: PciDriver | null = null;
  /** The bound driver's private data (`pci_set_drvdata`). */
  driverData: unknown = undefined;
  /** False once the function was removed from the system (hot or surprise removal). */
  present = true;
  /** Registration order, a stable tiebreak for iteration (`pci_get_device` order). */
  readonly serial = nextSerial++;
  /** Cached `pcie_cap` (0 when none), as `set_pcie_port_type` caches it. */
  readonly pcieCap: number;
  /** Cached ACS capability offset (`dev->acs_cap`), 0 when none. */
  readonly acsCap: number;

  constructor(init: PciFunctionInit) {
    // A VF's device parent is its PF's parent (`pci_iov_add_virtfn`); others hang below the
    // bridge leading to their bus, or below the host bridge on a root bus.
    super(
      formatBdf({ domain: init.bus.domain, bus: init.bus.number, devfn: init.devfn }),
      init.physfn ? init.physfn.parent : (init.bus.self ?? init.bus.hostBridge.device),
    );
    this.domain = init.bus.domain;
    this.devfn = init.devfn;
    this.bus = init.bus;
    this.config = init.config;
    this.unknown = new Set(init.unknown ?? []);
    this.declaredType = init.declaredType;
    this.physfn = init.physfn ?? null;
    this.numaNode = init.numaNode ?? -1;
    this.label = init.label;
    this.displayName = init.displayName;
    this.model = init.model;
    this.pcieCap = findCapability(init.config, PCI_CAP_ID_EXP);
    // Extended capabilities exist only with extended config space (`pci_cfg_space_size`).
    this.acsCap = findExtCapabilityEntry(init.config, PCI_EXT_CAP_ID_ACS)?.offset ?? 0;
  }

  /** `dev_driver_string()`: the bound driver's name, else the bus name `pci`. */
  override get driverString(): string {
    return this.driver?.name ?? "pci";
  }

  override get isPci(): boolean {
    return true;
  }

  get busNumber(): number {
    return this.bus.number;
  }
  get slot(): number {
    return slotOf(this.devfn);
  }
  get fn(): number {
    return funcOf(this.devfn);
  }

  get vendor(): number {
    return this.config.read16(PCI_VENDOR_ID);
  }
  get device(): number {
    return this.config.read16(PCI_DEVICE_ID);
  }
  /**
   * Models `pci_setup_device`'s subsystem IDs: type 0 headers at 0x2c/0x2e; bridges from the
   * SSVID capability (0 without one); CardBus at 0x40/0x42; a VF reports its PF's
   * (`pci_read_vf_config_common`).
   */
  get subsystemVendor(): number {
    return this.subsystemIds()[0];
  }
  get subsystemDevice(): number {
    return this.subsystemIds()[1];
  }

  private subsystemIds(): [number, number] {
    if (this.physfn) return [this.physfn.subsystemVendor, this.physfn.subsystemDevice];
    switch (this.headerType) {
      case 1: {
        const ssvid = findCapability(this.config, PCI_CAP_ID_SSVID);
        return ssvid ? [this.config.read16(ssvid + 4), this.config.read16(ssvid + 6)] : [0, 0];
      }
      case 2:
        return [this.config.read16(PCI_CB_SUBSYSTEM_VENDOR_ID), this.config.read16(PCI_CB_SUBSYSTEM_ID)];
      default:
        return [this.config.read16(PCI_SUBSYSTEM_VENDOR_ID), this.config.read16(PCI_SUBSYSTEM_ID)];
    }
  }

  /** Models `pci_read_irq`: the Interrupt Line when an interrupt pin is wired, else 0. */
  get irq(): number {
    return this.config.read8(PCI_INTERRUPT_PIN) !== 0 ? this.config.read8(PCI_INTERRUPT_LINE) : 0;
  }
  /** 24-bit class code (`dev->class`). */
  get classCode(): number {
    return this.config.read32(PCI_CLASS_REVISION) >>> 8;
  }
  get revision(): number {
    return this.config.read8(PCI_CLASS_REVISION);
  }
  /** Header layout: 0 normal, 1 bridge, 2 CardBus. */
  get headerType(): number {
    return this.config.read8(PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MASK;
  }
  get multifunction(): boolean {
    return (this.config.read8(PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MFD) !== 0;
  }
  get isVirtfn(): boolean {
    return this.physfn !== null;
  }
  get isBridge(): boolean {
    return this.headerType === 1 || this.headerType === 2;
  }

  /** Models `pci_pcie_type()`: the Device/Port Type, or null when not PCIe (or unknown). */
  get pcieType(): number | null {
    if (this.pcieCap === 0) return null;
    return (this.config.read16(this.pcieCap + PCI_EXP_FLAGS) >> 4) & 0xf;
  }

  /** The function's type in the vocabulary of the CLI contract. */
  get type(): PciFunctionType {
    const t = this.pcieType;
    if (t !== null && !this.unknown.has("pcie")) {
      switch (t) {
        case PCI_EXP_TYPE.ROOT_PORT:
          return "root-port";
        case PCI_EXP_TYPE.UPSTREAM:
          return "upstream-port";
        case PCI_EXP_TYPE.DOWNSTREAM:
          return "downstream-port";
        case PCI_EXP_TYPE.PCI_BRIDGE:
        case PCI_EXP_TYPE.PCIE_BRIDGE:
          return "pci-bridge";
        case PCI_EXP_TYPE.RC_END:
        case PCI_EXP_TYPE.RC_EC:
          return "rc-endpoint";
        default:
          break;
      }
    }
    if (this.declaredType !== undefined) return this.declaredType;
    if (!this.unknown.has("class") && this.classCode >> 8 === PCI_CLASS_BRIDGE_HOST) return "host-bridge";
    if (this.isBridge) return "pci-bridge";
    return "endpoint";
  }

  /** ACS capability and control registers, null without the capability, "unknown" when not captured. */
  acs(): { cap: number; ctl: number } | null | "unknown" {
    if (this.unknown.has("acs")) return "unknown";
    if (this.acsCap === 0) return null;
    return { cap: this.config.read16(this.acsCap + 4), ctl: this.config.read16(this.acsCap + 6) };
  }

  override toString(): string {
    return this.name;
  }
}
