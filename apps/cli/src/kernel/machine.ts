/**
 * A "QEMU machine spec": the part of a P2PDMA topology QEMU 7.2's q35 machine can express
 * (README of ../shared/kernel). Root ports (`pcie-root-port`, the only QEMU port with an ACS
 * capability) on the root bus, each holding either one x3130 switch (`x3130-upstream` +
 * `xio3130-downstream`, no ACS) or the functions of one device; NVMe controllers with an
 * optional CMB in BAR 2 and raw sparse files as namespaces.
 */

/** The CPU model, which decides the 6.12 host-bridge rule. */
export const QEMU_CPUS = {
  /** AMD family 0x17 (Zen): P2P through the root complex allowed. */
  EPYC: { vendor: "amd", family: 0x17 },
  /** AMD family 0xf: falls back to the whitelist table; q35's 8086:29c0 is not in it. */
  qemu64: { vendor: "amd", family: 0xf },
} as const;

/** A CPU model name of {@link QEMU_CPUS}. */
export type QemuCpu = keyof typeof QEMU_CPUS;

/** One namespace of an NVMe controller, backed by a sparse raw file. */
export interface QemuNamespace {
  /** Namespace ID (default: position + 1). */
  readonly nsid?: number;
  /** Size in bytes (a multiple of 4096). */
  readonly size: bigint;
}

/** An emulated NVMe controller (`-device nvme`). */
export interface QemuNvme {
  readonly kind: "nvme";
  /** Function number on its device (multifunction when several functions share a slot). */
  readonly function?: number;
  /** Label carried into the record (`nvme0`). */
  readonly label?: string;
  /** Controller memory buffer size in MiB (`cmb_size_mb`, a power of two); absent = none. */
  readonly cmbMiB?: number;
  /** NVMe 1.3-style CMB registers (`legacy-cmb=on`): CMBLOC/CMBSZ always readable. */
  readonly legacyCmb?: boolean;
  readonly namespaces: readonly QemuNamespace[];
}

/** A downstream port of an x3130 switch with at most one device (its functions). */
export interface QemuDownstreamPort {
  /** Slot of the port on the switch's internal bus (default: position). */
  readonly slot?: number;
  readonly functions: readonly QemuNvme[];
}

/** An x3130 switch below a root port. */
export interface QemuSwitch {
  readonly kind: "switch";
  readonly downstream: readonly QemuDownstreamPort[];
}

/** A `pcie-root-port` on the q35 root bus. */
export interface QemuRootPort {
  /** Slot on bus 0 (1..0x1e, not 0x1f which holds the ICH9 functions). */
  readonly slot: number;
  /** Function number; several root ports may share a slot as functions of one device. */
  readonly function?: number;
  /** The ACS capability (QEMU default true; `disable-acs=on` removes it). */
  readonly acs?: boolean;
  /** What sits below: a switch, or the functions of one device. */
  readonly below?: QemuSwitch | readonly QemuNvme[];
}

/** The whole machine. */
export interface QemuMachineSpec {
  readonly cpu: QemuCpu;
  /** Guest memory in MiB, default 2048. */
  readonly memoryMiB?: number;
  /** Extra kernel command-line arguments (`pci=disable_acs_redir=...`). */
  readonly kernelArgs?: readonly string[];
  readonly rootPorts: readonly QemuRootPort[];
}

/** An NVMe function with where the model predicts it (`0000:01:00.0`). */
export interface PlacedNvme {
  readonly bdf: string;
  readonly nvme: QemuNvme;
}

/** A bridge (root port, switch port) with its BDF and secondary bus. */
export interface PlacedBridge {
  readonly bdf: string;
  readonly kind: "root-port" | "upstream-port" | "downstream-port";
  readonly secondary: number;
}

/** The machine's functions at the addresses firmware-style depth-first numbering gives. */
export interface MachineLayout {
  readonly bridges: readonly PlacedBridge[];
  readonly nvme: readonly PlacedNvme[];
}

/** Formats domain 0 `bus:slot.function`. */
export function bdfOf(bus: number, slot: number, fn: number): string {
  const h = (n: number, w: number): string => n.toString(16).padStart(w, "0");
  return `0000:${h(bus, 2)}:${h(slot, 2)}.${fn.toString(16)}`;
}

/** The functions of a root port's device, whatever `below` holds. */
export function devicesBelow(rp: QemuRootPort): readonly QemuNvme[] {
  return rp.below === undefined || !("kind" in rp.below) ? ((rp.below as readonly QemuNvme[] | undefined) ?? []) : [];
}

/**
 * Predicts the bus numbers: depth-first in slot/function order, each bridge's secondary bus
 * the next free number (what SeaBIOS assigns and Linux keeps).
 */
export function layoutMachine(spec: QemuMachineSpec): MachineLayout {
  const bridges: PlacedBridge[] = [];
  const nvme: PlacedNvme[] = [];
  let next = 1;
  const ports = [...spec.rootPorts].sort((a, b) => a.slot - b.slot || (a.function ?? 0) - (b.function ?? 0));
  for (const rp of ports) {
    const bus = next++;
    bridges.push({ bdf: bdfOf(0, rp.slot, rp.function ?? 0), kind: "root-port", secondary: bus });
    const below = rp.below;
    if (below !== undefined && "kind" in below) {
      const internal = next++;
      bridges.push({ bdf: bdfOf(bus, 0, 0), kind: "upstream-port", secondary: internal });
      below.downstream.forEach((dp, i) => {
        const dbus = next++;
        bridges.push({ bdf: bdfOf(internal, dp.slot ?? i, 0), kind: "downstream-port", secondary: dbus });
        dp.functions.forEach((f, j) => nvme.push({ bdf: bdfOf(dbus, 0, f.function ?? j), nvme: f }));
      });
    } else {
      devicesBelow(rp).forEach((f, j) => nvme.push({ bdf: bdfOf(bus, 0, f.function ?? j), nvme: f }));
    }
  }
  bridges.sort((a, b) => (a.bdf < b.bdf ? -1 : 1));
  nvme.sort((a, b) => (a.bdf < b.bdf ? -1 : 1));
  return { bridges, nvme };
}

/** Total namespaces of the machine (the guest waits for that many block devices). */
export function namespaceCount(spec: QemuMachineSpec): number {
  return layoutMachine(spec).nvme.reduce((n, p) => n + p.nvme.namespaces.length, 0);
}
