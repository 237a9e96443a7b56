/**
 * `p2pdma topo show --format json` (architecture.md CLI contract): one entry per function in
 * registration order with its type, parent bridge, host bridge, NUMA node, ACS state and BARs.
 * Facts the input did not state are `"unknown"` (never guessed) and listed in `unknown`.
 */
import type { PciFunction, PciFunctionType } from "../pci-function";
import type { PciSystem, Platform } from "../system";
import { acsFlagNames } from "./acs-names";
import { upstreamBridge } from "../upstream";
import { IORESOURCE_MEM, IORESOURCE_MEM_64, IORESOURCE_PREFETCH, IORESOURCE_IO, resourceSize } from "../resource";

export interface BarJson {
  readonly index: number;
  readonly kind: "mem32" | "mem64" | "io";
  readonly prefetchable: boolean;
  /** CPU address, hex. */
  readonly start: string;
  /** Bus address (what a peer emits), hex. */
  readonly busAddress: string;
  readonly size: number;
}

export interface AcsJson {
  readonly cap: number;
  readonly ctl: number;
  readonly capFlags: readonly string[];
  readonly ctlFlags: readonly string[];
}

export interface DeviceJson {
  readonly bdf: string;
  readonly label: string | null;
  readonly vendor: string | "unknown";
  readonly device: string | "unknown";
  readonly class: string | "unknown";
  readonly type: PciFunctionType;
  readonly parent: string | null;
  readonly hostBridge: string;
  readonly numaNode: number | "unknown";
  readonly acs: AcsJson | null | "unknown";
  readonly bars: readonly BarJson[] | "unknown";
  readonly physfn?: string;
  readonly unknown: readonly string[];
}

export interface TopologyJson {
  readonly platform: Platform;
  readonly hostBridges: readonly { name: string; domain: string; bus: string; numaNode: number | "unknown"; busOffset: string }[];
  readonly devices: readonly DeviceJson[];
}

const hex = (v: number | bigint, w: number): string => `0x${v.toString(16).padStart(w, "0")}`;

function barsOf(dev: PciFunction): BarJson[] {
  const out: BarJson[] = [];
  for (let i = 0; i < 6; i++) {
    const r = dev.resources[i]!;
    const size = resourceSize(r);
    if (size === 0n || (r.flags & (IORESOURCE_MEM | IORESOURCE_IO)) === 0) continue;
    const io = (r.flags & IORESOURCE_IO) !== 0;
    out.push({
      index: i,
      kind: io ? "io" : r.flags & IORESOURCE_MEM_64 ? "mem64" : "mem32",
      prefetchable: (r.flags & IORESOURCE_PREFETCH) !== 0,
      start: hex(r.start, 1),
      busAddress: hex(io ? r.start : dev.bus.hostBridge.cpuToBus(r.start), 1),
      size: Number(size),
    });
  }
  return out;
}

/** One function as the JSON contract describes it. */
export function deviceJson(dev: PciFunction): DeviceJson {
  const acs = dev.acs();
  const up = upstreamBridge(dev);
  return {
    bdf: dev.name,
    label: dev.label ?? null,
    vendor: dev.unknown.has("ids") ? "unknown" : hex(dev.vendor, 4),
    device: dev.unknown.has("ids") ? "unknown" : hex(dev.device, 4),
    class: dev.unknown.has("class") ? "unknown" : hex(dev.classCode, 6),
    type: dev.type,
    parent: up ? up.name : null,
    hostBridge: dev.bus.hostBridge.name,
    numaNode: dev.unknown.has("numa") ? "unknown" : dev.numaNode,
    acs:
      acs === null || acs === "unknown"
        ? acs
        : { cap: acs.cap, ctl: acs.ctl, capFlags: acsFlagNames(acs.cap), ctlFlags: acsFlagNames(acs.ctl) },
    bars: dev.unknown.has("bars") ? "unknown" : barsOf(dev),
    ...(dev.physfn ? { physfn: dev.physfn.name } : {}),
    unknown: [...dev.unknown].sort(),
  };
}

/** The whole `topo show --format json` document. */
export function topologyJson(system: PciSystem): TopologyJson {
  return {
    platform: system.platform,
    hostBridges: system.hostBridges.map((hb) => ({
      name: hb.name,
      domain: hex(hb.domain, 4),
      bus: hex(hb.bus.number, 2),
      numaNode: hb.unknown.has("numa") ? "unknown" : hb.numaNode,
      busOffset: hex(hb.busOffset, 1),
    })),
    devices: system.devices.map(deviceJson),
  };
}
