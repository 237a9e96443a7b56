/**
 * An in-memory file tree (files, directories, symlinks) keyed by normalized relative path:
 * what the sysfs importer reads, filled from a tar archive, a real directory or a test.
 */

/** One node of a {@link VirtualTree}. */
export type VirtualNode =
  | { readonly type: "file"; readonly data: Uint8Array }
  | { readonly type: "dir" }
  | { readonly type: "symlink"; readonly target: string };

/** Paths relative to the tree root without `.`/empty segments; may start with `../`. */
export type VirtualTree = Map<string, VirtualNode>;

/** Normalizes `a/./b//c/../d` to `a/b/d`; leading `/` and `./` are dropped, leading `..` kept. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(seg);
  }
  return out.join("/");
}

/** Joins a symlink target to the directory holding the link. */
export function resolveLink(linkPath: string, target: string): string {
  if (target.startsWith("/")) return normalizePath(target);
  const dir = linkPath.split("/").slice(0, -1).join("/");
  return normalizePath(dir === "" ? target : `${dir}/${target}`);
}

/** Follows symlinks (at most 40) from `path`; returns the final path, or null on a loop. */
export function realPath(tree: VirtualTree, path: string): string | null {
  let p = path;
  for (let i = 0; i < 40; i++) {
    const node = tree.get(p);
    if (node?.type !== "symlink") {
      // Resolve links among the parents too (a/b where a is a link).
      const parts = p.split("/");
      for (let k = 1; k < parts.length; k++) {
        const head = parts.slice(0, k).join("/");
        const n = tree.get(head);
        if (n?.type === "symlink") {
          p = normalizePath(`${resolveLink(head, n.target)}/${parts.slice(k).join("/")}`);
          break;
        }
        if (k === parts.length - 1) return p;
      }
      if (parts.length === 1) return p;
      continue;
    }
    p = resolveLink(p, node.target);
  }
  return null;
}
