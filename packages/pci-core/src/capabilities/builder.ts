/**
 * The config-space builder: from a typed description of a function (header, BARs, ROM,
 * capabilities) it lays out a fresh {@link ConfigSpace} with the access masks real hardware
 * has. Standard capabilities are chained from 0x40 upward in the order given, extended ones
 * from 0x100 (which makes the space 4096 bytes). Firmware-style BAR sizing, W1C status bits
 * and RW control registers then behave as on a real device.
 */
import { ConfigSpace } from "../config-space";
import * as C from "../spec/capability-ids";
import { PCIE_CFG_SIZE, PCI_CFG_EXT_START, PCI_CFG_SIZE } from "../spec/header";
import { ConfigBuildError } from "./errors";
import { layoutHeader } from "./layout-header";
import { extCapabilityId, extCapabilitySize, extCapabilityVersion, layoutExtCapability } from "./layout-ext";
import { layoutStdCapability, stdCapabilityId, stdCapabilitySize } from "./layout-std";
import { defineRegister } from "./register";
import type {
  AcsSpec,
  AerSpec,
  AriSpec,
  BarSpec,
  CapabilitySpec,
  ConfigDescription,
  DsnSpec,
  ExtCapabilitySpec,
  HeaderSpec,
  MsiSpec,
  MsixSpec,
  PcieSpec,
  PlacedCapability,
  PmSpec,
  RomSpec,
  SriovSpec,
  SsvidSpec,
  StdCapabilitySpec,
} from "./types";

const EXTENDED_KINDS: ReadonlySet<CapabilitySpec["kind"]> = new Set(["aer", "acs", "ari", "dsn", "sriov"]);

/** Whether a capability description belongs in the extended list. */
export function isExtendedCapability(spec: CapabilitySpec): spec is ExtCapabilitySpec {
  return EXTENDED_KINDS.has(spec.kind);
}

/** A built config space and where each capability landed. */
export interface BuiltConfig {
  readonly config: ConfigSpace;
  readonly capabilities: readonly PlacedCapability[];
}

/**
 * Lays out a config space from a description.
 * @throws ConfigBuildError for a description real hardware could not have.
 */
export function buildConfigSpace(desc: ConfigDescription): BuiltConfig {
  const caps = desc.capabilities ?? [];
  const seen = new Set<string>();
  for (const c of caps) {
    if (seen.has(c.kind)) throw new ConfigBuildError("ECAP_DUPLICATE", `capability ${c.kind} declared twice`);
    seen.add(c.kind);
  }
  const std = caps.filter((c): c is StdCapabilitySpec => !isExtendedCapability(c));
  const ext = caps.filter(isExtendedCapability);
  const pcie = std.find((c): c is PcieSpec => c.kind === "pcie");
  if (ext.length > 0 && pcie === undefined) {
    throw new ConfigBuildError("ECAP_NEEDS_PCIE", "extended capabilities need a PCI Express capability (pci_cfg_space_size)");
  }
  if (desc.header.type === 0 && std.some((c) => c.kind === "ssvid")) {
    throw new ConfigBuildError("ECAP_FIELD", "the SSVID capability belongs to bridges; type 0 headers hold subsystem ids");
  }

  const cs = new ConfigSpace(ext.length > 0 ? PCIE_CFG_SIZE : PCI_CFG_SIZE);
  const placed: PlacedCapability[] = [];

  // Standard list: 0x40 upward, each dword aligned, chained in order.
  let at = C.PCI_STD_CAP_START;
  const stdAt: number[] = [];
  for (const c of std) {
    const size = stdCapabilitySize(c);
    if (at + size > PCI_CFG_SIZE) throw new ConfigBuildError("ECAP_SPACE", `standard capabilities exceed 256 bytes at ${c.kind}`);
    stdAt.push(at);
    placed.push({ kind: c.kind, id: stdCapabilityId(c), extended: false, offset: at, size });
    at += size;
  }
  layoutHeader(cs, desc.header, {
    hasCapabilities: std.length > 0,
    firstCapability: stdAt[0] ?? 0,
    bars: desc.bars ?? [],
    rom: desc.rom,
  });
  std.forEach((c, i) => {
    const offset = stdAt[i]!;
    defineRegister(cs, offset + C.PCI_CAP_LIST_ID, 1, stdCapabilityId(c));
    defineRegister(cs, offset + C.PCI_CAP_LIST_NEXT, 1, stdAt[i + 1] ?? 0);
    layoutStdCapability(cs, offset, c, desc.bars ?? []);
  });

  // Extended list: 0x100 upward, chained through the 12-bit next field.
  at = PCI_CFG_EXT_START;
  const extAt: number[] = [];
  for (const c of ext) {
    const size = extCapabilitySize(c, pcie?.portType);
    if (at + size > PCIE_CFG_SIZE) throw new ConfigBuildError("ECAP_SPACE", `extended capabilities exceed 4096 bytes at ${c.kind}`);
    extAt.push(at);
    placed.push({ kind: c.kind, id: extCapabilityId(c), extended: true, offset: at, size });
    at += size;
  }
  ext.forEach((c, i) => {
    const offset = extAt[i]!;
    const next = extAt[i + 1] ?? 0;
    const header = extCapabilityId(c) | (extCapabilityVersion(c) << C.PCI_EXT_CAP_VER_SHIFT) | (next << C.PCI_EXT_CAP_NEXT_SHIFT);
    defineRegister(cs, offset, 4, header);
    layoutExtCapability(cs, offset, c, pcie?.portType);
  });
  return { config: cs, capabilities: placed };
}

/**
 * Fluent front end to {@link buildConfigSpace}:
 * `new ConfigBuilder({ type: 0, vendor, device, classCode }).bar(...).pcie(...).acs(...).build()`.
 */
export class ConfigBuilder {
  private readonly bars: BarSpec[] = [];
  private readonly caps: CapabilitySpec[] = [];
  private romSpec: RomSpec | undefined;

  constructor(private readonly header: HeaderSpec) {}

  /** Declares a BAR. */
  bar(spec: BarSpec): this {
    this.bars.push(spec);
    return this;
  }

  /** Declares the expansion ROM. */
  rom(spec: RomSpec): this {
    this.romSpec = spec;
    return this;
  }

  /** Appends any capability (standard or extended, by its kind). */
  capability(spec: CapabilitySpec): this {
    this.caps.push(spec);
    return this;
  }

  /** Appends a Power Management capability. */
  pm(spec: Omit<PmSpec, "kind"> = {}): this {
    return this.capability({ kind: "pm", ...spec });
  }

  /** Appends an MSI capability. */
  msi(spec: Omit<MsiSpec, "kind"> = {}): this {
    return this.capability({ kind: "msi", ...spec });
  }

  /** Appends an MSI-X capability. */
  msix(spec: Omit<MsixSpec, "kind">): this {
    return this.capability({ kind: "msix", ...spec });
  }

  /** Appends a PCI Express capability. */
  pcie(spec: Omit<PcieSpec, "kind">): this {
    return this.capability({ kind: "pcie", ...spec });
  }

  /** Appends a bridge subsystem id capability. */
  ssvid(spec: Omit<SsvidSpec, "kind">): this {
    return this.capability({ kind: "ssvid", ...spec });
  }

  /** Appends an AER extended capability. */
  aer(spec: Omit<AerSpec, "kind"> = {}): this {
    return this.capability({ kind: "aer", ...spec });
  }

  /** Appends an ACS extended capability. */
  acs(spec: Omit<AcsSpec, "kind">): this {
    return this.capability({ kind: "acs", ...spec });
  }

  /** Appends an ARI extended capability. */
  ari(spec: Omit<AriSpec, "kind"> = {}): this {
    return this.capability({ kind: "ari", ...spec });
  }

  /** Appends a Device Serial Number extended capability. */
  dsn(spec: Omit<DsnSpec, "kind">): this {
    return this.capability({ kind: "dsn", ...spec });
  }

  /** Appends an SR-IOV extended capability. */
  sriov(spec: Omit<SriovSpec, "kind">): this {
    return this.capability({ kind: "sriov", ...spec });
  }

  /** The description accumulated so far. */
  description(): ConfigDescription {
    return {
      header: this.header,
      bars: [...this.bars],
      capabilities: [...this.caps],
      ...(this.romSpec !== undefined ? { rom: this.romSpec } : {}),
    };
  }

  /** Lays out the config space and reports where each capability went. */
  layout(): BuiltConfig {
    return buildConfigSpace(this.description());
  }

  /** Lays out the config space. @throws ConfigBuildError for an impossible description. */
  build(): ConfigSpace {
    return this.layout().config;
  }
}
