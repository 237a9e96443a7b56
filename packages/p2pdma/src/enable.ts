/**
 * `pci_p2pdma_enable_store` / `pci_p2pdma_enable_show` (spec 2.14, section 12; texts checked in
 * 6.12.117 and the 5.0-era copy identical to 4.20). The written text is handled as the bytes
 * the kernel sees (UTF-8, NUL-terminated: anything after a NUL is invisible to it).
 */
import type { LogLine, PciFunction } from "@p2pdma/pci-core";
import { devLog, ENODEV, prLog } from "@p2pdma/pci-core";
import type { KernelMode } from "@p2pdma/pci-core";
import type { P2pdmaCore } from "./core";
import type { P2pOptions } from "./options";
import { hasP2pmem } from "./provider";
import { resolveOptions } from "./options";
import { PR_FMT } from "./spec/constants";

/** The caller's out-parameters after the call (fields absent = left untouched). */
export interface EnableStoreResult {
  /** 0 or -ENODEV. */
  readonly ret: number;
  readonly use?: boolean;
  /** Written only when the text named a device (even when -ENODEV follows). */
  readonly p2pDev?: PciFunction;
  readonly log: readonly LogLine[];
}

/** `iscntrl` of the kernel's Latin-1 ctype table: 0-31, 127 and 128-159. */
function isCntrl(b: number): boolean {
  return b < 32 || b === 127 || (b >= 128 && b < 160);
}

/**
 * Models `kstrtobool(s)`: first byte y/Y/1 (6.12 also t/T) -> true; n/N/0 (6.12 also f/F) ->
 * false; o/O followed by n/N -> true, by f/F -> false; else invalid (null).
 */
export function kstrtobool(bytes: Uint8Array, kernel: KernelMode = "6.12"): boolean | null {
  const c = String.fromCharCode(bytes[0] ?? 0);
  const trueChars = kernel === "4.20" ? "yY1" : "yYtT1";
  const falseChars = kernel === "4.20" ? "nN0" : "nNfF0";
  if (bytes.length > 0 && trueChars.includes(c)) return true;
  if (bytes.length > 0 && falseChars.includes(c)) return false;
  if (c === "o" || c === "O") {
    const d = String.fromCharCode(bytes[1] ?? 0);
    if (d === "n" || d === "N") return true;
    if (d === "f" || d === "F") return false;
  }
  return null;
}

function cString(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const nul = bytes.indexOf(0);
  return nul >= 0 ? bytes.slice(0, nul) : bytes;
}

/** Models `pci_p2pdma_enable_store(page, &p2p_dev, &use_p2pdma)`. */
export function enableStore(core: P2pdmaCore, text: string, opts: P2pOptions = {}): EnableStoreResult {
  const o = resolveOptions(opts);
  if (!o.configPciP2pdma) return { ret: 0, use: false, log: [] };
  const bytes = cString(text);
  const page = new TextDecoder().decode(bytes);
  const dev = core.system.getDeviceByName(page);
  if (dev) {
    if (!hasP2pmem(core, dev, opts)) {
      const line = devLog(dev, "err", `PCI device has no peer-to-peer memory: ${page}`);
      return { ret: -ENODEV, use: true, p2pDev: dev, log: core.log([line]) };
    }
    return { ret: 0, use: true, p2pDev: dev, log: [] };
  }
  const b0 = bytes[0] ?? 0;
  const b1 = bytes[1] ?? 0;
  const looksNumeric = (b0 === 0x30 || b0 === 0x31) && !isCntrl(b1);
  if (!looksNumeric) {
    const v = kstrtobool(bytes, o.kernel);
    if (v !== null) return { ret: 0, use: v, log: [] };
  }
  const nl = bytes.indexOf(0x0a);
  const shown = new TextDecoder().decode(nl >= 0 ? bytes.slice(0, nl) : bytes);
  return { ret: -ENODEV, log: core.log([prLog("err", PR_FMT, `No such PCI device: ${shown}`)]) };
}

/** Models `pci_p2pdma_enable_show(page, p2p_dev, use_p2pdma)`: the text (its length is the return). */
export function enableShow(p2pDev: PciFunction | null, use: boolean, opts: P2pOptions = {}): string {
  if (!resolveOptions(opts).configPciP2pdma) return "none\n";
  if (!use) return "0\n";
  if (!p2pDev) return "1\n";
  return `${p2pDev.name}\n`;
}
