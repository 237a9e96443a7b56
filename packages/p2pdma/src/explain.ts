/**
 * Explanations (spec 11.5): the verdict for a provider and its clients with everything behind
 * it (both upstream chains, the common bridge, each redirecting function with its ACS control
 * decoded, the host-bridge ids and the whitelist rule that decided, the
 * `pci=disable_acs_redir=` value that lifts an ACS block), as data, as the CLI contract's JSON,
 * and as prose. Pure: explaining never writes the cache or the kernel log.
 */
import type { KDevice, LogLine, PciFunction } from "@p2pdma/pci-core";
import type { P2pdmaCore } from "./core";
import type { P2pOptions } from "./options";
import type { PairVerdict } from "./distance";
import type { DistanceCase, DistanceManyResult } from "./distance-many";
import type { HostBridgeDecision } from "./whitelist";
import { evalDistanceMany, worstMapType } from "./distance-many";
import { describeCase, exploreCases } from "./facts";
import { resolveOptions } from "./options";
import { decodeAcs } from "./acs";

/** One client in the CLI contract's shape (architecture.md `p2p distance`). */
export interface ClientJson {
  readonly client: string;
  readonly distance: number;
  readonly mapType: string;
  readonly commonBridge: string | null;
  readonly acsRedirect: readonly { bdf: string; bits: readonly string[]; ctl: string; side: string; assumed: boolean }[];
  readonly hostBridge: { ids: readonly (string | null)[]; whitelisted: boolean; rule: string; sameHostBridge: boolean } | null;
  readonly providerPath: readonly string[];
  readonly clientPath: readonly string[];
  readonly disableAcsRedir: string | null;
}

export interface DistanceJson {
  readonly kernel: string;
  readonly provider: string;
  readonly distance: number | null;
  readonly mapType: string | null;
  readonly clients: readonly ClientJson[];
  readonly log: readonly string[];
  readonly dependsOn?: readonly string[];
  readonly cases?: readonly { assume: string; distance: number; mapType: string; clients: readonly ClientJson[]; log: readonly string[] }[];
}

function hbJson(hb: HostBridgeDecision | null): ClientJson["hostBridge"] {
  if (!hb) return null;
  return { ids: hb.checks.map((c) => c.ids), whitelisted: hb.whitelisted, rule: hb.rule, sameHostBridge: hb.sameHostBridge };
}

function clientJson(device: string, v: PairVerdict | null): ClientJson {
  if (!v) {
    return { client: device, distance: -1, mapType: "NOT_SUPPORTED", commonBridge: null, acsRedirect: [], hostBridge: null, providerPath: [], clientPath: [], disableAcsRedir: null };
  }
  return {
    client: v.client,
    distance: v.distance,
    mapType: v.mapType,
    commonBridge: v.commonBridge,
    acsRedirect: v.acsRedirect.map((h) => ({ bdf: h.bdf, bits: h.bits, ctl: `0x${h.ctl.toString(16).padStart(4, "0")}`, side: h.side, assumed: h.assumed })),
    hostBridge: hbJson(v.hostBridge),
    providerPath: v.providerChain,
    clientPath: v.clientChain,
    disableAcsRedir: v.disableAcsRedir,
  };
}

function caseClients(c: DistanceCase): ClientJson[] {
  return c.clients.map((x) => clientJson(x.device, x.verdict));
}

/** The CLI contract's JSON for a distance result. */
export function distanceJson(r: DistanceManyResult): DistanceJson {
  const text = (l: readonly LogLine[]): string[] => l.map((x) => x.text);
  const base: DistanceJson = {
    kernel: r.kernel,
    provider: r.provider,
    distance: r.distance,
    mapType: r.mapType,
    clients: r.distance === null ? [] : caseClients(r.cases[0]!),
    log: text(r.log),
  };
  if (r.cases.length <= 1 && r.dependsOn.length === 0) return base;
  return {
    ...base,
    dependsOn: r.dependsOn,
    cases: r.cases.map((c) => ({ assume: c.assume, distance: c.distance, mapType: c.mapType, clients: caseClients(c), log: text(c.log) })),
  };
}

/** A full explanation: every client evaluated (verbose), per case. */
export interface Explanation {
  readonly kernel: string;
  readonly provider: string;
  readonly dependsOn: readonly string[];
  readonly cases: readonly {
    readonly assume: string;
    readonly distance: number;
    readonly mapType: string;
    readonly clients: readonly ClientJson[];
    readonly verdicts: readonly PairVerdict[];
    readonly log: readonly string[];
  }[];
  readonly prose: readonly string[];
}

function ruleProse(hb: HostBridgeDecision): string {
  const ids = hb.checks.map((c) => `${c.device ?? "(none)"} ${c.ids ?? ""}`.trim()).join(" and ");
  switch (hb.rule) {
    case "amd-cpu":
      return "the CPU is AMD family 0x17 (Zen) or later, which 6.12 allows for any path through the host bridge without looking at the table";
    case "table-entry":
      return `host-bridge device ${ids} is in the P2PDMA whitelist`;
    case "same-host-bridge-required":
      return `host-bridge device ${ids} is whitelisted only for paths within one host bridge, and these devices sit below different host bridges`;
    case "not-in-table":
      return `host-bridge device ${ids} is not in the P2PDMA whitelist (and the CPU is not an AMD Zen)`;
    case "no-host-bridge-device":
      return "the root bus's first device is neither devfn 00.0 nor a Root Port, so there is no host-bridge device to look up";
  }
}

function verdictProse(v: PairVerdict): string[] {
  const out: string[] = [];
  out.push(`${v.provider} -> ${v.client}: distance ${v.distance}, ${v.mapType}.`);
  out.push(`  provider path: ${v.providerChain.join(" -> ")}`);
  out.push(`  client path:   ${v.clientChain.join(" -> ")}`);
  if (v.commonBridge) out.push(`  common upstream: ${v.commonBridge} (${v.distA} hop(s) from the provider, ${v.distB} from the client)`);
  else out.push("  no common upstream bridge: traffic has to cross the root complex");
  for (const h of v.acsRedirect) {
    out.push(
      `  ACS on ${h.bdf} redirects P2P (${h.bits.join(", ")} set; control ${decodeAcs(h.ctl).join(" ") || "0"}${h.assumed ? ", assumed" : ""})`,
    );
  }
  if (v.disableAcsRedir) out.push(`  lift it with the kernel parameter pci=disable_acs_redir=${v.disableAcsRedir}`);
  if (v.acsListTruncated) out.push(`  note: the kernel's 128-byte buffer truncates that list to "${v.acsListPrinted}"`);
  if (v.hostBridge) out.push(`  host bridge: ${ruleProse(v.hostBridge)}`);
  if (v.kernel === "4.20" && v.commonBridge === null) out.push("  4.20 has no host-bridge whitelist: any path without a common bridge is refused");
  return out;
}

/** Explains `distance_many(provider, clients)` as the verbose kernel call would decide it. */
export function explain(core: P2pdmaCore, provider: PciFunction, clients: readonly KDevice[], opts: P2pOptions = {}): Explanation {
  const o = resolveOptions(opts);
  const explored = exploreCases(core.system.platform, o.assume, (scope) => evalDistanceMany(provider, clients, true, o.kernel, scope));
  const dependsOn = [...new Set(explored.flatMap((x) => x.dependsOn))];
  const cases = explored.map((x) => {
    const e = x.result;
    const mapType = e.clients.some((c) => c.verdict === null) || e.clients.length === 0 ? "NOT_SUPPORTED" : worstMapType(e.verdicts.map((v) => v.mapType));
    return {
      assume: describeCase(x.values),
      distance: e.distance,
      mapType: o.kernel === "4.20" && e.distance < 0 ? "NOT_SUPPORTED" : mapType,
      clients: e.clients.map((c) => clientJson(c.device, c.verdict)),
      verdicts: e.verdicts,
      log: e.lines.map((l) => l.text),
    };
  });
  const prose: string[] = [];
  if (!o.configPciP2pdma) prose.push("CONFIG_PCI_P2PDMA is off: every distance is -1.");
  if (dependsOn.length > 0) prose.push(`The verdict depends on facts the input does not state: ${dependsOn.join(", ")}.`);
  for (const c of cases) {
    if (c.assume) prose.push(`If ${c.assume}:`);
    const verdict = c.distance < 0 ? "cannot be used" : `can be used (distance ${c.distance}, ${c.mapType})`;
    prose.push(`Kernel ${o.kernel}: provider ${provider.name} ${verdict} for ${clients.map((x) => x.name).join(", ") || "no clients"}.`);
    for (const v of c.verdicts) prose.push(...verdictProse(v));
    for (const cl of c.clients) if (cl.providerPath.length === 0) prose.push(`${cl.client} is not a PCI device.`);
    if (c.log.length > 0) prose.push("Kernel log:", ...c.log.map((l) => `  ${l}`));
  }
  return { kernel: o.kernel, provider: provider.name, dependsOn, cases, prose };
}
