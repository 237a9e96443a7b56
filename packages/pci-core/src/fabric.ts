/**
 * The PCIe fabric: "device X reads/writes N bytes at bus address A" (architecture.md). Finds the
 * memory that claims A (system RAM or a device BAR), routes the transaction through the tree
 * under PCIe address routing — up to the common bridge and down, or up to the root complex when
 * no bridge is common or the ingress downstream port's ACS redirects peer requests
 * (PCIe 4.0 §6.12.1.1, RR / EC) — moves the bytes, and counts them per link and direction.
 */
import type { HostBridge } from "./host-bridge";
import type { PciFunction } from "./pci-function";
import type { PciSystem } from "./system";
import { physfn, upstreamChain } from "./upstream";
import { IORESOURCE_MEM, resourceSize } from "./resource";
import { SparseMemory } from "./sparse-memory";

/** What backs a region: plain memory or a device's register/BAR handler. */
export interface MemoryHandler {
  read(offset: bigint, length: number): Uint8Array;
  write(offset: bigint, data: Uint8Array): void;
}

export interface MemoryRegion {
  readonly kind: "dram" | "bar";
  readonly name: string;
  /** Bus address of the first byte (what a device emits). */
  readonly busStart: bigint;
  readonly size: bigint;
  /** The function whose BAR this is; null for system RAM. */
  readonly owner: PciFunction | null;
  readonly bar: number | null;
  /** NUMA node of system RAM; the host bridge's node for BARs. */
  readonly numaNode: number;
  readonly handler: MemoryHandler;
}

/** One link crossed, in the direction the *request* travels. */
export interface Hop {
  readonly link: string;
  readonly dir: "up" | "down";
}

export interface Route {
  readonly target: MemoryRegion;
  readonly offset: bigint;
  readonly hops: readonly Hop[];
  /** The lowest common bridge of initiator and target, if the route turns below the root complex. */
  readonly turnsAt: PciFunction | null;
  /** The downstream port whose ACS control redirected the request upstream, if any. */
  readonly redirectedBy: PciFunction | null;
  /** True when the payload passes through a root complex (host bridge). */
  readonly throughRootComplex: boolean;
}

/** A transaction nothing claims (Unsupported Request / master abort) or that spans regions. */
export interface RouteFailure {
  readonly error: "unsupported-request" | "crosses-region-end";
  readonly busAddress: bigint;
}

export interface LinkCounter {
  /** Payload bytes moving toward the root complex. */
  up: number;
  /** Payload bytes moving away from it. */
  down: number;
}

const PCI_ACS_RR = 0x04;
const PCI_ACS_EC = 0x20;

/** Misuse: overlapping regions, a BAR that is not memory. */
export class FabricError extends Error {
  readonly code = "EFABRIC";
}

/** The shape of a route between one initiator and one region, minus the live ACS check. */
interface RouteShape {
  /** Below the common bridge, when one exists and no ACS redirects (null when none is common). */
  readonly direct: Omit<Route, "target" | "offset"> | null;
  /** The downstream port whose ACS control decides between `direct` and `viaRootComplex`. */
  readonly ingress: PciFunction | null;
  readonly viaRootComplex: Omit<Route, "target" | "offset">;
}

export class Fabric {
  private regions: MemoryRegion[] = [];
  private readonly counters = new Map<string, LinkCounter>();
  /** Route shapes per initiator (null = CPU) and region; cleared when regions change. */
  private shapes = new Map<PciFunction | null, Map<MemoryRegion, RouteShape>>();

  constructor(readonly system: PciSystem) {}

  /** Adds system RAM at `busStart` (DMA addresses of RAM equal its physical addresses). */
  addDram(name: string, busStart: bigint, size: bigint, numaNode = 0): MemoryRegion {
    return this.add({
      kind: "dram",
      name,
      busStart,
      size,
      owner: null,
      bar: null,
      numaNode,
      handler: new SparseMemory(size),
    });
  }

  /** Claims a memory BAR of `dev` for `handler` (a device model's registers or memory). */
  attachBar(dev: PciFunction, bar: number, handler: MemoryHandler): MemoryRegion {
    const res = dev.resources[bar];
    if (!res || (res.flags & IORESOURCE_MEM) === 0 || resourceSize(res) === 0n) {
      throw new FabricError(`${dev.name}: BAR ${bar} is not an assigned memory BAR`);
    }
    return this.add({
      kind: "bar",
      name: `${dev.name} BAR${bar}`,
      busStart: dev.bus.hostBridge.cpuToBus(res.start),
      size: resourceSize(res),
      owner: dev,
      bar,
      numaNode: dev.bus.hostBridge.numaNode,
      handler,
    });
  }

  /** Removes a region (driver unbind, device removal). */
  detach(region: MemoryRegion): void {
    this.regions = this.regions.filter((r) => r !== region);
    this.invalidateRoutes();
  }

  /** Forgets cached route shapes (call after the PCI hierarchy changed, e.g. a removal). */
  invalidateRoutes(): void {
    this.shapes = new Map();
  }

  private add(region: MemoryRegion): MemoryRegion {
    const end = region.busStart + region.size;
    for (const r of this.regions) {
      if (region.busStart < r.busStart + r.size && r.busStart < end) {
        throw new FabricError(`${region.name} overlaps ${r.name}`);
      }
    }
    this.regions.push(region);
    this.invalidateRoutes();
    this.regions.sort((a, b) => (a.busStart < b.busStart ? -1 : a.busStart > b.busStart ? 1 : 0));
    return region;
  }

  /** The region claiming bus address `addr`, if any. */
  claim(addr: bigint): MemoryRegion | undefined {
    let lo = 0;
    let hi = this.regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.regions[mid]!;
      if (addr < r.busStart) hi = mid - 1;
      else if (addr >= r.busStart + r.size) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  /**
   * Routes a request of `length` bytes from `initiator` (a PCI function, or null for the CPU)
   * to bus address `addr`. The path's shape is cached per (initiator, region); the ingress
   * port's ACS control is read on every request, so a changed ACS setting takes effect at once.
   */
  route(initiator: PciFunction | null, addr: bigint, length: number): Route | RouteFailure {
    const target = this.claim(addr);
    if (!target) return { error: "unsupported-request", busAddress: addr };
    if (addr + BigInt(length) > target.busStart + target.size) return { error: "crosses-region-end", busAddress: addr };
    const offset = addr - target.busStart;
    let perInitiator = this.shapes.get(initiator);
    if (!perInitiator) {
      perInitiator = new Map();
      this.shapes.set(initiator, perInitiator);
    }
    let shape = perInitiator.get(target);
    if (!shape) {
      shape = this.shapeOf(initiator, target);
      perInitiator.set(target, shape);
    }
    if (shape.direct && !(shape.ingress && redirectsPeerRequests(shape.ingress))) {
      return { target, offset, ...shape.direct };
    }
    return { target, offset, ...shape.viaRootComplex, redirectedBy: shape.direct ? shape.ingress : null };
  }

  private shapeOf(initiator: PciFunction | null, target: MemoryRegion): RouteShape {
    if (initiator !== null && initiator === target.owner) {
      const local = { hops: [], turnsAt: null, redirectedBy: null, throughRootComplex: false };
      return { direct: local, ingress: null, viaRootComplex: local };
    }
    const up = initiator ? upstreamChain(initiator) : [];
    const down = target.owner ? upstreamChain(target.owner) : [];
    const downIndex = new Map(down.map((d, i) => [d, i]));
    let common: PciFunction | null = null;
    let upIdx = -1;
    for (let i = 0; i < up.length; i++) {
      const j = downIndex.get(up[i]!);
      if (j !== undefined) {
        common = up[i]!;
        upIdx = i;
        break;
      }
    }
    // ACS: the downstream port where the request enters the switch that holds the common bridge.
    const ingress = common && upIdx >= 1 && common.type === "upstream-port" ? up[upIdx - 1]! : null;
    let direct: RouteShape["direct"] = null;
    if (common) {
      const hops: Hop[] = [];
      for (let i = 0; i < upIdx; i++) this.pushLink(hops, up[i]!, "up");
      const j = downIndex.get(common)!;
      for (let i = j - 1; i >= 0; i--) this.pushLink(hops, down[i]!, "down");
      direct = { hops, turnsAt: common, redirectedBy: null, throughRootComplex: false };
    }
    const hops: Hop[] = [];
    for (const d of up) this.pushLink(hops, d, "up");
    const fromHb = initiator ? initiator.bus.hostBridge : null;
    const toHb = target.owner ? target.owner.bus.hostBridge : null;
    if (target.kind === "dram") {
      if (fromHb) hops.push({ link: `${fromHb.name}<->memory${target.numaNode}`, dir: "down" });
    } else if (fromHb && toHb && fromHb !== toHb) {
      hops.push({ link: interBridgeLink(fromHb, toHb), dir: "down" });
    }
    for (let i = down.length - 1; i >= 0; i--) this.pushLink(hops, down[i]!, "down");
    return { direct, ingress, viaRootComplex: { hops, turnsAt: null, redirectedBy: null, throughRootComplex: true } };
  }

  /** The physical link above `dev` (shared by the functions of one device), if it has one. */
  private pushLink(hops: Hop[], dev: PciFunction, dir: "up" | "down"): void {
    const link = linkAbove(dev);
    if (link !== null) hops.push({ link, dir });
  }

  /** Device `initiator` writes `data` at `addr`. Returns the route or why it failed. */
  write(initiator: PciFunction | null, addr: bigint, data: Uint8Array): Route | RouteFailure {
    const r = this.route(initiator, addr, data.length);
    if ("error" in r) return r;
    r.target.handler.write(r.offset, data);
    this.count(r.hops, data.length, false);
    return r;
  }

  /** Device `initiator` reads `length` bytes at `addr`; the payload flows back along the route. */
  read(initiator: PciFunction | null, addr: bigint, length: number): { route: Route; data: Uint8Array } | RouteFailure {
    const r = this.route(initiator, addr, length);
    if ("error" in r) return r;
    const data = r.target.handler.read(r.offset, length);
    this.count(r.hops, length, true);
    return { route: r, data };
  }

  private count(hops: readonly Hop[], bytes: number, reverse: boolean): void {
    for (const h of hops) {
      let c = this.counters.get(h.link);
      if (!c) {
        c = { up: 0, down: 0 };
        this.counters.set(h.link, c);
      }
      const dir = reverse ? (h.dir === "up" ? "down" : "up") : h.dir;
      c[dir] += bytes;
    }
  }

  /** Payload bytes per link and direction since the last reset, links sorted by name. */
  linkCounters(): { link: string; up: number; down: number }[] {
    return [...this.counters.entries()]
      .map(([link, c]) => ({ link, up: c.up, down: c.down }))
      .sort((a, b) => (a.link < b.link ? -1 : a.link > b.link ? 1 : 0));
  }

  resetCounters(): void {
    this.counters.clear();
  }

  /** Every region, in address order. */
  allRegions(): readonly MemoryRegion[] {
    return this.regions;
  }
}

/** Whether a port's ACS control redirects peer requests (P2P Request Redirect or Egress Control). */
function redirectsPeerRequests(port: PciFunction): boolean {
  const acs = port.acs();
  return acs !== null && acs !== "unknown" && (acs.ctl & (PCI_ACS_RR | PCI_ACS_EC)) !== 0;
}

function slotName(dev: PciFunction): string {
  const d = physfn(dev);
  return d.name.slice(0, -2);
}

/**
 * The link between `dev`'s device and the port above it, named `<port>-><DDDD:BB:DD>`; a
 * function on a root bus attaches to the root complex (`pciDDDD:BB-><DDDD:BB:DD>`). Functions
 * on a switch's internal bus (downstream ports below an upstream port) have no link above.
 */
export function linkAbove(dev: PciFunction): string | null {
  const d = physfn(dev);
  const bus = d.bus;
  if (bus.isRoot) return `${bus.hostBridge.name}->${slotName(d)}`;
  const port = bus.self;
  if (port === null) return null;
  if (port.type === "upstream-port") return null;
  return `${port.name}->${slotName(d)}`;
}

function interBridgeLink(a: HostBridge, b: HostBridge): string {
  const [x, y] = a.name < b.name ? [a.name, b.name] : [b.name, a.name];
  return `${x}<->${y}`;
}
