/**
 * The project's topology format (docs/topology-format.md), as typed data. A file (YAML or JSON)
 * parses into a {@link TopologySpec}; generators build one directly. Optional fields take the
 * defaults the format documents; numbers are already decoded (sizes in bytes as bigint, ACS
 * flag names as bits, `cpu: amd:0x19` as vendor and family).
 */
import type { KernelMode } from "../kernel-mode";

/** The node kinds a bus may hold. */
export const NODE_KINDS = ["root-port", "switch", "pci-bridge", "endpoint", "rc-endpoint"] as const;
/** A node kind (`kind:` in the file). */
export type NodeKind = (typeof NODE_KINDS)[number];

/** PCIe link speeds in GT/s (PCIe 4.0 §7.5.3.6 Supported Link Speeds). */
export const LINK_SPEEDS = [2.5, 5, 8, 16, 32, 64] as const;
/** A link speed in GT/s. */
export type LinkSpeed = (typeof LINK_SPEEDS)[number];

/** Link widths a PCIe port may report (PCIe 4.0 §7.5.3.6 Maximum Link Width). */
export const LINK_WIDTHS = [1, 2, 4, 8, 12, 16, 32] as const;

/** ACS capability/control bit names (PCIe 4.0 §7.7.8.2), in bit order. */
export const ACS_BIT_NAMES = { SV: 0x01, TB: 0x02, RR: 0x04, CR: 0x08, UF: 0x10, EC: 0x20, DT: 0x40 } as const;
/** An ACS flag name. */
export type AcsBitName = keyof typeof ACS_BIT_NAMES;

/** One memory BAR as the device implements it (its sizing mask, not an address). */
export interface BarSpec {
  /** BAR register index, 0-5 (0-1 for bridges); a 64-bit BAR also uses index + 1. */
  readonly index: number;
  /** Size in bytes: a power of two, at least 16. */
  readonly size: bigint;
  /** 32 (default) or 64-bit decoder. */
  readonly bits?: 32 | 64;
  readonly prefetchable?: boolean;
}

/** PCIe link: current (LNKSTA) and maximum (LNKCAP) speed and width. */
export interface LinkSpec {
  readonly speed: LinkSpeed;
  readonly width: number;
  /** Defaults to `speed`. */
  readonly maxSpeed?: LinkSpeed;
  /** Defaults to `width`. */
  readonly maxWidth?: number;
}

/** ACS capability and control registers (bits as in {@link ACS_BIT_NAMES}). */
export interface AcsSpec {
  readonly cap: number;
  readonly ctl: number;
}

/** SR-IOV capability of a PF (SR-IOV 1.1 §3.3) and how many VFs are enabled. */
export interface SriovSpec {
  readonly totalVFs: number;
  /** VFs enabled (NumVFs); at most totalVFs. Default 0. */
  readonly numVFs?: number;
  readonly vfDevice: number;
  /** First VF Offset, default 1. */
  readonly offset?: number;
  /** VF Stride, default 1. */
  readonly stride?: number;
  /** The VF BARs (each VF gets one of each; the PF reserves totalVFs of them). */
  readonly bars?: readonly BarSpec[];
}

/**
 * Opaque description of the hardware model behind a function, interpreted by later layers
 * (`{kind: nvme, cmb: {...}}`, `{kind: rnic}`, `{kind: p2pmem, bar: 4}`). pci-core keeps it.
 */
export interface ModelSpec {
  readonly kind: string;
  readonly [key: string]: unknown;
}

/** What every function may state about itself. */
export interface FunctionSpec {
  readonly vendor?: number;
  readonly device?: number;
  readonly subsystemVendor?: number;
  readonly subsystemDevice?: number;
  /** 24-bit class code (base << 16 | sub << 8 | prog-if). */
  readonly classCode?: number;
  readonly revision?: number;
  readonly bars?: readonly BarSpec[];
  readonly link?: LinkSpec;
  /** The ACS extended capability; absent = the function has none. */
  readonly acs?: AcsSpec;
  /** NUMA node; defaults to the host bridge's. */
  readonly numaNode?: number;
  /** Unique user label (`nic0`, `nvme1`). */
  readonly label?: string;
  readonly model?: ModelSpec;
  readonly sriov?: SriovSpec;
}

/** Slot and function on the parent bus; automatic (lowest free slot, function 0) when absent. */
export interface Placement {
  readonly slot?: number;
  readonly function?: number;
}

/** A PCIe root port on a root bus; one device (slot 0) below its link. */
export interface RootPortSpec extends FunctionSpec, Placement {
  readonly kind: "root-port";
  readonly children?: readonly NodeSpec[];
}

/** A switch downstream port: a function on the switch's internal bus. */
export interface DownstreamPortSpec extends FunctionSpec {
  readonly slot?: number;
  readonly children?: readonly NodeSpec[];
}

/**
 * A PCIe switch: an upstream port (always device 0 below the link it hangs on) whose
 * secondary bus holds the downstream ports. Downstream ports default to the upstream port's
 * vendor and device.
 */
export interface SwitchSpec extends Placement {
  readonly kind: "switch";
  readonly upstream: FunctionSpec;
  readonly downstream: readonly DownstreamPortSpec[];
}

/** A PCI Express to PCI bridge; below it is a conventional PCI bus (32 slots, no links). */
export interface PciBridgeSpec extends FunctionSpec, Placement {
  readonly kind: "pci-bridge";
  readonly children?: readonly NodeSpec[];
}

/** An endpoint below a port or bridge, or a root-complex integrated endpoint on a root bus. */
export interface EndpointSpec extends FunctionSpec, Placement {
  readonly kind: "endpoint" | "rc-endpoint";
}

/** Anything a bus may hold. */
export type NodeSpec = RootPortSpec | SwitchSpec | PciBridgeSpec | EndpointSpec;

/** A CPU-address memory window a host bridge forwards (an ACPI `_CRS` window). */
export interface MemoryWindowSpec {
  readonly base: bigint;
  readonly size: bigint;
}

/** The function at 00.0 of a root bus that identifies the host bridge (whitelists use it). */
export interface HostFunctionSpec {
  readonly vendor: number;
  readonly device: number;
  readonly subsystemVendor?: number;
  readonly subsystemDevice?: number;
  /** Default 0x060000 (host bridge). */
  readonly classCode?: number;
  readonly revision?: number;
  readonly label?: string;
}

/** A host bridge (`pci_host_bridge`) with its root bus and the devices on it. */
export interface HostBridgeSpec {
  /** PCI domain (segment), default 0. */
  readonly domain?: number;
  /** Root bus number, default 0. */
  readonly rootBus?: number;
  /** Last bus number this host bridge decodes, default 0xff. */
  readonly busEnd?: number;
  readonly numaNode?: number;
  /** Bus address minus CPU address in this bridge's windows, default 0. */
  readonly busOffset?: bigint;
  /** CPU-address windows; default: one below 4 GiB and one above, sized to fit. */
  readonly memoryWindows?: readonly MemoryWindowSpec[];
  /** The function at 00.0; absent or null = none (as on Skylake-SP stacks). */
  readonly hostFunction?: HostFunctionSpec | null;
  readonly children?: readonly NodeSpec[];
}

/**
 * Firmware whose BAR and window placement the machine boots with: "default" (bottom-up sizing,
 * 64-bit prefetchable BARs above 4 GiB, see enumerate/allocate.ts) or "seabios" (QEMU q35 with
 * SeaBIOS: everything below 4 GiB when it fits, see enumerate/seabios.ts).
 */
export type FirmwareKind = "default" | "seabios";

/** The platform facts of the model (`Platform` in system.ts). */
export interface PlatformSpec {
  readonly cpu?: { readonly vendor: "amd" | "intel" | "other"; readonly family: number };
  readonly arch?: "x86" | "other";
  /** An IOMMU requested ACS at boot (`pci_request_acs`); default false. */
  readonly iommu?: boolean;
  /** Firmware address placement; default "default". */
  readonly firmware?: FirmwareKind;
}

/** A whole machine. */
export interface TopologySpec {
  readonly name?: string;
  readonly description?: string;
  /** Kernel whose boot-time ACS handling applies; default 6.12. */
  readonly kernel?: KernelMode;
  readonly platform?: PlatformSpec;
  /** Kernel command-line arguments (`pci=disable_acs_redir=...`). */
  readonly cmdline?: readonly string[];
  readonly hostBridges: readonly HostBridgeSpec[];
}
