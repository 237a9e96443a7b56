/**
 * The verdict for one (provider, client) pair, in both kernel modes:
 * - 4.20 `upstream_bridge_distance` (+ the `_warn` variant's lines), spec 2.6 / 2.7;
 * - 6.12 `calc_map_type_and_dist` with `cpu_supports_p2pdma` and `host_bridge_whitelist`,
 *   spec 2.17.2 (texts checked in the 6.12.117 source).
 * Pure: reads the topology through a {@link FactScope}, returns the verdict with every log line
 * the kernel would print (tagged verbose-only or always). Side effects (the map-type cache, the
 * kernel log) belong to the callers.
 */
import type { KernelMode, LogLine, PciFunction } from "@p2pdma/pci-core";
import { devLog, upstreamBridge } from "@p2pdma/pci-core";
import type { AcsFlagName } from "@p2pdma/pci-core";
import type { FactScope } from "./facts";
import type { MapType } from "./spec/map-type";
import { acsListText, redirectBits } from "./acs";
import { ACS_LIST_BUF_4_20, ACS_LIST_BUF_6_12 } from "./spec/constants";
import { hostBridgeWhitelist } from "./whitelist";
import type { HostBridgeDecision } from "./whitelist";

/** One function whose ACS redirects P2P on the checked path. */
export interface AcsHop {
  readonly bdf: string;
  /** ACS control register (assumed value when the input did not have it). */
  readonly ctl: number;
  /** The redirecting bits among RR, CR, EC. */
  readonly bits: readonly AcsFlagName[];
  /** Which walk found it: the provider's chain (up to and including the common bridge) or the client's. */
  readonly side: "provider" | "client";
  /** True when the ACS state was assumed, not read. */
  readonly assumed: boolean;
}

/** A log line with the condition under which the kernel prints it. */
export interface TaggedLine {
  readonly line: LogLine;
  /** Printed only by the verbose variants (`verbose` true, or 4.20's `_warn` path). */
  readonly verboseOnly: boolean;
}

/** Everything the kernel decided for one pair, and why. */
export interface PairVerdict {
  readonly kernel: KernelMode;
  readonly provider: string;
  readonly client: string;
  /** `[provider, upstream(provider), ...]` and the same for the client (BDFs). */
  readonly providerChain: readonly string[];
  readonly clientChain: readonly string[];
  /** The first node of the provider chain that is also on the client chain, or null. */
  readonly commonBridge: string | null;
  readonly distA: number;
  readonly distB: number;
  /**
   * 4.20: the walk's result (hops, -1 no common upstream bridge, -2 ACS redirect).
   * 6.12: `*dist` as calc_map_type_and_dist sets it (never negative).
   */
  readonly distance: number;
  /** 6.12's map type; for 4.20 derived: BUS_ADDR when distance >= 0, else NOT_SUPPORTED. */
  readonly mapType: MapType;
  /** Every function whose ACS the kernel read, in reading order. */
  readonly acsChecked: readonly string[];
  readonly acsRedirect: readonly AcsHop[];
  /** The `pci=disable_acs_redir=` value that clears every listed redirect (null when none). */
  readonly disableAcsRedir: string | null;
  /** What the kernel's seq_buf held for the hint (6.12: 128 bytes; may be truncated). */
  readonly acsListPrinted: string | null;
  readonly acsListTruncated: boolean;
  /** 6.12 only: the host-bridge decision, when the path went through a host bridge. */
  readonly hostBridge: HostBridgeDecision | null;
  readonly lines: readonly TaggedLine[];
}

/** Lines of a verdict the kernel prints for the given verbosity. */
export function verdictLines(v: PairVerdict, verbose: boolean): LogLine[] {
  return v.lines.filter((l) => verbose || !l.verboseOnly).map((l) => l.line);
}

function chainOf(dev: PciFunction): PciFunction[] {
  const out: PciFunction[] = [];
  for (let d: PciFunction | null = dev; d !== null; d = upstreamBridge(d)) out.push(d);
  return out;
}

interface Walk {
  readonly providerChain: PciFunction[];
  readonly clientChain: PciFunction[];
  readonly common: PciFunction | null;
  readonly distA: number;
  readonly distB: number;
  readonly checked: string[];
  readonly hops: AcsHop[];
}

/**
 * The walk both kernels share: for each node A of the provider chain, test A's ACS, then look
 * for A on the client chain; once found, test the client chain below the common node.
 */
function walk(provider: PciFunction, client: PciFunction, scope: FactScope): Walk {
  const providerChain = chainOf(provider);
  const clientChain = chainOf(client);
  const checked: string[] = [];
  const hops: AcsHop[] = [];
  const test = (dev: PciFunction, side: "provider" | "client"): void => {
    checked.push(dev.name);
    const acs = scope.acsCtl(dev);
    if (acs === null) return;
    const bits = redirectBits(acs.ctl);
    if (bits.length > 0) hops.push({ bdf: dev.name, ctl: acs.ctl, bits, side, assumed: acs.unknown });
  };
  // The kernel reads the ACS of every provider-chain node as it climbs, but without a common
  // node those reads cannot change the verdict, so unknown ones there are not facts it needs.
  const ia = providerChain.findIndex((a) => clientChain.includes(a));
  if (ia < 0) {
    for (const a of providerChain) checked.push(a.name);
    return { providerChain, clientChain, common: null, distA: providerChain.length, distB: clientChain.length, checked, hops };
  }
  const common = providerChain[ia]!;
  const ib = clientChain.indexOf(common);
  for (const a of providerChain.slice(0, ia + 1)) test(a, "provider");
  for (const b of clientChain.slice(0, ib)) test(b, "client");
  return { providerChain, clientChain, common, distA: ia, distB: ib, checked, hops };
}

/** Computes the verdict for one pair in the given kernel mode. */
export function pairVerdict(provider: PciFunction, client: PciFunction, kernel: KernelMode, scope: FactScope): PairVerdict {
  const w = walk(provider, client, scope);
  const bdfs = w.hops.map((h) => h.bdf);
  const base = {
    kernel,
    provider: provider.name,
    client: client.name,
    providerChain: w.providerChain.map((d) => d.name),
    clientChain: w.clientChain.map((d) => d.name),
    commonBridge: w.common?.name ?? null,
    distA: w.distA,
    distB: w.distB,
    acsChecked: w.checked,
    acsRedirect: w.hops,
  };
  const lines: TaggedLine[] = [];
  const warn = (msg: string, verboseOnly = true): void => {
    lines.push({ line: devLog(client, "warn", msg), verboseOnly });
  };

  if (kernel === "4.20") {
    // upstream_bridge_distance: -1 without a common bridge (ACS above is irrelevant), -2 when
    // any checked node on the found path redirects.
    const list = w.common !== null && bdfs.length > 0 ? acsListText(bdfs, ACS_LIST_BUF_4_20) : null;
    let distance: number;
    if (w.common === null) {
      distance = -1;
      warn(`cannot be used for peer-to-peer DMA as the client and provider (${provider.name}) do not share an upstream bridge`);
    } else if (bdfs.length > 0) {
      distance = -2;
      warn(`cannot be used for peer-to-peer DMA as ACS redirect is set between the client and provider (${provider.name})`);
      warn(`to disable ACS redirect for this path, add the kernel parameter: pci=disable_acs_redir=${list!.text}`);
    } else {
      distance = w.distA + w.distB;
    }
    return {
      ...base,
      distance,
      mapType: distance >= 0 ? "BUS_ADDR" : "NOT_SUPPORTED",
      disableAcsRedir: list ? list.full : null,
      acsListPrinted: list ? list.text : null,
      acsListTruncated: list?.truncated ?? false,
      hostBridge: null,
      lines,
    };
  }

  // 6.12 calc_map_type_and_dist.
  const distance = w.distA + w.distB;
  let mapType: MapType = "THRU_HOST_BRIDGE";
  let acsRedirects = false;
  let list: ReturnType<typeof acsListText> | null = null;
  if (w.common !== null) {
    if (bdfs.length === 0) {
      return { ...base, distance, mapType: "BUS_ADDR", disableAcsRedir: null, acsListPrinted: null, acsListTruncated: false, hostBridge: null, lines };
    }
    list = acsListText(bdfs, ACS_LIST_BUF_6_12);
    warn(`ACS redirect is set between the client and provider (${provider.name})`);
    warn(`to disable ACS redirect for this path, add the kernel parameter: pci=disable_acs_redir=${list.text}`);
    acsRedirects = true;
  }
  // map_through_host_bridge: the CPU rule first, then the table (whose miss warns on the ACS path only).
  const hb = hostBridgeWhitelist(provider, client, acsRedirects, scope);
  for (const l of hb.lines) lines.push({ line: l, verboseOnly: false });
  if (!hb.whitelisted) {
    warn(
      `cannot be used for peer-to-peer DMA as the client and provider (${provider.name}) do not share an upstream bridge or whitelisted host bridge`,
    );
    mapType = "NOT_SUPPORTED";
  }
  return {
    ...base,
    distance,
    mapType,
    disableAcsRedir: list ? list.full : null,
    acsListPrinted: list ? list.text : null,
    acsListTruncated: list?.truncated ?? false,
    hostBridge: hb.decision,
    lines,
  };
}
