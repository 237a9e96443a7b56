/**
 * ACS set-up at enumeration (spec 1.4): `pci_enable_acs` runs for every function as it is
 * added (`pci_acs_init`). With an IOMMU the kernel first enables SV/RR/CR/UF
 * (`pci_std_enable_acs`); then the command line applies: `pci=disable_acs_redir=` (both
 * kernels) and `pci=config_acs=` (6.12 only).
 *
 * The kernels differ (checked in the 4.20 and 6.12.117 sources):
 * - 4.20 `pci_disable_acs_redir`: clears RR|CR|EC from the *current* control value, logs
 *   `disabled ACS redirect`, and warns on a matched function without ACS.
 * - 6.12 `__pci_config_acs`: recomputes control from the *firmware* value
 *   (`(fw_ctrl & ~mask) | (flags & mask)`, which also drops bits the IOMMU path enabled),
 *   logs `Configured ACS to %#06x`; a function without ACS is skipped silently.
 */
import type { KernelMode } from "./kernel-mode";
import type { LogLine } from "./klog";
import type { PciFunction } from "./pci-function";
import type { PciSystem } from "./system";
import { devLog, prLog } from "./klog";
import { pciDevStrMatch } from "./pci-dev-str-match";
import {
  PCI_ACS_ALL,
  PCI_ACS_CAP,
  PCI_ACS_CR,
  PCI_ACS_CTRL,
  PCI_ACS_EC,
  PCI_ACS_RR,
  PCI_ACS_SV,
  PCI_ACS_UF,
} from "./spec/acs";


/** The `pci=` options this model understands, after `pci_setup` split them at commas. */
export interface PciParams {
  readonly disableAcsRedir?: string;
  readonly configAcs?: string;
  /** Options `pci_setup` did not recognise (it logs each). */
  readonly unknown: readonly string[];
}

/**
 * Models `pci_setup` for the options above: every `pci=` argument is split at `,` (so a
 * `,` cannot separate BDFs inside `disable_acs_redir=`; use `;`), later values win.
 * In 4.20 `config_acs=` does not exist and lands in `unknown`.
 */
export function parsePciParams(cmdline: readonly string[], mode: KernelMode): PciParams {
  let disableAcsRedir: string | undefined;
  let configAcs: string | undefined;
  const unknown: string[] = [];
  for (const arg of cmdline.flatMap((a) => a.split(/\s+/)).filter((a) => a.startsWith("pci="))) {
    for (const opt of arg.slice(4).split(",")) {
      if (opt === "") continue;
      if (opt.startsWith("disable_acs_redir=")) disableAcsRedir = opt.slice(18);
      else if (mode === "6.12" && opt.startsWith("config_acs=")) configAcs = opt.slice(11);
      else unknown.push(opt);
    }
  }
  return {
    ...(disableAcsRedir !== undefined ? { disableAcsRedir } : {}),
    ...(configAcs !== undefined ? { configAcs } : {}),
    unknown,
  };
}

/** State shared across functions during one boot: which `*_once` lines were printed. */
export interface AcsInitState {
  readonly printedOnce: Set<string>;
}

export interface AcsInitOptions {
  readonly mode: KernelMode;
  /** An IOMMU driver called `pci_request_acs()` (kernel default ACS enabling). */
  readonly iommu: boolean;
}

function once(state: AcsInitState, line: LogLine, out: LogLine[]): void {
  if (state.printedOnce.has(line.text)) return;
  state.printedOnce.add(line.text);
  out.push(line);
}

/** Finds the spec entry matching `dev` the way both kernels loop over `;`/`,`-separated specs. */
function findMatch(dev: PciFunction, param: string, onParseError: () => void): boolean {
  let p = param;
  let ret = 0;
  while (p.length > 0) {
    const m = pciDevStrMatch(dev, p);
    ret = m.result;
    p = m.rest;
    if (ret < 0) {
      onParseError();
      break;
    }
    if (ret === 1) break;
    if (p[0] !== ";" && p[0] !== ",") break;
    p = p.slice(1);
  }
  return ret === 1;
}

function hex06(v: number): string {
  return `0x${v.toString(16).padStart(4, "0")}`;
}

/** Models 6.12 `__pci_config_acs`; returns the new control value (or the old one). */
function configAcs612(
  dev: PciFunction,
  ctrl: number,
  fwCtrl: number,
  param: string,
  fixed: { mask: number; flags: number } | null,
  state: AcsInitState,
  out: LogLine[],
): number {
  let p = param;
  let mask = fixed?.mask ?? 0;
  let flags = fixed?.flags ?? 0;
  let ret = 0;
  while (p.length > 0) {
    if (!fixed) {
      const at = p.indexOf("@");
      if (at < 0) {
        out.push(devLog(dev, "err", "ACS Flags missing"));
        return ctrl;
      }
      mask = 0;
      flags = 0;
      let shift = 0;
      for (let i = at - 1; i >= 0; i--, shift++) {
        const c = p[i];
        if (c === "0") mask |= 1 << shift;
        else if (c === "1") {
          mask |= 1 << shift;
          flags |= 1 << shift;
        } else if (c !== "x" && c !== "X") {
          out.push(devLog(dev, "err", "Invalid ACS flags... Ignoring"));
          return ctrl;
        }
      }
      p = p.slice(at + 1);
    }
    if (mask & ~PCI_ACS_ALL) {
      out.push(devLog(dev, "err", "Invalid ACS flags specified"));
      return ctrl;
    }
    const m = pciDevStrMatch(dev, p);
    ret = m.result;
    p = m.rest;
    if (ret < 0) {
      once(state, prLog("info", "", "PCI: Can't parse ACS command line parameter"), out);
      break;
    }
    if (ret === 1) break;
    if (p[0] !== ";" && p[0] !== ",") break;
    p = p.slice(1);
  }
  if (ret !== 1) return ctrl;
  const next = ((fwCtrl & ~mask) | (flags & mask)) & 0xffff;
  out.push(devLog(dev, "info", `Configured ACS to ${hex06(next)}`));
  return next;
}

/**
 * Models `pci_enable_acs(dev)` as run when `dev` is added. Writes the ACS control register and
 * returns the log lines printed.
 */
export function pciEnableAcs(dev: PciFunction, params: PciParams, opts: AcsInitOptions, state: AcsInitState): LogLine[] {
  const out: LogLine[] = [];
  const pos = dev.acsCap;
  if (opts.mode === "4.20") {
    if (opts.iommu && pos) stdEnableAcs(dev, pos);
    if (params.disableAcsRedir === undefined) return out;
    const matched = findMatch(dev, params.disableAcsRedir, () =>
      once(state, prLog("info", "", `PCI: Can't parse disable_acs_redir parameter: ${params.disableAcsRedir}`), out),
    );
    if (!matched) return out;
    if (!pos) {
      out.push(
        devLog(dev, "warn", "cannot disable ACS redirect for this hardware as it does not have ACS capabilities"),
      );
      return out;
    }
    const ctrl = dev.config.read16(pos + PCI_ACS_CTRL) & ~(PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
    dev.config.write16(pos + PCI_ACS_CTRL, ctrl);
    out.push(devLog(dev, "info", "disabled ACS redirect"));
    return out;
  }
  if (!pos) return out;
  const cap = dev.config.read16(pos + PCI_ACS_CAP);
  const fwCtrl = dev.config.read16(pos + PCI_ACS_CTRL);
  let ctrl = fwCtrl;
  if (opts.iommu) ctrl |= cap & (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF);
  if (params.disableAcsRedir !== undefined) {
    const redir = PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC;
    ctrl = configAcs612(dev, ctrl, fwCtrl, params.disableAcsRedir, { mask: redir, flags: ~redir & 0xffff }, state, out);
  }
  if (params.configAcs !== undefined) ctrl = configAcs612(dev, ctrl, fwCtrl, params.configAcs, null, state, out);
  dev.config.write16(pos + PCI_ACS_CTRL, ctrl);
  return out;
}

/** Models 4.20 `pci_std_enable_acs` (no translation blocking: no external-facing ports modelled). */
function stdEnableAcs(dev: PciFunction, pos: number): void {
  const cap = dev.config.read16(pos + PCI_ACS_CAP);
  const ctrl = dev.config.read16(pos + PCI_ACS_CTRL) | (cap & (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF));
  dev.config.write16(pos + PCI_ACS_CTRL, ctrl);
}

/**
 * Runs {@link pciEnableAcs} over every function in registration order, as a boot would, and
 * appends the lines (plus `PCI: Unknown option` for unrecognised `pci=` options) to the
 * system's kernel log. Returns the lines.
 */
export function applyAcsKernelParams(
  system: PciSystem,
  cmdline: readonly string[],
  opts: AcsInitOptions,
): LogLine[] {
  const params = parsePciParams(cmdline, opts.mode);
  const out: LogLine[] = params.unknown.map((o) => prLog("err", "", `PCI: Unknown option \`${o}'`));
  const state: AcsInitState = { printedOnce: new Set() };
  for (const dev of system.devices) out.push(...pciEnableAcs(dev, params, opts, state));
  system.log.append(...out);
  return out;
}
