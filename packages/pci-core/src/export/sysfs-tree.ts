/**
 * `p2pdma topo export --format sysfs`: writes the machine's sysfs tree to a real directory, in
 * the shape Linux has it (fs/sysfs, drivers/base/core.c `device_add`, drivers/pci/pci-sysfs.c
 * `pci_create_sysfs_dev_files`, drivers/pci/bus.c `pci_bus_add_device`):
 *
 * - `DIR/devices/pciDDDD:BB/<bdf>/<bdf>/...`: one directory per function, nested below the
 *   bridge leading to its bus, holding every attribute of the model's {@link Sysfs} tree (text
 *   attributes through their `show`, binary ones such as `config` as bytes, groups such as
 *   `p2pmem/` as subdirectories);
 * - every sysfs link as a relative symlink, as sysfs creates them (`sysfs_create_link`):
 *   `DIR/bus/pci/devices/<bdf>` -> `../../../devices/...`, `driver` -> `../../../bus/pci/drivers/<name>`,
 *   `physfn`, `virtfnN`, `bus/pci/drivers/<name>/<bdf>`;
 * - `irq` and `resource` as the kernel computes them at boot where the model holds nothing
 *   better (see ./sysfs-derived.ts).
 *
 * The tree is written into a temporary directory next to the target and renamed into place at
 * the end, so a failure leaves nothing behind. An existing non-empty target is refused.
 */
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { basename, dirname, join, posix, resolve } from "node:path";
import type { PciSystem } from "../system";
import type { SysfsDir } from "../sysfs";
import { pciDevicePath } from "../pci-sysfs";
import type { FileWrite } from "./parallel-write";
import { writeFilesParallel } from "./parallel-write";
import { derivedIrq, derivedResourceText, derivedSubsystemIds } from "./sysfs-derived";

/** Why an export was refused or failed. */
export type SysfsExportErrorCode = "EXPORT_NOT_EMPTY" | "EXPORT_NOT_DIR" | "EXPORT_NO_PARENT" | "EXPORT_UNWRITABLE" | "EXPORT_IO";

/** A refused or failed sysfs export; nothing was left at the target. */
export class SysfsExportError extends Error {
  constructor(
    readonly code: SysfsExportErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "SysfsExportError";
  }
}

/** What {@link exportSysfs} wrote. */
export interface SysfsExportResult {
  /** Absolute path of the exported tree (`sysfs.path` for lspci is `<root>/bus/pci`). */
  readonly root: string;
  readonly functions: number;
  readonly files: number;
  readonly links: number;
  readonly dirs: number;
}

function checkTarget(out: string): void {
  let st;
  try {
    st = statSync(out, { throwIfNoEntry: false });
  } catch (e) {
    throw new SysfsExportError("EXPORT_UNWRITABLE", out, `cannot inspect: ${(e as Error).message}`);
  }
  if (st !== undefined) {
    if (!st.isDirectory()) throw new SysfsExportError("EXPORT_NOT_DIR", out, "exists and is not a directory");
    if (readdirSync(out).length > 0) throw new SysfsExportError("EXPORT_NOT_EMPTY", out, "exists and is not empty; refusing to overwrite it");
  }
  const parent = dirname(out);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new SysfsExportError("EXPORT_NO_PARENT", out, `parent directory ${parent} does not exist`);
  }
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch {
    throw new SysfsExportError("EXPORT_UNWRITABLE", out, `parent directory ${parent} is not writable`);
  }
}

/** Marks an attribute the export leaves out: the model does not know its value. */
const OMIT = Symbol("omit");

/**
 * Per-path contents that replace the model's attribute: the kernel's boot-time values (see
 * ./sysfs-derived.ts), and {@link OMIT} for `numa_node` when the input did not state it (the
 * kernel prints -1 for NUMA_NO_NODE, a fact, not "unknown"; an absent file reads as unknown).
 */
function overrides(system: PciSystem): Map<string, string | typeof OMIT> {
  const map = new Map<string, string | typeof OMIT>();
  for (const dev of system.devices) {
    const path = pciDevicePath(dev);
    if (dev.unknown.has("numa")) map.set(`${path}/numa_node`, OMIT);
    map.set(`${path}/irq`, `${derivedIrq(dev)}\n`);
    map.set(`${path}/resource`, derivedResourceText(dev));
    const ss = derivedSubsystemIds(dev);
    map.set(`${path}/subsystem_vendor`, `0x${ss.vendor.toString(16).padStart(4, "0")}\n`);
    map.set(`${path}/subsystem_device`, `0x${ss.device.toString(16).padStart(4, "0")}\n`);
  }
  return map;
}

interface Counts {
  links: number;
  dirs: number;
}

/** Creates the directories and links of `dir` at once; collects its files into `files`. */
function writeDir(
  dir: SysfsDir,
  sysPath: string,
  fsPath: string,
  over: Map<string, string | typeof OMIT>,
  counts: Counts,
  files: FileWrite[],
): void {
  for (const node of dir.entries.values()) {
    const childSys = sysPath === "/" ? `/${node.name}` : `${sysPath}/${node.name}`;
    const childFs = join(fsPath, node.name);
    if (node.kind === "dir") {
      mkdirSync(childFs);
      counts.dirs++;
      writeDir(node, childSys, childFs, over, counts, files);
    } else if (node.kind === "link") {
      symlinkSync(posix.relative(sysPath, node.target), childFs);
      counts.links++;
    } else {
      const replaced = over.get(childSys);
      if (replaced === OMIT) continue;
      const readable = (node.mode & 0o444) !== 0 && node.show !== undefined;
      const data = replaced ?? (readable ? node.show!() : "");
      files.push([childFs, data, node.mode & 0o7777]);
    }
  }
}

/**
 * Writes `system`'s sysfs tree under `outDir` (which must not exist, or be an empty directory,
 * and whose parent must exist and be writable). Throws {@link SysfsExportError} when the target
 * is refused or writing fails; in every failure case nothing is left at `outDir`.
 */
export function exportSysfs(system: PciSystem, outDir: string): SysfsExportResult {
  const out = resolve(outDir);
  checkTarget(out);
  const over = overrides(system);
  let tmp: string;
  try {
    tmp = mkdtempSync(join(dirname(out), `.${basename(out)}.partial-`));
  } catch (e) {
    throw new SysfsExportError("EXPORT_UNWRITABLE", out, `cannot create a directory next to it: ${(e as Error).message}`);
  }
  const counts: Counts = { links: 0, dirs: 0 };
  const files: FileWrite[] = [];
  try {
    writeDir(system.sysfs.root, "/", tmp, over, counts, files);
    writeFilesParallel(files);
    chmodSync(tmp, 0o755);
    if (existsSync(out)) rmdirSync(out); // an empty directory, checked above
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    // Only file-system failures are the target's fault; anything else is a broken invariant.
    if (typeof (e as NodeJS.ErrnoException).syscall !== "string") throw e;
    throw new SysfsExportError("EXPORT_IO", out, `export failed, nothing written: ${(e as Error).message}`);
  }
  return { root: out, functions: system.devices.length, files: files.length, ...counts };
}
