/**
 * Building a live {@link PciSystem} from a topology spec the way a machine boots: firmware
 * numbers the buses and assigns BARs and bridge windows (through config writes), then the
 * kernel enumerates (the firmware's placement: `allocate.ts`, or SeaBIOS's for QEMU q35 machines,
 * `seabios.ts`): host bridges with their windows, functions registered bus by bus in the
 * order `pci_bus_add_devices` adds them (every device of a bus in devfn order, then the buses
 * behind its bridges in turn), resources read back from config space, boot-time ACS set-up
 * (`pci=disable_acs_redir=`, `pci=config_acs=`, IOMMU ACS enabling), and finally SR-IOV VFs
 * as the PF drivers enable them (`pci_enable_sriov`).
 */
import type { KernelMode } from "../kernel-mode";
import type { LogLine } from "../klog";
import type { PciBus } from "../pci-bus";
import type { PciFunction } from "../pci-function";
import type { Platform } from "../system";
import type { FirmwareKind, FunctionSpec, ModelSpec, TopologySpec } from "../topology/schema";
import type { PlanHostBridge, PlanNode } from "./plan";
import { applyAcsKernelParams } from "../acs-params";
import { formatBdf } from "../bdf";
import { findExtCapability } from "../capability-walk";
import { DEFAULT_KERNEL_MODE } from "../kernel-mode";
import { IORESOURCE_MEM, IORESOURCE_WINDOW } from "../resource";
import { PCI_EXT_CAP_ID_SRIOV } from "../spec/capability-ids";
import { PCI_SRIOV_CTRL, PCI_SRIOV_CTRL_MSE, PCI_SRIOV_CTRL_VFE, PCI_SRIOV_NUM_VF } from "../spec/sriov";
import { PciSystem, UNKNOWN_PLATFORM } from "../system";
import { specError } from "../topology/errors";
import { validateTopology } from "../topology/validate";
import { assignAddresses, defaultCursors, programAddresses } from "./allocate";
import { sizeBars } from "./bar-sizing";
import { numberBuses } from "./bus-numbers";
import { isBridgeRole, vfConfig } from "./device-config";
import { planTopology } from "./plan";
import { assignSeabios } from "./seabios";
import { readBases, readBridgeWindows, setVfResources } from "./resources";

/** Options of {@link buildSystem}; each overrides what the spec says. */
export interface BuildOptions {
  /** Kernel whose boot-time ACS handling applies (default: the spec's, else 6.12). */
  readonly kernel?: KernelMode;
  /** An IOMMU requests ACS at boot (default: the spec's platform.iommu, else false). */
  readonly iommu?: boolean;
  /** Firmware whose address assignment applies (default: the spec's platform.firmware, else "default"). */
  readonly firmware?: FirmwareKind;
}

/** A built machine: the system, its labelled functions and the hardware-model descriptions. */
export interface BuiltTopology {
  readonly system: PciSystem;
  /** Functions by their user label. */
  readonly labels: Map<string, PciFunction>;
  /** The opaque `model:` of each function that has one, for the layers that interpret it. */
  readonly models: Map<PciFunction, ModelSpec>;
  /** Kernel log lines of the boot-time ACS set-up (also appended to `system.log`). */
  readonly acsLog: readonly LogLine[];
}

function platformOf(spec: TopologySpec): Platform {
  const p = spec.platform;
  if (!p) return UNKNOWN_PLATFORM;
  const arch = p.arch ?? (p.cpu && p.cpu.vendor !== "other" ? "x86" : "unknown");
  return {
    cpuVendor: p.cpu?.vendor ?? "unknown",
    cpuFamily: p.cpu?.family ?? null,
    arch,
  };
}

interface Pf {
  readonly dev: PciFunction;
  readonly node: PlanNode;
}

/** Firmware: numbers buses, sizes BARs, assigns and programs addresses. */
function runFirmware(plans: readonly PlanHostBridge[], firmware: FirmwareKind): Map<PlanHostBridge, { base: bigint; size: bigint }[]> {
  const cursors = defaultCursors();
  const windows = new Map<PlanHostBridge, { base: bigint; size: bigint }[]>();
  const sizeAll = (nodes: readonly PlanNode[]): void => {
    for (const n of nodes) {
      sizeBars(n);
      sizeAll(n.children);
    }
  };
  if (firmware === "seabios") {
    // SeaBIOS numbers every bus first, then assigns the whole machine at once.
    for (const hb of plans) {
      numberBuses(hb);
      sizeAll(hb.nodes);
    }
    const assigned = assignSeabios(plans);
    for (const hb of plans) {
      windows.set(hb, assigned);
      programAddresses(hb.nodes);
    }
    return windows;
  }
  for (const hb of plans) {
    numberBuses(hb);
    sizeAll(hb.nodes);
    windows.set(hb, assignAddresses(hb, cursors));
    programAddresses(hb.nodes);
  }
  return windows;
}

function enableVfs(system: PciSystem, pf: Pf): void {
  const s = (pf.node.spec as FunctionSpec).sriov!;
  const num = s.numVFs ?? 0;
  if (num === 0) return;
  const cs = pf.dev.config;
  const pos = findExtCapability(cs, PCI_EXT_CAP_ID_SRIOV);
  cs.write16(pos + PCI_SRIOV_NUM_VF, num);
  cs.write16(pos + PCI_SRIOV_CTRL, cs.read16(pos + PCI_SRIOV_CTRL) | PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
  const offset = s.offset ?? 1;
  const stride = s.stride ?? 1;
  for (let id = 0; id < num; id++) {
    const rid = pf.dev.devfn + offset + stride * id;
    const busNr = pf.dev.bus.number + (rid >> 8);
    const devfn = rid & 0xff;
    const bus: PciBus = busNr === pf.dev.bus.number ? pf.dev.bus : system.addVirtualBus(pf.dev.bus, busNr);
    const taken = bus.devices.find((d) => d.devfn === devfn);
    if (taken) {
      const name = formatBdf({ domain: bus.domain, bus: busNr, devfn });
      throw specError(s, "offset", `${pf.node.path}.sriov`, `VF ${id} would be ${name}, which is already ${taken.label ?? "another function"} (change offset/stride)`);
    }
    const vf = system.addFunction({
      bus,
      devfn,
      config: vfConfig(pf.node.spec as FunctionSpec, pf.node.role),
      physfn: pf.dev,
      numaNode: pf.dev.numaNode,
      autoBind: false,
    });
    setVfResources(pf.dev, vf, id, s.totalVFs);
  }
}

/**
 * Builds the machine a topology spec describes (firmware enumeration, then the kernel's).
 * Validates the spec first. Throws {@link TopologySpecError} for a topology that cannot be
 * built (including bus numbers or address space running out).
 */
export function buildSystem(spec: TopologySpec, options: BuildOptions = {}): BuiltTopology {
  validateTopology(spec);
  const plans = planTopology(spec);
  const windows = runFirmware(plans, options.firmware ?? spec.platform?.firmware ?? "default");
  const system = new PciSystem(platformOf(spec));
  const labels = new Map<string, PciFunction>();
  const models = new Map<PciFunction, ModelSpec>();
  const pfs: Pf[] = [];

  const add = (n: PlanNode, bus: PciBus, hbNuma: number | undefined): PciFunction => {
    const f = n.spec as FunctionSpec;
    const numa = f.numaNode ?? hbNuma;
    const dev = system.addFunction({
      bus,
      devfn: n.devfn,
      config: n.config,
      ...(numa !== undefined ? { numaNode: numa } : {}),
      ...(f.label !== undefined ? { label: f.label } : {}),
      ...(f.model !== undefined ? { model: f.model } : {}),
      autoBind: false,
    });
    readBases(dev);
    if (isBridgeRole(n.role)) readBridgeWindows(dev);
    if (f.label !== undefined) labels.set(f.label, dev);
    if (f.model !== undefined) models.set(dev, f.model);
    if (f.sriov !== undefined) pfs.push({ dev, node: n });
    return dev;
  };
  const scan = (bus: PciBus, nodes: readonly PlanNode[], hbNuma: number | undefined): void => {
    const added = nodes.map((n) => ({ n, dev: add(n, bus, hbNuma) }));
    for (const { n, dev } of added) if (dev.subordinate) scan(dev.subordinate, n.children, hbNuma);
  };
  for (const hb of plans) {
    const numa = hb.spec.numaNode;
    const host = system.addHostBridge({
      domain: hb.domain,
      rootBus: hb.rootBus,
      busEnd: hb.busEnd,
      ...(numa !== undefined ? { numaNode: numa } : {}),
      busOffset: hb.busOffset,
      windows: (windows.get(hb) ?? []).map((w) => ({ start: w.base, end: w.base + w.size - 1n, flags: IORESOURCE_MEM | IORESOURCE_WINDOW })),
    });
    scan(host.bus, hb.nodes, numa);
  }
  const acsLog = applyAcsKernelParams(system, spec.cmdline ?? [], {
    mode: options.kernel ?? spec.kernel ?? DEFAULT_KERNEL_MODE,
    iommu: options.iommu ?? spec.platform?.iommu ?? false,
  });
  for (const pf of pfs) enableVfs(system, pf);
  return { system, labels, models, acsLog };
}
