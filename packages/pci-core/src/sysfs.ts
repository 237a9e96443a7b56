/**
 * A sysfs-like attribute tree (fs/sysfs, kernfs): directories, attributes with show/store
 * callbacks, binary attributes and symlinks. Layers add their groups (`p2pmem/`, the NVMe
 * controller's `cmb`) to the directories pci-core creates. Reads and writes return what the
 * kernel would: text or bytes, a byte count, or a negative errno.
 */
import { EACCES, EINVAL, EISDIR, ENOENT } from "./errno";

/** A text or binary attribute. `store` returns the bytes consumed or a negative errno. */
export interface SysfsAttribute {
  readonly kind: "attr";
  readonly name: string;
  /** Permission bits as the kernel declares them (0444, 0644, 0200, 0660 ...). */
  readonly mode: number;
  readonly show?: () => string | Uint8Array;
  readonly store?: (data: string) => number;
  /** Binary attributes report a size (`bin_attribute.size`); 0 for text attributes. */
  readonly size?: number;
  readonly binary?: boolean;
}

export interface SysfsLink {
  readonly kind: "link";
  readonly name: string;
  /** Absolute sysfs path of the target (`/devices/pci0000:00/0000:00:01.0`). */
  readonly target: string;
}

export class SysfsDir {
  readonly kind = "dir" as const;
  readonly entries = new Map<string, SysfsNode>();
  constructor(readonly name: string) {}
}

export type SysfsNode = SysfsDir | SysfsAttribute | SysfsLink;

/** Thrown for a malformed path or a name clash: API misuse by a layer, not user input. */
export class SysfsError extends Error {
  readonly code = "ESYSFS";
}

function split(path: string): string[] {
  if (!path.startsWith("/")) throw new SysfsError(`sysfs path must be absolute: ${path}`);
  return path.split("/").filter((p) => p.length > 0);
}

export class Sysfs {
  readonly root = new SysfsDir("");

  /** The node at `path`, following symlinks in intermediate components; undefined if absent. */
  lookup(path: string, followLast = true): SysfsNode | undefined {
    let node: SysfsNode = this.root;
    const parts = split(path);
    for (let i = 0; i < parts.length; i++) {
      if (node.kind !== "dir") return undefined;
      const next: SysfsNode | undefined = node.entries.get(parts[i]!);
      if (next === undefined) return undefined;
      const isLast = i === parts.length - 1;
      node = next.kind === "link" && (!isLast || followLast) ? (this.lookup(next.target) ?? next) : next;
      if (next.kind === "link" && node === next && (!isLast || followLast)) return undefined;
    }
    return node;
  }

  /** Creates `path` and missing parents (`kobject_add` / `sysfs_create_dir`). */
  mkdir(path: string): SysfsDir {
    let dir = this.root;
    for (const part of split(path)) {
      const next = dir.entries.get(part);
      if (next === undefined) {
        const created = new SysfsDir(part);
        dir.entries.set(part, created);
        dir = created;
      } else if (next.kind === "dir") {
        dir = next;
      } else {
        throw new SysfsError(`${path}: ${part} exists and is not a directory`);
      }
    }
    return dir;
  }

  private dirAt(path: string): SysfsDir {
    const node = this.lookup(path);
    if (node === undefined || node.kind !== "dir") throw new SysfsError(`${path}: no such sysfs directory`);
    return node;
  }

  /**
   * Models `sysfs_create_file`; a duplicate name is an error as in the kernel (-EEXIST).
   * `where` is a path or a directory already looked up (cheaper when adding many files).
   */
  addAttribute(where: string | SysfsDir, attr: Omit<SysfsAttribute, "kind">): void {
    const dir = typeof where === "string" ? this.dirAt(where) : where;
    if (dir.entries.has(attr.name)) throw new SysfsError(`${typeof where === "string" ? where : where.name}/${attr.name} already exists`);
    dir.entries.set(attr.name, { kind: "attr", ...attr });
  }

  /** Models `sysfs_create_group`: a named subdirectory of attributes (or the dir itself for ""). */
  addGroup(dirPath: string, group: string, attrs: readonly Omit<SysfsAttribute, "kind">[]): void {
    const target = group === "" ? dirPath : `${dirPath}/${group}`;
    if (group !== "" && this.lookup(target) !== undefined) throw new SysfsError(`${target} already exists`);
    this.mkdir(target);
    for (const a of attrs) this.addAttribute(target, a);
  }

  /** Models `sysfs_create_link`. */
  addLink(dirPath: string, name: string, target: string): void {
    const dir = this.dirAt(dirPath);
    if (dir.entries.has(name)) throw new SysfsError(`${dirPath}/${name} already exists`);
    dir.entries.set(name, { kind: "link", name, target });
  }

  /** Removes a node (file, link, or directory with its contents). Returns whether it existed. */
  remove(path: string): boolean {
    const parts = split(path);
    const name = parts.pop();
    if (name === undefined) return false;
    const parent = this.lookup(`/${parts.join("/")}`);
    if (parent === undefined || parent.kind !== "dir") return false;
    return parent.entries.delete(name);
  }

  /** Reads an attribute: its text/bytes, or a negative errno. */
  read(path: string): string | Uint8Array | number {
    const node = this.lookup(path);
    if (node === undefined) return -ENOENT;
    if (node.kind === "dir") return -EISDIR;
    if (node.kind === "link") return -ENOENT;
    if (node.show === undefined || (node.mode & 0o444) === 0) return -EACCES;
    return node.show();
  }

  /** Writes an attribute: bytes consumed or a negative errno (`-EACCES` for read-only files). */
  write(path: string, data: string): number {
    const node = this.lookup(path);
    if (node === undefined) return -ENOENT;
    if (node.kind !== "attr") return -EINVAL;
    if (node.store === undefined || (node.mode & 0o222) === 0) return -EACCES;
    return node.store(data);
  }

  /**
   * Names in a directory in the order `readdir` returns them (kernfs keeps siblings in an
   * rbtree ordered by {@link kernfsNameHash}, then by name), or undefined when `path` is not a
   * directory.
   */
  list(path: string): string[] | undefined {
    const node = this.lookup(path);
    if (node === undefined || node.kind !== "dir") return undefined;
    return [...node.entries.keys()]
      .map((name) => ({ name, hash: kernfsNameHash(name) }))
      .sort((a, b) => a.hash - b.hash || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((e) => e.name);
  }
}

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_RATIO_64 = 0x61c8864680b583ebn;
const INT_MAX = 0x7fffffff;

/**
 * Models `kernfs_name_hash(name, NULL)` (fs/kernfs/dir.c) on a 64-bit kernel:
 * `partial_name_hash` over the bytes, `end_name_hash` = `hash_64(hash, 32)`, kept to 31 bits
 * with 0, 1 and INT_MAX reserved.
 */
export function kernfsNameHash(name: string): number {
  let hash = 0n;
  for (const byte of new TextEncoder().encode(name)) {
    const c = BigInt(byte);
    hash = ((hash + (c << 4n) + (c >> 4n)) * 11n) & MASK64;
  }
  let h = Number(((hash * GOLDEN_RATIO_64) & MASK64) >> 32n) & 0x7fffffff;
  if (h < 2) h += 2;
  if (h >= INT_MAX) h = INT_MAX - 1;
  return h;
}
