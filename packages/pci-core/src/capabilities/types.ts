/**
 * Typed descriptions a device model hands to the {@link ConfigBuilder}: the header, the BARs,
 * the expansion ROM and the capabilities, as the fields a datasheet would list. Everything is
 * readonly data; the builder validates it once and lays out a ConfigSpace.
 */
import type { PciePortTypeName } from "../import/facts";
import type { LinkSpeedGTs } from "./codes";

/** Fields common to every header layout (PCIe 4.0 §7.5.1.1). */
interface CommonHeaderSpec {
  readonly vendor: number;
  readonly device: number;
  /** 24-bit class code: base << 16 | sub << 8 | prog-if. */
  readonly classCode: number;
  readonly revision?: number;
  /** Sets bit 7 of the header type register. */
  readonly multifunction?: boolean;
  /** 0 = none, 1..4 = INTA..INTD. */
  readonly interruptPin?: number;
  /** Initial command register value (reset value is 0). */
  readonly command?: number;
}

/** A type 0 (endpoint) header. */
export interface Type0HeaderSpec extends CommonHeaderSpec {
  readonly type: 0;
  readonly subsystemVendor?: number;
  readonly subsystemDevice?: number;
}

/** A bridge forwarding window as lspci prints it: `[base, limit]`, limit inclusive. */
export interface WindowSpec {
  readonly base: bigint;
  readonly limit: bigint;
}

/** A type 1 (PCI-to-PCI bridge) header. Bus numbers and windows are read-write. */
export interface Type1HeaderSpec extends CommonHeaderSpec {
  readonly type: 1;
  readonly primaryBus?: number;
  readonly secondaryBus?: number;
  readonly subordinateBus?: number;
  /** I/O window addressing: "16" (default), "32", or "none" (not implemented, reads 0). */
  readonly ioDecode?: "none" | "16" | "32";
  /** Prefetchable window addressing: "64" (default), "32", or "none". */
  readonly prefetchDecode?: "none" | "32" | "64";
  /** Programmed windows; an absent window is left closed (base above limit). */
  readonly io?: WindowSpec;
  readonly memory?: WindowSpec;
  readonly prefetchable?: WindowSpec;
  readonly bridgeControl?: number;
}

/** Header description. */
export type HeaderSpec = Type0HeaderSpec | Type1HeaderSpec;

/** Kinds of BAR a description may declare. */
export type BarKind = "mem32" | "mem64" | "io";

/**
 * One BAR (PCI 3.0 §6.2.5.1). `size` is a power of two, at least 16 for memory and 4 for I/O
 * (at most 256 for I/O, 2 GiB for mem32). A mem64 BAR also occupies slot `index + 1`.
 */
export interface BarSpec {
  readonly index: number;
  readonly kind: BarKind;
  readonly prefetchable?: boolean;
  readonly size: bigint;
  /** Initial address (as firmware left it), aligned to `size`; default 0 (unassigned). */
  readonly address?: bigint;
}

/** The expansion ROM BAR: size a power of two from 2 KiB to 16 MiB. */
export interface RomSpec {
  readonly size: bigint;
  readonly address?: bigint;
  readonly enabled?: boolean;
}

/** PCI PM 1.2 capability. */
export interface PmSpec {
  readonly kind: "pm";
  /** PMC version field; 3 (PM 1.2) by default. */
  readonly version?: number;
  readonly d1?: boolean;
  readonly d2?: boolean;
  /** PME support mask, bit 0 = D0 .. bit 4 = D3cold. */
  readonly pmeSupport?: number;
  /** Aux current field code 0..7. */
  readonly auxCurrent?: number;
  readonly noSoftReset?: boolean;
  readonly dsi?: boolean;
}

/** MSI capability. */
export interface MsiSpec {
  readonly kind: "msi";
  readonly addr64?: boolean;
  readonly perVectorMask?: boolean;
  /** Vectors requested: 1, 2, 4, 8, 16 or 32 (default 1). */
  readonly vectors?: number;
}

/** MSI-X capability: table and PBA in a memory BAR of the same function. */
export interface MsixSpec {
  readonly kind: "msix";
  /** Number of table entries, 1..2048. */
  readonly tableSize: number;
  readonly tableBir: number;
  readonly tableOffset: number;
  readonly pbaBir: number;
  readonly pbaOffset: number;
}

/** Link capabilities and state of a PCI Express port. */
export interface LinkSpec {
  readonly maxSpeedGTs: LinkSpeedGTs;
  /** Maximum width: 1, 2, 4, 8, 12, 16 or 32. */
  readonly maxWidth: number;
  /** Port number (LNKCAP bits 31:24); default 0. */
  readonly port?: number;
  /** Current speed; default the maximum. */
  readonly speedGTs?: LinkSpeedGTs;
  /** Negotiated width, 0 for link down; default the maximum. */
  readonly width?: number;
  /** ASPM support code (LNKCAP 11:10); default 0. */
  readonly aspmSupport?: number;
  /** Data link layer link active reporting; default on downstream-facing ports. */
  readonly linkActiveReporting?: boolean;
}

/** PCI Express capability (PCIe 4.0 §7.5.3). */
export interface PcieSpec {
  readonly kind: "pcie";
  readonly portType: PciePortTypeName;
  /** Capability version, 2 by default (1 for pre-2.0 devices). */
  readonly version?: 1 | 2;
  /** Slot implemented (downstream-facing ports only). */
  readonly slotImplemented?: boolean;
  /** Physical slot number (SLTCAP 31:19). */
  readonly slotNumber?: number;
  /** Max_Payload_Size supported in bytes: 128..4096; default 256. */
  readonly maxPayload?: number;
  readonly flr?: boolean;
  readonly extTag?: boolean;
  /** Interrupt message number (flags 13:9). */
  readonly interruptMessage?: number;
  /** Required for every port type that has a link (all but rc-endpoint / rc-event-collector). */
  readonly link?: LinkSpec;
  /** ARI forwarding supported (downstream-facing ports; default true there). */
  readonly ariForwarding?: boolean;
  readonly ltr?: boolean;
}

/** Bridge subsystem vendor / device id capability. */
export interface SsvidSpec {
  readonly kind: "ssvid";
  readonly subsystemVendor: number;
  readonly subsystemDevice: number;
}

/** Advanced Error Reporting. */
export interface AerSpec {
  readonly kind: "aer";
  /** Capability version; 2 by default (PCIe 4.0). */
  readonly version?: number;
  readonly ecrcGenerationCapable?: boolean;
  readonly ecrcCheckCapable?: boolean;
  readonly uncorrectableMask?: number;
  readonly uncorrectableSeverity?: number;
  readonly correctableMask?: number;
}

/** Access Control Services. */
export interface AcsSpec {
  readonly kind: "acs";
  /** Capability bits (SV TB RR CR UF EC DT, 0x7f at most). */
  readonly cap: number;
  /** Control reset value; only advertised bits allowed. Default 0. */
  readonly ctl?: number;
  /** Egress control vector size in bits, 1..256 (only with EC); default 8. */
  readonly egressVectorBits?: number;
  readonly version?: number;
}

/** Alternative Routing-ID Interpretation. */
export interface AriSpec {
  readonly kind: "ari";
  readonly nextFunction?: number;
}

/** Device Serial Number. */
export interface DsnSpec {
  readonly kind: "dsn";
  readonly serial: bigint;
}

/** A VF BAR of SR-IOV: memory only; `size` is the per-VF size. */
export interface VfBarSpec {
  readonly index: number;
  readonly kind: "mem32" | "mem64";
  readonly prefetchable?: boolean;
  readonly size: bigint;
  readonly address?: bigint;
}

/** Single Root I/O Virtualization (SR-IOV 1.1 §3.3). */
export interface SriovSpec {
  readonly kind: "sriov";
  readonly totalVFs: number;
  /** Default totalVFs. */
  readonly initialVFs?: number;
  /** Reset value of NumVFs; default 0. */
  readonly numVFs?: number;
  readonly vfOffset: number;
  readonly vfStride: number;
  readonly vfDeviceId: number;
  readonly functionDependencyLink?: number;
  /** Supported page sizes bitmap; default 0x553 (4K, 8K, 64K, 256K, 1M, 4M). */
  readonly supportedPageSizes?: number;
  readonly vfBars?: readonly VfBarSpec[];
  readonly vfMigration?: boolean;
}

/** A capability that lives in the standard list (0x40..0xff). */
export type StdCapabilitySpec = PmSpec | MsiSpec | MsixSpec | PcieSpec | SsvidSpec;
/** A capability that lives in the extended list (0x100..0xfff). */
export type ExtCapabilitySpec = AerSpec | AcsSpec | AriSpec | DsnSpec | SriovSpec;
/** Any capability the builder can lay out. */
export type CapabilitySpec = StdCapabilitySpec | ExtCapabilitySpec;
/** The `kind` tags of every capability. */
export type CapabilityKind = CapabilitySpec["kind"];

/** A whole function's config space description. */
export interface ConfigDescription {
  readonly header: HeaderSpec;
  readonly bars?: readonly BarSpec[];
  readonly rom?: RomSpec;
  /** Laid out in this order; standard ones from 0x40, extended ones from 0x100. */
  readonly capabilities?: readonly CapabilitySpec[];
}

/** Where the builder placed a capability. */
export interface PlacedCapability {
  readonly kind: CapabilityKind;
  readonly id: number;
  readonly extended: boolean;
  readonly offset: number;
  readonly size: number;
}
