/**
 * The QEMU 7.2 q35 machine of a {@link QemuMachineSpec} as a model {@link TopologySpec}: the
 * devices QEMU itself creates, with the identities, capabilities and BARs QEMU gives them, so
 * that pci-core enumerates the same functions at the same addresses the real kernel sees.
 *
 * What QEMU builds (checked against the golden records' `lspci -nn`, `setpci` and boot log):
 * - q35 host bridge 8086:29c0 (class 060000) at 00:00.0, the ICH9 functions at 00:1f.0/2/3;
 * - `pcie-root-port` 1b36:000c with BAR 0 (4 KiB) and an ACS capability 0x5f
 *   (SV TB RR CR UF DT) whose control register QEMU resets to 0;
 * - `x3130-upstream` 104c:8232 rev 2 and `xio3130-downstream` 104c:8233 rev 1, without ACS;
 * - `nvme` 1b36:0010 rev 2, class 010802, BAR 0 (16 KiB, 64-bit) and, with `cmb_size_mb`, the
 *   CMB in BAR 2 (64-bit prefetchable, the CMB's size) with CMBSZ = SZ<<12 | SZU 1 MiB (2<<8) |
 *   WDS RDS LISTS SQS (0x21d); `legacy-cmb=on` is the NVMe 1.3 register scheme;
 * - SeaBIOS (1.16) assigns the addresses: `platform.firmware: seabios`, checked against the
 *   BAR and bridge-window addresses of the golden boot logs.
 */
import type { EndpointSpec, FunctionSpec, HostBridgeSpec, NodeSpec, RootPortSpec, SwitchSpec, TopologySpec } from "@p2pdma/pci-core";
import type { QemuMachineSpec, QemuNvme, QemuRootPort } from "../machine";
import { QEMU_CPUS, devicesBelow } from "../machine";

const KiB = 1024n;
const MiB = 1024n * KiB;

/** q35's host bridge function at 00:00.0 (what the 6.12 host-bridge whitelist looks at). */
export const Q35_HOST_FUNCTION = { vendor: 0x8086, device: 0x29c0, classCode: 0x060000, revision: 0 } as const;

/** The ICH9 functions q35 always has at 00:1f (LPC, AHCI, SMBus). */
export const ICH9_FUNCTIONS: readonly (FunctionSpec & { readonly function: number })[] = [
  { function: 0, vendor: 0x8086, device: 0x2918, classCode: 0x060100, revision: 2 },
  { function: 2, vendor: 0x8086, device: 0x2922, classCode: 0x010601, revision: 2, bars: [{ index: 5, size: 4n * KiB }] },
  { function: 3, vendor: 0x8086, device: 0x2930, classCode: 0x0c0500, revision: 2 },
];

/** QEMU's `pcie-root-port` (hw/pci-bridge/gen_pcie_root_port.c). */
export const QEMU_ROOT_PORT = { vendor: 0x1b36, device: 0x000c, classCode: 0x060400, acsCap: 0x5f } as const;

/** QEMU's x3130 switch ports (hw/pci-bridge/xio3130_*.c). */
export const QEMU_X3130 = {
  upstream: { vendor: 0x104c, device: 0x8232, classCode: 0x060400, revision: 2 },
  downstream: { vendor: 0x104c, device: 0x8233, classCode: 0x060400, revision: 1 },
} as const;

/** QEMU's NVMe controller (hw/nvme/ctrl.c): ids, BAR 0 size, the CMB flags it sets. */
export const QEMU_NVME = {
  vendor: 0x1b36,
  device: 0x0010,
  classCode: 0x010802,
  revision: 2,
  bar0Size: 16n * KiB,
  cmbBar: 2,
  cmbFlags: { sqs: true, cqs: false, lists: true, rds: true, wds: true },
  /** CMBSZ.SZU QEMU uses: 2 = 1 MiB. */
  cmbSizeUnit: 2,
} as const;

/** The model description (`model:` of the topology format) of one QEMU NVMe controller. */
export function nvmeModelSpec(n: QemuNvme): { kind: "nvme"; [key: string]: unknown } {
  return {
    kind: "nvme",
    namespaces: n.namespaces.map((ns, i) => ({ nsid: ns.nsid ?? i + 1, size: ns.size })),
    ...(n.cmbMiB !== undefined
      ? {
          cmb: {
            size: BigInt(n.cmbMiB) * MiB,
            bar: QEMU_NVME.cmbBar,
            offset: 0n,
            ...QEMU_NVME.cmbFlags,
            // hw/nvme/ctrl.c always reports the size in 1 MiB units (CMBSZ.SZU = 2), and sets
            // CMBLOC.CDPMLS and CDPCILS (the real kernel reads cmbloc x00000062).
            szu: QEMU_NVME.cmbSizeUnit,
            cdpmls: true,
            cdpcils: true,
            scheme: n.legacyCmb === true ? "1.3" : "1.4",
          },
        }
      : {}),
  };
}

function nvmeEndpoint(n: QemuNvme, fn: number): EndpointSpec {
  return {
    kind: "endpoint",
    slot: 0,
    function: n.function ?? fn,
    vendor: QEMU_NVME.vendor,
    device: QEMU_NVME.device,
    subsystemVendor: 0x1af4,
    subsystemDevice: 0x1100,
    classCode: QEMU_NVME.classCode,
    revision: QEMU_NVME.revision,
    bars: [
      { index: 0, size: QEMU_NVME.bar0Size, bits: 64 },
      ...(n.cmbMiB !== undefined ? [{ index: QEMU_NVME.cmbBar, size: BigInt(n.cmbMiB) * MiB, bits: 64 as const, prefetchable: true }] : []),
    ],
    ...(n.label !== undefined ? { label: n.label } : {}),
    model: nvmeModelSpec(n),
  };
}

function rootPort(rp: QemuRootPort): RootPortSpec {
  const below = rp.below;
  let children: NodeSpec[];
  if (below !== undefined && "kind" in below) {
    const sw: SwitchSpec = {
      kind: "switch",
      upstream: { ...QEMU_X3130.upstream },
      downstream: below.downstream.map((dp, i) => ({
        ...QEMU_X3130.downstream,
        slot: dp.slot ?? i,
        children: dp.functions.map((f, j) => nvmeEndpoint(f, j)),
      })),
    };
    children = [sw];
  } else {
    children = devicesBelow(rp).map((f, j) => nvmeEndpoint(f, j));
  }
  return {
    kind: "root-port",
    slot: rp.slot,
    function: rp.function ?? 0,
    vendor: QEMU_ROOT_PORT.vendor,
    device: QEMU_ROOT_PORT.device,
    classCode: QEMU_ROOT_PORT.classCode,
    bars: [{ index: 0, size: 4n * KiB }],
    ...(rp.acs === false ? {} : { acs: { cap: QEMU_ROOT_PORT.acsCap, ctl: 0 } }),
    children,
  };
}

/** Options of {@link topologyOfMachine}. */
export interface MachineTopologyOptions {
  /** Overrides the machine's CPU (vendor and family), e.g. to test a wrong CPU rule. */
  readonly cpu?: { readonly vendor: "amd" | "intel" | "other"; readonly family: number };
  /** Overrides QEMU's root-port ACS capability (a deliberately wrong machine rule in tests). */
  readonly rootPortAcsCap?: number;
}

/** The model topology of the machine QEMU builds from `machine`. */
export function topologyOfMachine(machine: QemuMachineSpec, opts: MachineTopologyOptions = {}): TopologySpec {
  const ports = [...machine.rootPorts]
    .sort((a, b) => a.slot - b.slot || (a.function ?? 0) - (b.function ?? 0))
    .map(rootPort)
    .map((rp): RootPortSpec => (opts.rootPortAcsCap !== undefined && rp.acs ? { ...rp, acs: { cap: opts.rootPortAcsCap, ctl: 0 } } : rp));
  const ich9: EndpointSpec[] = ICH9_FUNCTIONS.map((f) => ({ kind: "rc-endpoint", slot: 0x1f, ...f }));
  const hb: HostBridgeSpec = {
    domain: 0,
    rootBus: 0,
    hostFunction: { vendor: Q35_HOST_FUNCTION.vendor, device: Q35_HOST_FUNCTION.device, classCode: Q35_HOST_FUNCTION.classCode },
    children: [...ports, ...ich9],
  };
  const cpu = opts.cpu ?? QEMU_CPUS[machine.cpu];
  return {
    name: "qemu-q35",
    kernel: "6.12",
    // SeaBIOS assigns the BARs (all below 4 GiB when they fit, as on every golden machine).
    platform: { cpu: { vendor: cpu.vendor, family: cpu.family }, arch: "x86", iommu: false, firmware: "seabios" },
    ...(machine.kernelArgs !== undefined && machine.kernelArgs.length > 0 ? { cmdline: machine.kernelArgs } : {}),
    hostBridges: [hb],
  };
}
