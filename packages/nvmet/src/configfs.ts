/**
 * The configfs tree `/sys/kernel/config/nvmet` (fs/configfs semantics + configfs.c): groups,
 * default groups, attributes, symlinks. Operations return what the syscalls would: 0, the byte
 * count, the text read, or a negative errno; a refused write changes nothing.
 */
import { EEXIST, EFAULT, EINVAL, EISDIR, ENOENT, EPERM } from "@p2pdma/pci-core";
import type { Nvmet } from "./core";
import { buildRoot, rootType } from "./configfs-host";

const ENOTEMPTY = 39;
const ENOTDIR = 20;
const ENAMETOOLONG = 36;
/** configfs attribute buffers are one page; a write of more is truncated to PAGE_SIZE - 1. */
const CFS_PAGE = 4096;

/** One attribute (`struct configfs_attribute`). */
export interface CfsAttr {
  readonly show?: () => string;
  /** Returns the byte count or a negative errno. */
  readonly store?: (text: string) => number;
}

/** `struct config_item_type` + its ops. */
export interface CfsType {
  readonly kind: string;
  readonly attrs?: (g: CfsGroup) => Record<string, CfsAttr>;
  /** `make_group`: a new group or a negative errno. */
  readonly makeGroup?: (parent: CfsGroup, name: string) => CfsGroup | number;
  /** `allow_link`: 0 or a negative errno. */
  readonly allowLink?: (parent: CfsGroup, target: CfsGroup) => number;
  readonly dropLink?: (parent: CfsGroup, target: CfsGroup) => void;
  /** Called at rmdir (`drop_item` + `release`). */
  readonly release?: (g: CfsGroup) => void;
  /** Called before release for groups whose parent has `disconnect_notify`. */
  readonly disconnect?: (g: CfsGroup) => void;
}

/** A configfs directory (`struct config_group`). */
export class CfsGroup {
  readonly children = new Map<string, CfsGroup>();
  readonly links = new Map<string, CfsGroup>();
  /** Symlinks pointing at this group. */
  linkedBy = 0;
  constructor(
    readonly name: string,
    readonly type: CfsType,
    public parent: CfsGroup | null,
    readonly isDefault: boolean,
    /** The nvmet object behind the group (subsystem, namespace, port ...). */
    readonly obj: unknown,
  ) {}
  /** Adds a default group (`configfs_add_default_group`). */
  addDefault(name: string, type: CfsType, obj: unknown = this.obj): CfsGroup {
    const g = new CfsGroup(name, type, this, true, obj);
    this.children.set(name, g);
    return g;
  }
  /** The path below the root. */
  get path(): string {
    return this.parent ? (this.parent.parent ? `${this.parent.path}/${this.name}` : this.name) : "";
  }
}

const PREFIX = "/sys/kernel/config/nvmet";

/** The nvmet configfs subsystem as a tree of operations. */
export class NvmetConfigfs {
  readonly root: CfsGroup;
  constructor(readonly t: Nvmet) {
    this.root = new CfsGroup("nvmet", rootType(t), null, true, t);
    buildRoot(t, this.root);
  }

  private split(path: string): string[] {
    let p = path;
    if (p.startsWith(PREFIX)) p = p.slice(PREFIX.length);
    return p.split("/").filter((x) => x !== "" && x !== ".");
  }

  /** Resolves a directory path (following symlinks in the middle, as the VFS does). */
  private dir(parts: readonly string[]): CfsGroup | number {
    let g = this.root;
    for (const name of parts) {
      const next = g.children.get(name) ?? g.links.get(name);
      if (!next) return attrNames(g).includes(name) ? -ENOTDIR : -ENOENT;
      g = next;
    }
    return g;
  }

  /** Lists a directory: child groups, links and attribute names. */
  ls(path: string): string[] | number {
    const g = this.dir(this.split(path));
    if (typeof g === "number") return g;
    return [...g.children.keys(), ...g.links.keys(), ...attrNames(g)].sort();
  }

  /** True when the path names a directory or link. */
  exists(path: string): boolean {
    return typeof this.dir(this.split(path)) !== "number";
  }

  /** mkdir(2). */
  mkdir(path: string): number {
    const parts = this.split(path);
    const name = parts.pop();
    if (name === undefined) return -EEXIST;
    const parent = this.dir(parts);
    if (typeof parent === "number") return parent;
    if (name.length > 255) return -ENAMETOOLONG;
    if (parent.children.has(name) || parent.links.has(name) || attrNames(parent).includes(name)) return -EEXIST;
    if (!parent.type.makeGroup) return -EPERM;
    const g = parent.type.makeGroup(parent, name);
    if (typeof g === "number") return g;
    parent.children.set(name, g);
    return 0;
  }

  /** rmdir(2): default groups refuse (EPERM); a group with user-made children or links refuses (ENOTEMPTY). */
  rmdir(path: string): number {
    const parts = this.split(path);
    const name = parts.pop();
    if (name === undefined) return -EPERM;
    const parent = this.dir(parts);
    if (typeof parent === "number") return parent;
    const g = parent.children.get(name);
    if (!g) return parent.links.has(name) ? -ENOTDIR : -ENOENT;
    if (g.isDefault) return -EPERM;
    if (!emptyForRmdir(g)) return -ENOTEMPTY;
    releaseTree(g);
    parent.children.delete(name);
    g.parent = null;
    return 0;
  }

  /** symlink(2) `linkpath -> target`; the target must be a group of this tree. */
  symlink(target: string, linkpath: string): number {
    const tg = this.dir(this.split(target));
    if (typeof tg === "number") return -ENOENT;
    const parts = this.split(linkpath);
    const name = parts.pop();
    if (name === undefined) return -EEXIST;
    const parent = this.dir(parts);
    if (typeof parent === "number") return parent;
    if (parent.children.has(name) || parent.links.has(name) || attrNames(parent).includes(name)) return -EEXIST;
    if (!parent.type.allowLink) return -EPERM;
    const r = parent.type.allowLink(parent, tg);
    if (r) return r;
    parent.links.set(name, tg);
    tg.linkedBy++;
    return 0;
  }

  /** unlink(2) of a symlink (`drop_link`). */
  unlink(path: string): number {
    const parts = this.split(path);
    const name = parts.pop();
    if (name === undefined) return -EISDIR;
    const parent = this.dir(parts);
    if (typeof parent === "number") return parent;
    const tg = parent.links.get(name);
    if (!tg) return parent.children.has(name) ? -EISDIR : attrNames(parent).includes(name) ? -EPERM : -ENOENT;
    parent.links.delete(name);
    tg.linkedBy--;
    parent.type.dropLink?.(parent, tg);
    return 0;
  }

  /** Reads an attribute: its text, or a negative errno. */
  read(path: string): string | number {
    const parts = this.split(path);
    const name = parts.pop() ?? "";
    const g = this.dir(parts);
    if (typeof g === "number") return g;
    if (g.children.has(name) || g.links.has(name)) return -EISDIR;
    const a = g.type.attrs?.(g)[name];
    if (!a) return -ENOENT;
    if (!a.show) return -EPERM;
    return a.show();
  }

  /** Writes an attribute as `write(2)` would: the byte count or a negative errno. */
  write(path: string, text: string): number {
    const parts = this.split(path);
    const name = parts.pop() ?? "";
    const g = this.dir(parts);
    if (typeof g === "number") return g;
    if (g.children.has(name) || g.links.has(name)) return -EISDIR;
    const a = g.type.attrs?.(g)[name];
    if (!a) return -ENOENT;
    if (!a.store) return -EPERM;
    const data = text.length >= CFS_PAGE ? text.slice(0, CFS_PAGE - 1) : text;
    // fs/configfs/file.c fill_write_buffer: nothing copied -> -EFAULT (golden nvmet-p2pmem-writes step 55).
    if (data.length === 0) return -EFAULT;
    return a.store(data);
  }
}

function attrNames(g: CfsGroup): string[] {
  return Object.keys(g.type.attrs?.(g) ?? {});
}

/** configfs_detach_prep: only default groups (recursively empty of user items and links) may remain. */
function emptyForRmdir(g: CfsGroup): boolean {
  if (g.links.size > 0) return false;
  for (const c of g.children.values()) {
    if (!c.isDefault) return false;
    if (!emptyForRmdir(c)) return false;
  }
  return true;
}

function releaseTree(g: CfsGroup): void {
  for (const c of g.children.values()) releaseTree(c);
  g.type.disconnect?.(g);
  g.type.release?.(g);
}

/** Helper for attribute stores: the errno when `cond`. */
export function einval(): number {
  return -EINVAL;
}
