/**
 * The firmware's view of a topology before it is programmed: one node per function with its
 * devfn, its freshly laid-out config space and the devices on its secondary bus, in devfn
 * order. Bus numbers and BAR addresses are filled in by the passes that follow.
 */
import type { ConfigSpace } from "../config-space";
import type { FunctionSpec, HostBridgeSpec, HostFunctionSpec, NodeSpec, TopologySpec } from "../topology/schema";
import type { BusKind, Placed } from "../topology/slots";
import type { FunctionRole } from "./device-config";
import { placeOnBus } from "../topology/slots";
import { functionConfig, hostFunctionConfig } from "./device-config";

/** A BAR (or a PF's VF BAR resource) as firmware sized it. */
export interface SizedBar {
  /** Resource index: 0-5 BARs, 7-12 VF BARs. */
  readonly resource: number;
  /** Config offset of the (low) BAR register. */
  readonly reg: number;
  /** Bytes to allocate (a VF BAR: per-VF size times TotalVFs). */
  readonly size: bigint;
  /** Alignment (the BAR size; a VF BAR: the per-VF size). */
  readonly align: bigint;
  readonly is64: boolean;
  readonly prefetchable: boolean;
  /** Bus address assigned, once placed. */
  address: bigint | null;
}

/** One function of the tree. */
export interface PlanNode {
  readonly role: FunctionRole;
  readonly spec: FunctionSpec | HostFunctionSpec;
  /** The spec object errors point at, and its path. */
  readonly origin: object;
  readonly path: string;
  readonly devfn: number;
  readonly config: ConfigSpace;
  /** Devices on the secondary bus (bridges only), devfn order. */
  readonly children: PlanNode[];
  bus: number;
  secondary: number;
  subordinate: number;
  bars: SizedBar[];
  /** A bridge's memory window (below 4 GiB) and prefetchable window, once sized; null = closed. */
  memWindow: BridgeWindow | null;
  prefWindow: BridgeWindow | null;
}

/** A bridge forwarding window as firmware sized and placed it (bus addresses). */
export interface BridgeWindow {
  readonly size: bigint;
  readonly align: bigint;
  readonly is64: boolean;
  base: bigint | null;
}

/** One host bridge of the plan, with its bus range and offset resolved. */
export interface PlanHostBridge {
  readonly spec: HostBridgeSpec;
  readonly path: string;
  readonly domain: number;
  readonly rootBus: number;
  readonly busEnd: number;
  readonly busOffset: bigint;
  readonly nodes: PlanNode[];
}

function isMultifunction(placed: readonly Placed<object>[], slot: number, extra = 0): boolean {
  let n = extra;
  for (const p of placed) if (p.slot === slot) n++;
  return n > 1;
}

function node(role: FunctionRole, spec: FunctionSpec, origin: object, path: string, devfn: number, mf: boolean, children: PlanNode[]): PlanNode {
  return { role, spec, origin, path, devfn, config: functionConfig(spec, role, mf), children, bus: 0, secondary: 0, subordinate: 0, bars: [], memWindow: null, prefWindow: null };
}

function planBus(nodes: readonly NodeSpec[], bus: BusKind, path: string, reserved: ReadonlySet<number>): PlanNode[] {
  const placed = placeOnBus(nodes, bus, path, reserved);
  const hostFnSlot0 = reserved.has(0) ? 1 : 0;
  return placed.map((p) => {
    const n = p.node;
    const at = `${path}[${p.index}]`;
    const devfn = (p.slot << 3) | p.fn;
    const mf = isMultifunction(placed, p.slot, p.slot === 0 ? hostFnSlot0 : 0);
    switch (n.kind) {
      case "root-port":
        return node("root-port", n, n, at, devfn, mf, planBus(n.children ?? [], "link", `${at}.children`, new Set()));
      case "pci-bridge":
        return node(bus === "conventional" ? "conventional-bridge" : "pci-bridge", n, n, at, devfn, mf, planBus(n.children ?? [], "conventional", `${at}.children`, new Set()));
      case "rc-endpoint":
        return node("rc-endpoint", n, n, at, devfn, mf, []);
      case "endpoint":
        return node(bus === "conventional" ? "conventional-endpoint" : "endpoint", n, n, at, devfn, mf, []);
      case "switch": {
        const dps = placeOnBus(n.downstream, "switch-internal", `${at}.downstream`).map((d) => {
          const dpPath = `${at}.downstream[${d.index}]`;
          const spec: FunctionSpec = { vendor: n.upstream.vendor ?? 0, device: n.upstream.device ?? 0, ...d.node };
          return node("downstream-port", spec, d.node, dpPath, (d.slot << 3) | d.fn, false, planBus(d.node.children ?? [], "link", `${dpPath}.children`, new Set()));
        });
        return node("upstream-port", n.upstream, n, `${at}.upstream`, devfn, mf, dps);
      }
      default: {
        const k: never = n;
        return k;
      }
    }
  });
}

/** Lays out every function of a (validated) topology. */
export function planTopology(spec: TopologySpec): PlanHostBridge[] {
  return spec.hostBridges.map((hb, i) => {
    const path = `hostBridges[${i}]`;
    const reserved = new Set<number>(hb.hostFunction ? [0] : []);
    const nodes = planBus(hb.children ?? [], "root", `${path}.children`, reserved);
    if (hb.hostFunction) {
      const h = hb.hostFunction;
      const mf = nodes.some((n) => n.devfn >> 3 === 0);
      const config = hostFunctionConfig(h);
      if (mf) config.init(0x0e, 1, config.read8(0x0e) | 0x80);
      nodes.unshift({ role: "host-function", spec: h, origin: h, path: `${path}.hostFunction`, devfn: 0, config, children: [], bus: 0, secondary: 0, subordinate: 0, bars: [], memWindow: null, prefWindow: null });
    }
    return {
      spec: hb,
      path,
      domain: hb.domain ?? 0,
      rootBus: hb.rootBus ?? 0,
      busEnd: hb.busEnd ?? 0xff,
      busOffset: hb.busOffset ?? 0n,
      nodes,
    };
  });
}
