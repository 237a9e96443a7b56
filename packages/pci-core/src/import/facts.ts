/**
 * What an importer learns about a machine, as plain data. Every importer (lspci tree, lspci
 * verbose, hex dumps, sysfs snapshots, hwloc XML) produces {@link MachineFacts}; facts from
 * several captures of one machine are merged, and the merged facts build the live model.
 *
 * A field left undefined is *not known* from the capture. Importers never fill in a value the
 * capture does not state (spec: unknown facts are reported as unknown, never guessed).
 */

/** PCIe Device/Port Type (PCIe 4.0 §7.5.3.2, bits 7:4 of the PCIe Capabilities register). */
export type PciePortTypeName =
  | "endpoint"
  | "legacy-endpoint"
  | "root-port"
  | "upstream-port"
  | "downstream-port"
  | "pcie-to-pci-bridge"
  | "pci-to-pcie-bridge"
  | "rc-endpoint"
  | "rc-event-collector";

/** A BAR as a capture states it. Addresses are CPU addresses as lspci/sysfs print them. */
export interface BarFacts {
  readonly index: number; // 0..5, or 6 for the expansion ROM
  readonly kind: "mem32" | "mem64" | "io" | "mem-unknown";
  readonly prefetchable?: boolean;
  readonly address?: bigint; // undefined when the capture says "<unassigned>" or "<ignored>"
  readonly size?: bigint; // undefined when the capture does not give it (a dump does not)
  readonly disabled?: boolean;
}

/** ACS capability and control registers (PCIe 4.0 §7.7.8), or why they are not known. */
export type AcsFacts =
  | { readonly cap: number; readonly ctl: number }
  | "absent" // the function has no ACS capability (the capture shows its capability list)
  | "unknown"; // the capture cannot tell (e.g. `<access denied>` without root)

export interface LinkFacts {
  readonly maxSpeedGTs?: number; // 2.5, 5, 8, 16, 32, 64
  readonly maxWidth?: number;
  readonly speedGTs?: number;
  readonly width?: number;
}

/** Everything one or more captures say about one PCI function. */
export interface FunctionFacts {
  /** Kernel name `DDDD:BB:DD.F` (lower case, domain included even when the capture omits it). */
  readonly bdf: string;
  readonly vendor?: number;
  readonly device?: number;
  readonly subsystemVendor?: number;
  readonly subsystemDevice?: number;
  /** 24-bit class code: base << 16 | sub << 8 | prog-if. */
  readonly classCode?: number;
  /** 16-bit class (base << 8 | sub) when the prog-if is not known. */
  readonly class16?: number;
  readonly revision?: number;
  readonly headerType?: 0 | 1 | 2;
  readonly multifunction?: boolean;
  /** Raw config bytes as captured (64, 256 or 4096 long). */
  readonly config?: Uint8Array;
  readonly pcieType?: PciePortTypeName;
  /** Whether the function has a PCI Express capability at all. */
  readonly isPcie?: boolean;
  readonly acs?: AcsFacts;
  readonly link?: LinkFacts;
  readonly primaryBus?: number;
  readonly secondaryBus?: number;
  readonly subordinateBus?: number;
  readonly bars?: readonly BarFacts[];
  readonly numaNode?: number;
  readonly iommuGroup?: number;
  readonly driver?: string;
  /** The PF of an SR-IOV VF, as a kernel name. */
  readonly physfn?: string;
  readonly irq?: number;
  readonly localCpulist?: string;
  /** Vendor/device names as the capture printed them (lspci names), for display only. */
  readonly vendorName?: string;
  readonly deviceName?: string;
  /** The bridge above this function when the capture shows structure (a tree), as a kernel name. */
  readonly parent?: string | null;
}

/** A root bus and what is known about its host bridge. */
export interface HostBridgeFacts {
  readonly domain: number;
  readonly rootBus: number;
  readonly numaNode?: number;
  /** bus address minus CPU address of this host bridge's memory window, when known. */
  readonly busOffset?: bigint;
}

/** The CPU, as far as a capture (hwloc, /proc/cpuinfo) or a flag says. */
export interface PlatformFacts {
  readonly cpuVendor?: "amd" | "intel" | "other";
  readonly cpuFamily?: number;
  readonly arch?: "x86" | "other";
}

/** The result of importing one or more captures of one machine. */
export interface MachineFacts {
  readonly functions: readonly FunctionFacts[];
  readonly hostBridges?: readonly HostBridgeFacts[];
  readonly platform?: PlatformFacts;
  /** Which inputs contributed (file names and detected formats), for reports. */
  readonly sources: readonly { readonly name: string; readonly format: CaptureFormat }[];
}

export type CaptureFormat =
  | "topology-yaml"
  | "topology-json"
  | "lspci-tree"
  | "lspci-verbose"
  | "lspci-hex"
  | "sysfs-dir"
  | "sysfs-tar"
  | "hwloc-xml";

/** Bad input: the capture is malformed. Carries where (line/column or path) and what. */
export class CaptureParseError extends Error {
  readonly code = "ECAPTURE";
  constructor(
    readonly source: string,
    readonly location: string,
    readonly problem: string,
  ) {
    super(`${source}: ${location}: ${problem}`);
  }
}
