/**
 * The layering check (architecture.md "Layers"): every import of every workspace package must
 * be declared in its package.json, must use another package's public entry (no deep imports),
 * must follow an allowed edge, and the workspace graph must be acyclic; tsconfig references
 * must mirror the workspace dependencies.
 */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative, resolve, dirname } from "node:path";

export interface Violation {
  readonly pkg: string;
  readonly file?: string;
  readonly kind: "undeclared" | "deep-import" | "forbidden-edge" | "cycle" | "escapes-package" | "tsconfig-mismatch";
  readonly detail: string;
}

/** Parses the fenced edge table (`a -> b, c   (+ d)`) of a layers document. */
export function parseEdgeTable(markdown: string): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  const fence = /```\n([\s\S]*?)```/.exec(markdown);
  if (!fence) throw new Error("no fenced edge table found");
  for (const line of fence[1]!.split("\n")) {
    const m = /^(\S+)\s+->\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const targets = m[2]!.replace(/[()+]/g, ",").split(",").map((t) => t.trim()).filter((t) => t.length > 0);
    edges.set(m[1]!, new Set(targets));
  }
  return edges;
}

interface Pkg {
  readonly dir: string;
  readonly name: string;
  readonly short: string;
  readonly isApp: boolean;
  readonly deps: Set<string>;
  readonly devDeps: Set<string>;
}

function listPackages(root: string): Pkg[] {
  const out: Pkg[] = [];
  for (const group of ["packages", "apps"]) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const d of readdirSync(base)) {
      const pj = join(base, d, "package.json");
      if (!existsSync(pj)) continue;
      const json = JSON.parse(readFileSync(pj, "utf8")) as Record<string, Record<string, string> | string | undefined>;
      const name = String(json["name"]);
      out.push({
        dir: join(base, d),
        name,
        short: name.replace(/^@p2pdma\//, ""),
        isApp: group === "apps",
        deps: new Set([...Object.keys((json["dependencies"] as Record<string, string>) ?? {}), ...Object.keys((json["peerDependencies"] as Record<string, string>) ?? {})]),
        devDeps: new Set(Object.keys((json["devDependencies"] as Record<string, string>) ?? {})),
      });
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      if (e === "node_modules" || e === "dist" || e === ".tsbuild" || e === ".turbo") continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|tsx|js|mjs)$/.test(e) && !e.endsWith(".d.ts")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const IMPORT_RE = /(?:^|[^.\w])(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|(?:^|[^.\w])import\s*\(\s*["']([^"']+)["']\s*\)|(?:^|[^.\w])import\s+["']([^"']+)["']/gm;

/** Module specifiers a file imports (static, side-effect and dynamic imports with literals). */
export function importsOf(text: string): string[] {
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const out: string[] = [];
  for (const m of stripped.matchAll(IMPORT_RE)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

function packageOf(spec: string): { name: string; subpath: string } {
  const parts = spec.split("/");
  const n = spec.startsWith("@") ? 2 : 1;
  return { name: parts.slice(0, n).join("/"), subpath: parts.slice(n).join("/") };
}

const BUILTINS = new Set(builtinModules);

/** Runs every check over the workspace at `root` against `edges`. */
export function checkLayering(root: string, edges: Map<string, Set<string>>): Violation[] {
  const pkgs = listPackages(root);
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const v: Violation[] = [];
  for (const pkg of pkgs) {
    // Declared workspace edges must be allowed.
    for (const dep of pkg.deps) {
      const target = byName.get(dep);
      if (!target || pkg.isApp) continue;
      const allowed = edges.get(pkg.short);
      if (!allowed?.has(target.short)) {
        v.push({ pkg: pkg.name, kind: "forbidden-edge", detail: `${pkg.short} -> ${target.short} is not in the layer table` });
      }
    }
    for (const file of sourceFiles(pkg.dir)) {
      const rel = relative(root, file);
      const isTestish = /(^|\/)(test|bench)\//.test(relative(pkg.dir, file)) || /(vitest|tsup)\.config\.ts$/.test(file);
      for (const spec of importsOf(readFileSync(file, "utf8"))) {
        if (spec.startsWith("node:") || BUILTINS.has(spec)) continue;
        if (spec.startsWith(".")) {
          const target = resolve(dirname(file), spec);
          const inside = !relative(pkg.dir, target).startsWith("..");
          const sharedConfig = /(vitest|tsup)\.config\.ts$/.test(file) && /vitest\.shared/.test(spec);
          if (!inside && !sharedConfig) v.push({ pkg: pkg.name, file: rel, kind: "escapes-package", detail: `relative import ${spec} leaves the package` });
          continue;
        }
        const { name, subpath } = packageOf(spec);
        if (byName.has(name) && subpath !== "") {
          v.push({ pkg: pkg.name, file: rel, kind: "deep-import", detail: `${spec}: import ${name} through its public entry only` });
        }
        const declared = pkg.deps.has(name) || (isTestish && pkg.devDeps.has(name));
        const rootTool = isTestish && ["vitest", "vite", "fast-check", "tsup"].includes(name);
        if (!declared && !rootTool) {
          v.push({ pkg: pkg.name, file: rel, kind: "undeclared", detail: `imports ${name} without declaring it in package.json` });
        }
      }
    }
    // tsconfig references mirror workspace dependencies.
    const tsconfigPath = join(pkg.dir, "tsconfig.json");
    if (existsSync(tsconfigPath)) {
      const ts = JSON.parse(readFileSync(tsconfigPath, "utf8")) as { references?: { path: string }[] };
      const refs = new Set((ts.references ?? []).map((r) => resolve(pkg.dir, r.path)));
      const wanted = new Set([...pkg.deps, ...pkg.devDeps].map((d) => byName.get(d)?.dir).filter((d): d is string => d !== undefined));
      const same = refs.size === wanted.size && [...refs].every((r) => wanted.has(r));
      if (!same) {
        v.push({ pkg: pkg.name, kind: "tsconfig-mismatch", detail: `tsconfig references ${[...refs].map((r) => relative(root, r)).sort().join(", ") || "(none)"} but package.json declares ${[...wanted].map((r) => relative(root, r)).sort().join(", ") || "(none)"}` });
      }
    }
  }
  // Cycles over declared workspace dependencies.
  const state = new Map<string, "visiting" | "done">();
  const visit = (p: Pkg, path: string[]): void => {
    if (state.get(p.name) === "done") return;
    if (state.get(p.name) === "visiting") {
      v.push({ pkg: p.name, kind: "cycle", detail: [...path.slice(path.indexOf(p.name)), p.name].join(" -> ") });
      return;
    }
    state.set(p.name, "visiting");
    for (const d of [...p.deps, ...p.devDeps]) {
      const t = byName.get(d);
      if (t) visit(t, [...path, p.name]);
    }
    state.set(p.name, "done");
  };
  pkgs.forEach((p) => visit(p, []));
  return v;
}
