/**
 * The facts a verdict depends on, read from the model, with the unknown ones resolved through an
 * assumption or reported. A verdict is computed against a {@link FactScope}: every unknown fact
 * it consults without an assumption is looked up in the scope's current case; if the case does
 * not fix it yet, evaluation stops with {@link NeedFact} and {@link exploreCases} retries once
 * per possibility. Known facts never branch.
 */
import type { PciFunction, Platform } from "@p2pdma/pci-core";
import { PCI_ACS_CR, PCI_ACS_EC, PCI_ACS_RR } from "@p2pdma/pci-core";
import type { Assume } from "./options";
import { ACS_REDIRECT_MASK } from "./spec/constants";
import { AMD_ZEN_MIN_FAMILY } from "./spec/whitelist";

/** The dimensions an unknown input can leave open. */
export type FactDimension = "acs" | "cpu" | "hostBridge";

/** The value each dimension takes in one case. */
export interface CaseValues {
  acs?: "on" | "off";
  cpu?: "amd-zen" | "not-amd-zen";
  hostBridge?: "whitelisted" | "not-whitelisted";
}

/** Thrown inside an evaluation that consulted an open dimension. */
export class NeedFact extends Error {
  constructor(readonly dimension: FactDimension) {
    super(`needs ${dimension}`);
  }
}

/** Where an evaluation reads unknown facts from and records what it consulted. */
export class FactScope {
  /** Facts consulted that were unknown in the input (`acs:<bdf>`, `cpu`, `hostBridge:<bdf>`). */
  readonly dependsOn = new Set<string>();
  /** Facts settled by an explicit assumption (reported, not branched on). */
  readonly assumed = new Set<string>();

  constructor(
    readonly platform: Platform,
    readonly assume: Assume,
    readonly values: CaseValues = {},
  ) {}

  /** ACS control of `dev`, or the assumed/case value for an unknown one. */
  acsCtl(dev: PciFunction): { ctl: number; cap: number; unknown: boolean } | null {
    const acs = dev.acs();
    if (acs === null) return null;
    if (acs !== "unknown") return { ...acs, unknown: false };
    const fact = `acs:${dev.name}`;
    const v = this.assume.acs ?? this.values.acs;
    if (this.assume.acs !== undefined) this.assumed.add(fact);
    else this.dependsOn.add(fact);
    if (v === undefined) throw new NeedFact("acs");
    return { ctl: v === "on" ? PCI_ACS_RR | PCI_ACS_CR : 0, cap: v === "on" ? PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC : 0, unknown: true };
  }

  /** Models `pci_bridge_has_acs_redir`: any of RR, CR, EC set in the control register. */
  redirects(dev: PciFunction): boolean {
    const acs = this.acsCtl(dev);
    return acs !== null && (acs.ctl & ACS_REDIRECT_MASK) !== 0;
  }

  /** Models `cpu_supports_p2pdma()` (6.x): x86 AMD family >= 0x17; false off x86. */
  cpuSupportsP2pdma(): boolean {
    const p = this.platform;
    if (p.arch === "other") return false;
    if (this.assume.cpu) {
      this.assumed.add("cpu");
      return this.assume.cpu.vendor === "amd" && this.assume.cpu.family >= AMD_ZEN_MIN_FAMILY;
    }
    if (p.cpuVendor === "intel" || p.cpuVendor === "other") return false;
    // An AMD CPU implies x86 even when the capture did not name the architecture.
    if (p.cpuVendor === "amd" && p.cpuFamily !== null) return p.cpuFamily >= AMD_ZEN_MIN_FAMILY;
    this.dependsOn.add("cpu");
    if (this.values.cpu === undefined) throw new NeedFact("cpu");
    return this.values.cpu === "amd-zen";
  }

  /** Whether an id-less host-bridge device would match (only when ids are unknown). */
  unknownHostBridgeMatches(dev: PciFunction): boolean {
    const fact = `hostBridge:${dev.name}`;
    if (this.assume.hostBridge !== undefined) {
      this.assumed.add(fact);
      return this.assume.hostBridge === "whitelisted";
    }
    this.dependsOn.add(fact);
    if (this.values.hostBridge === undefined) throw new NeedFact("hostBridge");
    return this.values.hostBridge === "whitelisted";
  }
}

/** One outcome of an evaluation under one assignment of the open dimensions. */
export interface ExploredCase<R> {
  readonly values: CaseValues;
  readonly result: R;
  readonly dependsOn: readonly string[];
  readonly assumed: readonly string[];
}

const DIMENSION_VALUES: { readonly [K in FactDimension]: readonly NonNullable<CaseValues[K]>[] } = {
  acs: ["off", "on"],
  cpu: ["not-amd-zen", "amd-zen"],
  hostBridge: ["not-whitelisted", "whitelisted"],
};

/**
 * Runs `evaluate` once per combination of the dimensions it turns out to need, in a fixed
 * order ("acs off" before "acs on", ...). A fully known input gives exactly one case.
 */
export function exploreCases<R>(
  platform: Platform,
  assume: Assume,
  evaluate: (scope: FactScope) => R,
): ExploredCase<R>[] {
  const out: ExploredCase<R>[] = [];
  const queue: CaseValues[] = [{}];
  while (queue.length > 0) {
    const values = queue.shift()!;
    const scope = new FactScope(platform, assume, values);
    try {
      const result = evaluate(scope);
      out.push({ values, result, dependsOn: [...scope.dependsOn], assumed: [...scope.assumed] });
    } catch (e) {
      if (!(e instanceof NeedFact)) throw e;
      const options = DIMENSION_VALUES[e.dimension] as readonly string[];
      for (const v of options) queue.push({ ...values, [e.dimension]: v });
    }
  }
  return out;
}

/** A case's values as words: "acs off", "cpu amd-zen", ... */
export function describeCase(values: CaseValues): string {
  const parts: string[] = [];
  if (values.acs) parts.push(`acs ${values.acs}`);
  if (values.cpu) parts.push(`cpu ${values.cpu}`);
  if (values.hostBridge) parts.push(`host bridge ${values.hostBridge}`);
  return parts.join(", ");
}
