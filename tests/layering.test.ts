import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkLayering, importsOf, parseEdgeTable } from "./layering/check";

const ROOT = resolve(__dirname, "..");
const EDGES = parseEdgeTable(readFileSync(join(ROOT, "docs/layers.md"), "utf8"));

describe("layering (architecture.md Layers)", () => {
  it("the repository has no violations", () => {
    expect(checkLayering(ROOT, EDGES)).toEqual([]);
  });

  const design = resolve(ROOT, "../shared/design/architecture.md");
  it.skipIf(!existsSync(design))("docs/layers.md carries the same edges as the design document", () => {
    const fromDesign = parseEdgeTable(readFileSync(design, "utf8").split("## Layers")[1]!);
    expect(EDGES).toEqual(fromDesign);
  });

  it("reads static, type-only, side-effect and dynamic imports, and ignores comments", () => {
    const src = [
      'import { a } from "x";',
      'import type { B } from "@s/y";',
      'export { c } from "./z";',
      'import "side";',
      'const m = await import("dyn");',
      '// import { no } from "commented";',
      '/* import { no2 } from "block"; */',
    ].join("\n");
    expect(importsOf(src)).toEqual(["x", "@s/y", "./z", "side", "dyn"]);
  });
});

describe("layering check catches what it must", () => {
  let dir = "";
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function workspace(pkgs: Record<string, { deps?: string[]; src: string; refs?: string[] }>): string {
    dir = mkdtempSync(join(tmpdir(), "layering-"));
    for (const [short, p] of Object.entries(pkgs)) {
      const d = join(dir, "packages", short);
      mkdirSync(join(d, "src"), { recursive: true });
      const deps = Object.fromEntries((p.deps ?? []).map((x) => [x, "workspace:*"]));
      writeFileSync(join(d, "package.json"), JSON.stringify({ name: `@p2pdma/${short}`, dependencies: deps }));
      writeFileSync(join(d, "tsconfig.json"), JSON.stringify({ references: (p.refs ?? []).map((r) => ({ path: `../${r}` })) }));
      writeFileSync(join(d, "src", "index.ts"), p.src);
    }
    return dir;
  }

  it("an undeclared import", () => {
    const root = workspace({
      "pci-core": { src: "export {};" },
      p2pdma: { src: 'import { x } from "@p2pdma/pci-core";\nexport { x };' },
    });
    const v = checkLayering(root, EDGES);
    expect(v).toContainEqual(expect.objectContaining({ pkg: "@p2pdma/p2pdma", kind: "undeclared" }));
  });

  it("a deep import into another package's internals", () => {
    const root = workspace({
      "pci-core": { src: "export {};" },
      p2pdma: { deps: ["@p2pdma/pci-core"], refs: ["pci-core"], src: 'import { x } from "@p2pdma/pci-core/src/system";\nexport { x };' },
    });
    expect(checkLayering(root, EDGES)).toContainEqual(expect.objectContaining({ kind: "deep-import" }));
  });

  it("an edge the table does not allow, and a cycle", () => {
    const root = workspace({
      "pci-core": { deps: ["@p2pdma/p2pdma"], refs: ["p2pdma"], src: 'import "@p2pdma/p2pdma";' },
      p2pdma: { deps: ["@p2pdma/pci-core"], refs: ["pci-core"], src: 'import "@p2pdma/pci-core";' },
    });
    const kinds = checkLayering(root, EDGES).map((x) => x.kind);
    expect(kinds).toContain("forbidden-edge");
    expect(kinds).toContain("cycle");
  });

  it("tsconfig references that do not mirror package.json", () => {
    const root = workspace({
      "pci-core": { src: "export {};" },
      p2pdma: { deps: ["@p2pdma/pci-core"], src: 'import "@p2pdma/pci-core";' },
    });
    expect(checkLayering(root, EDGES)).toContainEqual(expect.objectContaining({ kind: "tsconfig-mismatch" }));
  });

  it("a relative import that leaves its package", () => {
    const root = workspace({
      "pci-core": { src: "export {};" },
      p2pdma: { src: 'import "../../pci-core/src/index";' },
    });
    expect(checkLayering(root, EDGES)).toContainEqual(expect.objectContaining({ kind: "escapes-package" }));
  });
});
