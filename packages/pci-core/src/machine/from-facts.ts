/**
 * Builds the live model from imported facts (merged captures of one machine): host bridges for
 * every root bus, functions registered in the kernel's scan order (all functions of a bus in
 * devfn order, then the bus behind each bridge in turn; SR-IOV VFs last, as they appear when
 * their PF enables them), config space as captured or synthesized from stated facts, and
 * resources from the stated BARs. What the captures did not state stays unknown.
 */
import type { FunctionFacts, MachineFacts } from "../import/facts";
import type { PciFunction, PciFunctionType, UnknownFact } from "../pci-function";
import type { PciBus } from "../pci-bus";
import type { Platform } from "../system";
import type { Resource } from "../resource";
import { parseBdf } from "../bdf";
import { ConfigSpace } from "../config-space";
import { findExtCapability } from "../capability-walk";
import { factsFromConfig } from "../import/config-facts";
import { IORESOURCE_IO, IORESOURCE_MEM, IORESOURCE_MEM_64, IORESOURCE_PREFETCH, IORESOURCE_SIZEALIGN, IORESOURCE_DISABLED } from "../resource";
import { PCI_CFG_SIZE } from "../spec/header";
import { PciSystem, TopologyError, UNKNOWN_PLATFORM } from "../system";
import { synthesizeConfig } from "./synthesize";

export interface FromFactsOptions {
  /** Platform facts from the command line (`--cpu`), overriding what the captures say. */
  readonly platform?: Partial<Platform>;
}

interface Node {
  readonly facts: FunctionFacts;
  readonly domain: number;
  readonly bus: number;
  readonly devfn: number;
  readonly isBridge: boolean;
  readonly secondary: number | undefined;
  readonly subordinate: number | undefined;
}

function withConfigFacts(f: FunctionFacts): FunctionFacts {
  if (!f.config || f.config.length < 64) return f;
  const derived = factsFromConfig(f.config) as Partial<FunctionFacts>;
  // Stated facts win; the config fills in what they leave open.
  const merged: Record<string, unknown> = { ...derived };
  for (const [k, v] of Object.entries(f)) if (v !== undefined) merged[k] = v;
  return merged as unknown as FunctionFacts;
}

function configFor(f: FunctionFacts): { config: ConfigSpace; captured: boolean } {
  if (f.config && f.config.length >= PCI_CFG_SIZE) {
    const config = ConfigSpace.fromBytes(f.config);
    // ACS control is writable hardware: let kernel parameters (and setpci) change it.
    const acs = findExtCapability(config, 0x0d);
    if (acs) config.setAccess(acs + 6, 2, { rw: config.read16(acs + 4) & 0x7f });
    return { config, captured: true };
  }
  return { config: synthesizeConfig(f), captured: false };
}

function unknownsFor(f: FunctionFacts, captured: boolean): UnknownFact[] {
  const u: UnknownFact[] = [];
  if (f.vendor === undefined || f.device === undefined) u.push("ids");
  if (f.classCode === undefined && f.class16 === undefined) u.push("class");
  if (!captured) {
    if (f.pcieType === undefined && f.isPcie !== false) u.push("pcie");
    if (f.acs === undefined || f.acs === "unknown") u.push("acs");
    u.push("config");
  }
  if (f.bars === undefined || f.bars.some((b) => b.address !== undefined && b.size === undefined)) u.push("bars");
  if (f.numaNode === undefined) u.push("numa");
  return u;
}

function resourcesFor(f: FunctionFacts): Resource[] {
  const out: Resource[] = [];
  for (const b of f.bars ?? []) {
    if (b.address === undefined) continue;
    let flags = b.kind === "io" ? IORESOURCE_IO : IORESOURCE_MEM;
    if (b.kind === "mem64") flags |= IORESOURCE_MEM_64 | 0x4;
    if (b.prefetchable) flags |= IORESOURCE_PREFETCH | 0x8;
    if (b.kind !== "io" || b.size !== undefined) flags |= IORESOURCE_SIZEALIGN;
    if (b.disabled) flags |= IORESOURCE_DISABLED;
    const size = b.size ?? 1n;
    out[b.index] = { start: b.address, end: b.address + size - 1n, flags };
  }
  return out;
}

/** The type from structure, for functions whose PCI Express capability was not captured. */
function structuralType(n: Node, parent: Node | undefined, childrenAreBridges: boolean, onRootBus: boolean): PciFunctionType {
  const cls = n.facts.classCode !== undefined ? n.facts.classCode >> 8 : n.facts.class16;
  if (cls === 0x0600) return "host-bridge";
  if (!n.isBridge) return onRootBus && n.facts.isPcie === true ? "rc-endpoint" : "endpoint";
  if (onRootBus) return "root-port";
  const parentType = parent?.facts.pcieType;
  if (parentType === "upstream-port") return "downstream-port";
  if ((parentType === "root-port" || parentType === "downstream-port") && childrenAreBridges) return "upstream-port";
  return "pci-bridge";
}

/** Builds a system from merged facts. Throws TopologyError for an impossible topology. */
export function systemFromFacts(machine: MachineFacts, opts: FromFactsOptions = {}): PciSystem {
  const nodes: Node[] = [];
  for (const raw of machine.functions) {
    const f = withConfigFacts(raw);
    const addr = parseBdf(f.bdf);
    if (!addr) throw new TopologyError(`not a PCI function name: ${f.bdf}`);
    const isBridge = f.headerType === 1 || f.secondaryBus !== undefined;
    nodes.push({ facts: f, ...addr, isBridge, secondary: f.secondaryBus, subordinate: f.subordinateBus });
  }
  const key = (d: number, b: number): string => `${d}:${b}`;
  const bridgeFor = new Map<string, Node>();
  for (const n of nodes) {
    if (n.isBridge && n.secondary !== undefined && n.secondary !== 0) {
      const k = key(n.domain, n.secondary);
      const other = bridgeFor.get(k);
      if (other) throw new TopologyError(`${n.facts.bdf} and ${other.facts.bdf} both claim bus ${n.secondary.toString(16).padStart(2, "0")} as their secondary bus`);
      bridgeFor.set(k, n);
    }
  }
  const isVf = (n: Node): boolean => n.facts.physfn !== undefined;
  const busesWithDevices = new Map<string, Node[]>();
  for (const n of nodes) {
    if (isVf(n)) continue;
    const k = key(n.domain, n.bus);
    const list = busesWithDevices.get(k) ?? [];
    list.push(n);
    busesWithDevices.set(k, list);
  }
  for (const list of busesWithDevices.values()) list.sort((a, b) => a.devfn - b.devfn);

  // Root buses: buses with devices that no bridge leads to (or that captures name as root).
  const rootKeys = new Set<string>();
  for (const hb of machine.hostBridges ?? []) rootKeys.add(key(hb.domain, hb.rootBus));
  for (const [k, list] of busesWithDevices) {
    if (bridgeFor.has(k)) continue;
    const n = list[0]!;
    const covering = nodes.find(
      (b) => b.isBridge && b.domain === n.domain && b.secondary !== undefined && b.subordinate !== undefined && n.bus > b.secondary && n.bus <= b.subordinate,
    );
    if (covering) {
      throw new TopologyError(
        `bus ${n.domain.toString(16).padStart(4, "0")}:${n.bus.toString(16).padStart(2, "0")} lies behind ${covering.facts.bdf} but no bridge in the input leads to it (is the capture incomplete?)`,
      );
    }
    rootKeys.add(k);
  }
  const platform: Platform = {
    ...UNKNOWN_PLATFORM,
    ...(machine.platform?.cpuVendor ? { cpuVendor: machine.platform.cpuVendor } : {}),
    ...(machine.platform?.cpuFamily !== undefined ? { cpuFamily: machine.platform.cpuFamily } : {}),
    ...(machine.platform?.arch ? { arch: machine.platform.arch } : {}),
    ...opts.platform,
  };
  const system = new PciSystem(platform);
  const roots = [...rootKeys].map((k) => k.split(":").map(Number) as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const parentOf = (n: Node): Node | undefined => bridgeFor.get(key(n.domain, n.bus));

  const addNode = (n: Node, bus: PciBus, physfn?: PciFunction): PciFunction => {
    const { config, captured } = configFor(n.facts);
    const unknown = unknownsFor(n.facts, captured);
    const childList = n.secondary !== undefined ? (busesWithDevices.get(key(n.domain, n.secondary)) ?? []) : [];
    const declaredType = unknown.includes("pcie")
      ? structuralType(n, parentOf(n), childList.length > 0 && childList.every((c) => c.isBridge), bus.isRoot)
      : undefined;
    const dev = system.addFunction({
      bus,
      devfn: n.devfn,
      config,
      unknown,
      ...(declaredType ? { declaredType } : {}),
      ...(physfn ? { physfn } : {}),
      ...(n.facts.numaNode !== undefined ? { numaNode: n.facts.numaNode } : {}),
      ...(n.facts.vendorName || n.facts.deviceName
        ? { displayName: [n.facts.vendorName, n.facts.deviceName].filter(Boolean).join(" ") }
        : {}),
      autoBind: false,
    });
    resourcesFor(n.facts).forEach((r, i) => {
      if (r) dev.resources[i] = r;
    });
    return dev;
  };

  const scanBus = (bus: PciBus): void => {
    const list = busesWithDevices.get(key(bus.domain, bus.number)) ?? [];
    const added = list.map((n) => ({ n, dev: addNode(n, bus) }));
    for (const { dev } of added) if (dev.subordinate) scanBus(dev.subordinate);
  };
  for (const [domain, rootBus] of roots) {
    const hbFacts = machine.hostBridges?.find((h) => h.domain === domain && h.rootBus === rootBus);
    const hb = system.addHostBridge({
      domain,
      rootBus,
      ...(hbFacts?.numaNode !== undefined ? { numaNode: hbFacts.numaNode } : {}),
      ...(hbFacts?.busOffset !== undefined ? { busOffset: hbFacts.busOffset } : {}),
      unknown: [...(hbFacts?.numaNode === undefined ? (["numa"] as const) : []), ...(hbFacts?.busOffset === undefined ? (["busOffset"] as const) : [])],
    });
    scanBus(hb.bus);
  }
  // SR-IOV VFs, in PF order.
  for (const n of nodes.filter(isVf).sort((a, b) => a.bus - b.bus || a.devfn - b.devfn)) {
    const pf = system.getDeviceByName(n.facts.physfn!);
    if (!pf) throw new TopologyError(`${n.facts.bdf}: its PF ${n.facts.physfn} is not in the input`);
    const bus = n.bus === pf.bus.number ? pf.bus : system.addVirtualBus(pf.bus, n.bus);
    addNode(n, bus, pf);
  }
  return system;
}
