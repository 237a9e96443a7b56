/**
 * The thin node:fs layer over {@link importSysfsTree}: reads a real `/sys/bus/pci/devices`
 * directory (or a sysfs root, or a copy of either) into a {@link VirtualTree}. It reads only
 * the attributes the importer knows ({@link SYSFS_ATTRIBUTES}, {@link SYSFS_LINKS}), never
 * other sysfs files.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { CaptureParseError } from "./facts";
import type { MachineFacts } from "./facts";
import { SYSFS_ATTRIBUTES, SYSFS_LINKS, importSysfsTree } from "./sysfs";
import type { VirtualTree } from "./virtual-tree";
import { normalizePath, resolveLink } from "./virtual-tree";

const BDF_NAME = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;

/** Reads a sysfs snapshot directory into a virtual tree (see the module comment). */
export function readSysfsDir(root: string): VirtualTree {
  const tree: VirtualTree = new Map();
  const devicesRel = existsSync(join(root, "bus/pci/devices")) ? "bus/pci/devices" : "";
  const devicesAbs = join(root, devicesRel);
  for (const name of readdirSync(devicesAbs).sort()) {
    if (!BDF_NAME.test(name)) continue;
    const rel = normalizePath(`${devicesRel}/${name}`);
    const abs = join(devicesAbs, name);
    const st = lstatSync(abs);
    let dirRel = rel;
    if (st.isSymbolicLink()) {
      const target = readlinkSync(abs);
      tree.set(rel, { type: "symlink", target });
      dirRel = resolveLink(rel, target);
    } else {
      tree.set(rel, { type: "dir" });
    }
    if (!statSync(abs, { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const attr of SYSFS_ATTRIBUTES) {
      const p = join(abs, attr);
      try {
        tree.set(`${dirRel}/${attr}`, { type: "file", data: new Uint8Array(readFileSync(p)) });
      } catch {
        // absent or unreadable attribute: not stated by this snapshot
      }
    }
    for (const link of SYSFS_LINKS) {
      try {
        tree.set(`${dirRel}/${link}`, { type: "symlink", target: readlinkSync(join(abs, link)) });
      } catch {
        // no such link
      }
    }
  }
  return tree;
}

/** Imports a sysfs snapshot directory; throws CaptureParseError when it holds no PCI functions. */
export function importSysfsDir(root: string): MachineFacts {
  let tree: VirtualTree;
  try {
    tree = readSysfsDir(root);
  } catch (e) {
    throw new CaptureParseError(root, "/", `cannot read directory: ${(e as Error).message}`);
  }
  return importSysfsTree(root, tree, "sysfs-dir");
}
