/**
 * The host programs the runner needs (README of ../shared/kernel): QEMU 7.2, Debian's
 * busybox-static, pciutils, cpio, depmod and gcc. Located on PATH once; missing ones are
 * reported together, with the Debian package that provides each.
 */
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { KernelRunError } from "./errors";

/** A host tool and the Debian package providing it. */
export interface HostTool {
  readonly name: string;
  readonly debianPackage: string;
}

/** Every tool the runner uses. */
export const HOST_TOOLS = {
  qemu: { name: "qemu-system-x86_64", debianPackage: "qemu-system-x86" },
  busybox: { name: "busybox", debianPackage: "busybox-static" },
  lspci: { name: "lspci", debianPackage: "pciutils" },
  setpci: { name: "setpci", debianPackage: "pciutils" },
  cpio: { name: "cpio", debianPackage: "cpio" },
  depmod: { name: "depmod", debianPackage: "kmod" },
  gcc: { name: "gcc", debianPackage: "gcc" },
  ldd: { name: "ldd", debianPackage: "libc-bin" },
} as const satisfies Record<string, HostTool>;

/** Names of the tools in {@link HOST_TOOLS}. */
export type HostToolKey = keyof typeof HOST_TOOLS;

const EXTRA_DIRS = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

/** Finds an executable on PATH (plus the sbin directories); null when absent. */
export function which(name: string): string | null {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** The tools of `keys` that are not installed, as `name (Debian package)` strings. */
export function missingTools(keys: readonly HostToolKey[] = Object.keys(HOST_TOOLS) as HostToolKey[]): string[] {
  return keys.filter((k) => which(HOST_TOOLS[k].name) === null).map((k) => `${HOST_TOOLS[k].name} (${HOST_TOOLS[k].debianPackage})`);
}

/** Paths of all tools; throws `MISSING_TOOL` naming every absent one. */
export function requireTools(keys: readonly HostToolKey[]): Record<HostToolKey, string> {
  const missing = missingTools(keys);
  if (missing.length > 0) {
    throw new KernelRunError("MISSING_TOOL", `missing host tools: ${missing.join(", ")}; install them with apt-get`);
  }
  const out: Partial<Record<HostToolKey, string>> = {};
  for (const k of keys) out[k] = which(HOST_TOOLS[k].name)!;
  return out as Record<HostToolKey, string>;
}

/** Where Debian keeps pci.ids (lspci names devices with it). */
export const PCI_IDS_CANDIDATES = ["/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"] as const;

/** The first pci.ids that exists, or null. */
export function findPciIds(): string | null {
  return PCI_IDS_CANDIDATES.find((p) => existsSync(p)) ?? null;
}
