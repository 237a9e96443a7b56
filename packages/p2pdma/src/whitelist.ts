/**
 * 6.12's host-bridge rule for paths through the root complex (spec 2.17.2): the AMD Zen CPU
 * test first (`cpu_supports_p2pdma`), then `host_bridge_whitelist` against the table, with the
 * "host bridge device" found as the first device of the root bus when it is devfn 00.0 or a
 * Root Port (`pci_host_bridge_dev`).
 */
import type { HostBridge, LogLine, PciFunction } from "@p2pdma/pci-core";
import { devLog, findHostBridge, PCI_EXP_TYPE } from "@p2pdma/pci-core";
import type { FactScope } from "./facts";
import type { WhitelistEntry } from "./spec/whitelist";
import { HOST_BRIDGE_WHITELIST_6_12 } from "./spec/whitelist";

/** Which rule decided. */
export type HostBridgeRule =
  | "amd-cpu" // cpu_supports_p2pdma(): AMD family >= 0x17 allows any host-bridge path
  | "table-entry" // the host-bridge device(s) matched entries of the table
  | "same-host-bridge-required" // matched an entry flagged REQ_SAME_HOST_BRIDGE across two host bridges
  | "not-in-table" // no entry for the host-bridge device's ids
  | "no-host-bridge-device"; // the root bus's first device is neither 00.0 nor a Root Port (or the bus is empty)

/** One host bridge as the table check saw it. */
export interface HostBridgeCheck {
  readonly hostBridge: string;
  /** The device whose ids were looked up, null when none qualified. */
  readonly device: string | null;
  /** Why that device counts: it is devfn 00.0, or a Root Port. */
  readonly anchor: "devfn-00.0" | "root-port" | null;
  /** `vendor:device` in the kernel's `%04x:%04x`, or "unknown". */
  readonly ids: string | null;
  readonly entry: WhitelistEntry | null;
  readonly passed: boolean;
  /** Whether this check printed `Host bridge not in P2PDMA whitelist`. */
  readonly warned: boolean;
}

export interface HostBridgeDecision {
  readonly whitelisted: boolean;
  readonly rule: HostBridgeRule;
  readonly sameHostBridge: boolean;
  /** The checks run, in order (empty when the CPU rule decided; the second side is skipped when the first fails). */
  readonly checks: readonly HostBridgeCheck[];
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

/** Models `pci_host_bridge_dev`. */
export function hostBridgeDevice(host: HostBridge): { dev: PciFunction; anchor: "devfn-00.0" | "root-port" } | null {
  const root = host.bus.devices[0];
  if (!root) return null;
  if (root.devfn === 0) return { dev: root, anchor: "devfn-00.0" };
  if (root.pcieType === PCI_EXP_TYPE.ROOT_PORT) return { dev: root, anchor: "root-port" };
  return null;
}

function checkOne(
  host: HostBridge,
  same: boolean,
  warn: boolean,
  scope: FactScope,
  lines: LogLine[],
): HostBridgeCheck & { rule: HostBridgeRule } {
  const found = hostBridgeDevice(host);
  if (!found) {
    return { hostBridge: host.name, device: null, anchor: null, ids: null, entry: null, passed: false, warned: false, rule: "no-host-bridge-device" };
  }
  const { dev, anchor } = found;
  const common = { hostBridge: host.name, device: dev.name, anchor };
  if (dev.unknown.has("ids")) {
    const ok = scope.unknownHostBridgeMatches(dev);
    return { ...common, ids: "unknown", entry: null, passed: ok, warned: false, rule: ok ? "table-entry" : "not-in-table" };
  }
  const ids = `${hex4(dev.vendor)}:${hex4(dev.device)}`;
  const entry = HOST_BRIDGE_WHITELIST_6_12.find((e) => e.vendor === dev.vendor && e.device === dev.device) ?? null;
  if (entry) {
    const passed = !(entry.requireSameHostBridge && !same);
    return { ...common, ids, entry, passed, warned: false, rule: passed ? "table-entry" : "same-host-bridge-required" };
  }
  if (warn) lines.push(devLog(dev, "warn", `Host bridge not in P2PDMA whitelist: ${ids}`));
  return { ...common, ids, entry: null, passed: false, warned: warn, rule: "not-in-table" };
}

/**
 * `!cpu_supports_p2pdma() && !host_bridge_whitelist(provider, client, warn)` inverted: whether a
 * host-bridge path is allowed, with the decision and any whitelist warning line.
 */
export function hostBridgeWhitelist(
  provider: PciFunction,
  client: PciFunction,
  warn: boolean,
  scope: FactScope,
): { whitelisted: boolean; decision: HostBridgeDecision; lines: LogLine[] } {
  const hostA = findHostBridge(provider);
  const hostB = findHostBridge(client);
  const same = hostA === hostB;
  if (scope.cpuSupportsP2pdma()) {
    return { whitelisted: true, decision: { whitelisted: true, rule: "amd-cpu", sameHostBridge: same, checks: [] }, lines: [] };
  }
  const lines: LogLine[] = [];
  const strip = ({ rule: _r, ...c }: HostBridgeCheck & { rule: HostBridgeRule }): HostBridgeCheck => c;
  if (same) {
    const c = checkOne(hostA, true, warn, scope, lines);
    return { whitelisted: c.passed, decision: { whitelisted: c.passed, rule: c.rule, sameHostBridge: true, checks: [strip(c)] }, lines };
  }
  const a = checkOne(hostA, false, warn, scope, lines);
  if (!a.passed) {
    return { whitelisted: false, decision: { whitelisted: false, rule: a.rule, sameHostBridge: false, checks: [strip(a)] }, lines };
  }
  const b = checkOne(hostB, false, warn, scope, lines);
  return {
    whitelisted: b.passed,
    decision: { whitelisted: b.passed, rule: b.rule, sameHostBridge: false, checks: [strip(a), strip(b)] },
    lines,
  };
}
