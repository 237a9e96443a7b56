/**
 * One machine's PCI subsystem: host bridges, buses, functions in registration order, the
 * driver core, the sysfs tree and the kernel log. Functions are added the way enumeration
 * discovers them (a bridge before the devices behind it); impossible topologies are refused
 * with a {@link TopologyError}.
 */
import type { KDevice } from "./device";
import type { PciDriver } from "./driver";
import type { HostBridgeInit } from "./host-bridge";
import type { PciFunctionInit } from "./pci-function";
import { formatBdf } from "./bdf";
import { matchId } from "./driver";
import { HostBridge } from "./host-bridge";
import { KernelLog } from "./klog";
import { PciBus } from "./pci-bus";
import { PciFunction } from "./pci-function";
import { addPciSysfs, pciDevicePath, removePciSysfs } from "./pci-sysfs";
import { PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS } from "./spec/header";
import { Sysfs } from "./sysfs";

/** The CPU facts P2PDMA's host-bridge rule needs (spec 2.17.2). */
export interface Platform {
  readonly cpuVendor: "amd" | "intel" | "other" | "unknown";
  /** x86 family (`boot_cpu_data.x86`), null when unknown. */
  readonly cpuFamily: number | null;
  readonly arch: "x86" | "other" | "unknown";
}

export const UNKNOWN_PLATFORM: Platform = { cpuVendor: "unknown", cpuFamily: null, arch: "unknown" };

/** Misuse or an impossible topology (two bridges claiming one bus, a slot taken twice, ...). */
export class TopologyError extends Error {
  readonly code = "ETOPOLOGY";
}

/** What {@link PciSystem.addFunction} takes: a function's description plus binding policy. */
export interface AddFunctionInit extends PciFunctionInit {
  /** Bind a matching registered driver right away (default true, as on hotplug). */
  readonly autoBind?: boolean;
}

export class PciSystem {
  readonly hostBridges: HostBridge[] = [];
  readonly sysfs = new Sysfs();
  readonly log = new KernelLog();
  platform: Platform;
  private readonly ordered: PciFunction[] = [];
  private readonly byName = new Map<string, PciFunction>();
  private readonly buses = new Map<string, PciBus>();
  private readonly drivers: PciDriver[] = [];

  constructor(platform: Platform = UNKNOWN_PLATFORM) {
    this.platform = platform;
    this.sysfs.mkdir("/bus/pci/devices");
    this.sysfs.mkdir("/bus/pci/drivers");
    this.sysfs.mkdir("/devices");
  }

  private static busKey(domain: number, bus: number): string {
    return `${domain}:${bus}`;
  }

  /** Adds a host bridge and its root bus (`pci_create_root_bus`). */
  addHostBridge(init: HostBridgeInit): HostBridge {
    if (this.buses.has(PciSystem.busKey(init.domain, init.rootBus))) {
      throw new TopologyError(`bus ${formatBus(init.domain, init.rootBus)} already exists`);
    }
    const hb = new HostBridge(init);
    this.hostBridges.push(hb);
    this.buses.set(PciSystem.busKey(hb.domain, hb.bus.number), hb.bus);
    this.sysfs.mkdir(`/devices/${hb.name}`);
    return hb;
  }

  /** The bus `number` of `domain`, if it exists. */
  findBus(domain: number, number: number): PciBus | undefined {
    return this.buses.get(PciSystem.busKey(domain, number));
  }

  /** Every bus, root buses first in host-bridge order, then depth-first. */
  allBuses(): PciBus[] {
    const out: PciBus[] = [];
    const walk = (b: PciBus): void => {
      out.push(b);
      b.children.forEach(walk);
    };
    this.hostBridges.forEach((hb) => walk(hb.bus));
    return out;
  }

  /**
   * Models `pci_device_add` (+ `pci_add_new_bus` for a bridge whose secondary bus is set):
   * registers a function on `bus`; a bridge's secondary bus becomes a child bus.
   */
  addFunction(init: AddFunctionInit): PciFunction {
    const { bus } = init;
    if (!this.findBus(bus.domain, bus.number) || this.findBus(bus.domain, bus.number) !== bus) {
      throw new TopologyError(`bus ${bus.name} is not part of this system`);
    }
    if (bus.devices.some((d) => d.devfn === init.devfn)) {
      throw new TopologyError(`${formatBdf({ domain: bus.domain, bus: bus.number, devfn: init.devfn })} already exists`);
    }
    const dev = new PciFunction(init);
    if (dev.isBridge && !dev.isVirtfn) this.attachSecondaryBus(dev);
    bus.devices.push(dev);
    this.ordered.push(dev);
    this.byName.set(dev.name, dev);
    if (init.physfn) init.physfn.virtfns.push(dev);
    addPciSysfs(this, dev);
    if (init.autoBind ?? true) this.bindDriver(dev);
    return dev;
  }

  private attachSecondaryBus(bridge: PciFunction): void {
    const secondary = bridge.config.read8(PCI_SECONDARY_BUS);
    const subordinate = bridge.config.read8(PCI_SUBORDINATE_BUS);
    if (secondary === 0) return; // not yet numbered
    const parent = bridge.bus;
    if (secondary <= parent.number) {
      throw new TopologyError(
        `${bridge.name}: secondary bus ${hex2(secondary)} is not above its own bus ${hex2(parent.number)}`,
      );
    }
    if (subordinate < secondary) {
      throw new TopologyError(`${bridge.name}: subordinate bus ${hex2(subordinate)} below secondary ${hex2(secondary)}`);
    }
    const hbEnd = parent.hostBridge.busEnd;
    if (subordinate > hbEnd) {
      throw new TopologyError(`${bridge.name}: bus range [${hex2(secondary)}-${hex2(subordinate)}] beyond the host bridge's ${hex2(hbEnd)}`);
    }
    const existing = this.findBus(parent.domain, secondary);
    if (existing) {
      const owner = existing.self ? existing.self.name : existing.hostBridge.name;
      throw new TopologyError(`${bridge.name}: secondary bus ${existing.name} already belongs to ${owner}`);
    }
    const child = new PciBus(parent.domain, secondary, bridge, parent, parent.hostBridge);
    parent.children.push(child);
    this.buses.set(PciSystem.busKey(child.domain, child.number), child);
    bridge.subordinate = child;
  }

  /**
   * Models `virtfn_add_bus`: the bus an SR-IOV VF lands on when its routing ID leaves the PF's
   * bus. It has no bridge (`self` is null) and hangs below the PF's bus.
   */
  addVirtualBus(pfBus: PciBus, number: number): PciBus {
    const existing = this.findBus(pfBus.domain, number);
    if (existing) return existing;
    const child = new PciBus(pfBus.domain, number, null, pfBus, pfBus.hostBridge);
    pfBus.children.push(child);
    this.buses.set(PciSystem.busKey(child.domain, number), child);
    return child;
  }

  /** Present functions in registration order (`for_each_pci_dev`). */
  get devices(): readonly PciFunction[] {
    return this.ordered;
  }

  /**
   * Models `bus_find_device_by_name(&pci_bus_type, NULL, text)`: sysfs string equality, i.e.
   * an exact match except that one trailing newline of `text` is ignored (spec 1.1).
   */
  getDeviceByName(text: string): PciFunction | null {
    const name = text.endsWith("\n") ? text.slice(0, -1) : text;
    return this.byName.get(name) ?? null;
  }

  /** The function with a user label (topology files) or a kernel name. */
  resolve(nameOrLabel: string): PciFunction | null {
    const byName = this.getDeviceByName(nameOrLabel);
    if (byName) return byName;
    return this.ordered.find((d) => d.label === nameOrLabel) ?? null;
  }

  // ---- driver core -------------------------------------------------------------------

  /** Models `pci_register_driver`: registers and binds every matching unbound function. */
  registerDriver(drv: PciDriver): void {
    if (this.drivers.includes(drv)) throw new TopologyError(`driver ${drv.name} already registered`);
    this.drivers.push(drv);
    this.sysfs.mkdir(`/bus/pci/drivers/${drv.name}`);
    for (const dev of this.ordered) if (dev.driver === null) this.tryBind(dev, drv);
  }

  /** Models `pci_unregister_driver`: unbinds every function bound to it, then forgets it. */
  unregisterDriver(drv: PciDriver): void {
    for (const dev of [...this.ordered]) if (dev.driver === drv) this.unbind(dev);
    this.drivers.splice(this.drivers.indexOf(drv), 1);
    this.sysfs.remove(`/bus/pci/drivers/${drv.name}`);
  }

  /** Models `device_attach`: binds the first registered driver that matches and probes OK. */
  bindDriver(dev: PciFunction): number {
    if (dev.driver) return 0;
    let last = 0;
    for (const drv of this.drivers) {
      last = this.tryBind(dev, drv);
      if (last === 0 && dev.driver === drv) return 0;
    }
    return last;
  }

  private tryBind(dev: PciFunction, drv: PciDriver): number {
    const id = matchId(drv.idTable, dev);
    if (id === null) return -19; // -ENODEV: no match
    dev.driver = drv;
    const rc = drv.probe(dev, id);
    if (rc !== 0) {
      // really_probe: a failed probe releases what it acquired, the device stays unbound.
      dev.devres.releaseAll();
      dev.driver = null;
      dev.driverData = undefined;
      return rc;
    }
    this.sysfs.addLink(pciDevicePath(dev), "driver", `/bus/pci/drivers/${drv.name}`);
    this.sysfs.addLink(`/bus/pci/drivers/${drv.name}`, dev.name, pciDevicePath(dev));
    return 0;
  }

  /**
   * Models `device_release_driver`: the driver's remove() runs, then device-managed
   * resources are released newest first (`devres_release_all`).
   */
  unbind(dev: PciFunction): void {
    const drv = dev.driver;
    if (!drv) return;
    this.sysfs.remove(`${pciDevicePath(dev)}/driver`);
    this.sysfs.remove(`/bus/pci/drivers/${drv.name}/${dev.name}`);
    drv.remove?.(dev);
    dev.devres.releaseAll();
    dev.driver = null;
    dev.driverData = undefined;
  }

  /**
   * Models `pci_stop_and_remove_bus_device`: removes a function and everything below it,
   * deepest first, unbinding drivers on the way. `surprise` marks the device gone before the
   * drivers run (`pci_dev_set_disconnected`), as on a surprise hot-unplug.
   */
  removeFunction(dev: PciFunction, opts: { surprise?: boolean } = {}): void {
    if (!dev.present) return;
    if (opts.surprise) dev.present = false;
    for (const vf of [...dev.virtfns].reverse()) this.removeFunction(vf, opts);
    const sub = dev.subordinate;
    if (sub) {
      for (const child of [...sub.devices].reverse()) this.removeFunction(child, opts);
      this.buses.delete(PciSystem.busKey(sub.domain, sub.number));
      const siblings = dev.bus.children;
      siblings.splice(siblings.indexOf(sub), 1);
    }
    this.unbind(dev);
    dev.present = false;
    removePciSysfs(this, dev);
    dev.bus.devices.splice(dev.bus.devices.indexOf(dev), 1);
    this.ordered.splice(this.ordered.indexOf(dev), 1);
    this.byName.delete(dev.name);
    if (dev.physfn) dev.physfn.virtfns.splice(dev.physfn.virtfns.indexOf(dev), 1);
  }

  /** The sysfs directory of any device in this system (`/devices/...`). */
  devicePath(dev: KDevice): string {
    return pciDevicePath(dev);
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

function formatBus(domain: number, bus: number): string {
  return `${domain.toString(16).padStart(4, "0")}:${hex2(bus)}`;
}
