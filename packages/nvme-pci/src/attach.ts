/**
 * One call from a built topology to a working machine: a Fabric with system RAM, a virtual
 * clock, the NVMe controller device model on every function whose topology `model.kind` is
 * `nvme` (interrupts wired to the machine's {@link IrqDomain}), and the nvme driver registered
 * (which probes them in bus order: nvme0, nvme1, ...).
 */
import type { KernelMode, ModelSpec, PciFunction, PciSystem } from "@p2pdma/pci-core";
import { Fabric, VirtualClock } from "@p2pdma/pci-core";
import type { Gendisk } from "@p2pdma/block";
import { HostMemory, DiskRegistry } from "@p2pdma/block";
import { P2pdma } from "@p2pdma/p2pdma";
import type { ControllerOptionsInit } from "./hw/options";
import { controllerOptionsFromModel } from "./hw/options";
import { NvmeController } from "./hw/controller";
import type { NvmeCtrl } from "./ctrl";
import type { NvmeEnv, NvmeParams } from "./env";
import type { NvmePciDriver } from "./driver";
import type { NvmeQuirkEntry } from "./quirks";
import { DEFAULT_NVME_PARAMS } from "./env";
import { nvmePciDriver } from "./driver";
import { IrqDomain } from "./irq";

export interface AttachOptions {
  readonly kernel?: KernelMode;
  readonly params?: Partial<NvmeParams>;
  /** Per-controller overrides of the device model options (by label or BDF). */
  readonly controllerOverrides?: (dev: PciFunction) => ControllerOptionsInit | undefined;
  readonly quirkTable?: readonly NvmeQuirkEntry[];
  /** Do not register the driver (bring-up of the hardware only). */
  readonly noDriver?: boolean;
}

export interface NvmeMachine {
  readonly env: NvmeEnv;
  readonly system: PciSystem;
  readonly fabric: Fabric;
  readonly clock: VirtualClock;
  readonly mem: HostMemory;
  readonly p2p: P2pdma;
  /** Device models by PCI function. */
  readonly devices: Map<PciFunction, NvmeController>;
  readonly driver: NvmePciDriver;
  /** Bound controllers in probe order. */
  ctrls(): NvmeCtrl[];
  /** The controller bound to a function given by label or BDF. */
  ctrl(nameOrLabel: string): NvmeCtrl | null;
  /** A disk by name (`nvme0n1`). */
  disk(name: string): Gendisk | null;
  /** The first namespace's disk of a function given by label or BDF. */
  diskOf(nameOrLabel: string, nsid?: number): Gendisk | null;
}

/** Instantiates the NVMe device models of a built topology and registers the nvme driver. */
export function attachNvme(
  built: PciSystem | { readonly system: PciSystem; readonly models?: ReadonlyMap<PciFunction, ModelSpec> },
  o: AttachOptions = {},
): NvmeMachine {
  const system = "system" in built ? built.system : built;
  const models = new Map<PciFunction, ModelSpec>();
  for (const dev of system.devices) if (dev.model) models.set(dev, dev.model);
  if ("system" in built && built.models) for (const [d, mdl] of built.models) models.set(d, mdl);
  const mode = o.kernel ?? "6.12";
  const fabric = new Fabric(system);
  const clock = new VirtualClock();
  const mem = HostMemory.of(fabric);
  const p2p = P2pdma.of(system, { kernel: mode });
  const irq = IrqDomain.of(system);
  const env: NvmeEnv = {
    system,
    fabric,
    clock,
    mem,
    p2p,
    irq,
    mode,
    params: { ...DEFAULT_NVME_PARAMS, ...o.params },
    ...(o.quirkTable ? { quirkTable: o.quirkTable } : {}),
  };
  const devices = new Map<PciFunction, NvmeController>();
  for (const [dev, model] of models) {
    if (model.kind !== "nvme") continue;
    const options = controllerOptionsFromModel(
      model,
      { vendor: dev.vendor, device: dev.device, subsystemVendor: dev.subsystemVendor, subsystemDevice: dev.subsystemDevice },
      { serial: `p2pdma${devices.size}`, ...o.controllerOverrides?.(dev) },
    );
    const c = NvmeController.attach({ fabric, clock, dev, options });
    c.onInterrupt = (v) => irq.raise(dev, v);
    devices.set(dev, c);
  }
  const driver = nvmePciDriver(env);
  if (!o.noDriver) system.registerDriver(driver);
  const ctrls = (): NvmeCtrl[] => [...driver.controllers.values()].sort((a, b) => a.instance - b.instance);
  return {
    env,
    system,
    fabric,
    clock,
    mem,
    p2p,
    devices,
    driver,
    ctrls,
    ctrl: (n) => {
      const dev = system.resolve(n);
      return dev ? (driver.controllers.get(dev) ?? null) : null;
    },
    disk: (n) => DiskRegistry.of(system).get(n),
    diskOf: (n, nsid = 1) => {
      const dev = system.resolve(n);
      const c = dev ? driver.controllers.get(dev) : undefined;
      return c?.namespaces.find((x) => x.nsid === nsid)?.disk ?? null;
    },
  };
}
