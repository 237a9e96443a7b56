/**
 * Typed reading of a parsed YAML/JSON document with positions: every accessor knows its path
 * in the document (`hostBridges[0].children[1]`) and its line and column, and every failure is
 * a {@link TopologySpecError} pointing there. Unknown keys are refused with a "did you mean".
 */
import type { Document, LineCounter, Node, Pair } from "yaml";
import { isAlias, isMap, isScalar, isSeq } from "yaml";
import type { SourcePos } from "./errors";
import { TopologySpecError, rememberOrigin } from "./errors";

/** What a cursor needs to report positions. */
export interface ReadContext {
  readonly source: string;
  readonly lines: LineCounter;
  readonly doc: Document;
}

/** Levenshtein distance, small strings only (key names). */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest of `options` to `word` when it is close enough to be a likely typo. */
export function didYouMean(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const o of options) {
    const d = o.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, o);
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best !== null && (bestD <= 1 || (bestD === 2 && word.length > 4)) ? best : null;
}

/** A position in the document: a YAML node (or its absence) and its path. */
export class Cursor {
  constructor(
    readonly ctx: ReadContext,
    readonly node: Node | null,
    readonly path: string,
    /** Where to point when the node is absent (the parent). */
    private readonly fallback: SourcePos,
  ) {}

  get pos(): SourcePos {
    if (this.node?.range) return this.posAt(this.node.range[0]);
    return this.fallback;
  }

  posAt(offset: number): SourcePos {
    const p = this.ctx.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  fail(problem: string, pos: SourcePos = this.pos): never {
    throw new TopologySpecError(this.ctx.source, pos, this.path, problem);
  }

  /** A short rendering of the value for messages: `"16Q"`, `[...]`, `{...}`. */
  show(): string {
    const n = this.node;
    if (n === null) return "nothing";
    if (isScalar(n)) {
      if (n.value === null) return "null";
      if (typeof n.value === "string") return JSON.stringify(n.value);
      return typeof n.source === "string" && n.source !== "" ? n.source : String(n.value);
    }
    if (isSeq(n)) return "a list";
    if (isMap(n)) return "a mapping";
    return "an unsupported node";
  }

  private scalar(): unknown {
    const n = this.node;
    if (n === null) return undefined;
    if (isAlias(n)) this.fail("anchors and aliases are not supported in topology files");
    return isScalar(n) ? n.value : this;
  }

  isNull(): boolean {
    const n = this.node;
    return n === null || (isScalar(n) && n.value === null);
  }

  isMap(): boolean {
    return this.node !== null && isMap(this.node);
  }

  isList(): boolean {
    return this.node !== null && isSeq(this.node);
  }

  isString(): boolean {
    return this.node !== null && isScalar(this.node) && typeof this.node.value === "string";
  }

  /** Reads a mapping, refusing keys not in `allowed`; `explain` adds a hint for some keys. */
  map(what: string, allowed: readonly string[] | null, explain: Readonly<Record<string, string>> = {}): MapCursor {
    const n = this.node;
    if (n !== null && isAlias(n)) this.fail("anchors and aliases are not supported in topology files");
    if (n === null || !isMap(n)) this.fail(`expected ${what} (a mapping), got ${this.show()}`);
    const entries = new Map<string, { key: Cursor; value: Cursor }>();
    for (const pair of n.items as Pair<unknown, unknown>[]) {
      const keyNode = pair.key as Node | null;
      const keyPos = keyNode?.range ? this.posAt(keyNode.range[0]) : this.pos;
      if (keyNode === null || !isScalar(keyNode) || typeof keyNode.value !== "string") {
        this.fail(`keys must be names, got ${keyNode && isScalar(keyNode) ? String(keyNode.value) : "a complex key"}`, keyPos);
      }
      const name = keyNode.value;
      const keyCursor = new Cursor(this.ctx, keyNode, this.path ? `${this.path}.${name}` : name, keyPos);
      if (allowed !== null && !allowed.includes(name)) {
        const hint = explain[name] ?? (didYouMean(name, allowed) !== null ? `did you mean "${didYouMean(name, allowed)}"?` : `allowed: ${allowed.join(", ")}`);
        keyCursor.fail(`unknown key "${name}" in ${what} (${hint})`);
      }
      const valueNode = (pair.value as Node | null) ?? null;
      entries.set(name, { key: keyCursor, value: new Cursor(this.ctx, valueNode, keyCursor.path, keyPos) });
    }
    return new MapCursor(this, entries);
  }

  /** Reads a list. */
  list(what: string): Cursor[] {
    const n = this.node;
    if (n !== null && isAlias(n)) this.fail("anchors and aliases are not supported in topology files");
    if (n === null || !isSeq(n)) this.fail(`expected ${what} (a list), got ${this.show()}`);
    return (n.items as (Node | null)[]).map((item, i) => new Cursor(this.ctx, item ?? null, `${this.path}[${i}]`, this.pos));
  }

  string(what = "a string"): string {
    const v = this.scalar();
    if (typeof v !== "string") this.fail(`expected ${what}, got ${this.show()}`);
    return v;
  }

  boolean(): boolean {
    const v = this.scalar();
    if (typeof v !== "boolean") this.fail(`expected true or false, got ${this.show()}`);
    return v;
  }

  /** An integer given as a number or a `0x...` string, within [min, max]. */
  bigint(min: bigint, max: bigint, what = "an integer"): bigint {
    const v = this.scalar();
    let n: bigint | null = null;
    if (typeof v === "bigint") n = v;
    else if (typeof v === "number" && Number.isInteger(v)) n = BigInt(v);
    else if (typeof v === "string" && /^(0x[0-9a-f]+|\d+)$/i.test(v.trim())) n = BigInt(v.trim());
    if (n === null) this.fail(`expected ${what}, got ${this.show()}`);
    if (n < min || n > max) this.fail(`${this.show()} is out of range (${rangeText(min, max)})`);
    return n;
  }

  int(min: number, max: number, what = "an integer"): number {
    return Number(this.bigint(BigInt(min), BigInt(max), what));
  }

  /** A number that may be fractional (link speeds). */
  number(what: string): number {
    const v = this.scalar();
    if (typeof v === "bigint") return Number(v);
    if (typeof v === "number" && Number.isFinite(v)) return v;
    this.fail(`expected ${what}, got ${this.show()}`);
  }
}

function rangeText(min: bigint, max: bigint): string {
  const big = max > 0xffffn;
  const f = (v: bigint): string => (big || v > 255n ? `0x${v.toString(16)}` : v.toString());
  return `${f(min)}..${f(max)}`;
}

/** A mapping being read: typed accessors per key, absent keys as undefined. */
export class MapCursor {
  constructor(
    readonly self: Cursor,
    private readonly entries: ReadonlyMap<string, { key: Cursor; value: Cursor }>,
  ) {}

  keys(): string[] {
    return [...this.entries.keys()];
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The value cursor of `key`, or undefined when absent. */
  get(key: string): Cursor | undefined {
    return this.entries.get(key)?.value;
  }

  /** The value cursor of `key`; fails when it is missing. */
  need(key: string, what: string): Cursor {
    const c = this.get(key);
    if (!c) this.self.fail(`missing "${key}" (${what})`);
    return c;
  }

  keyCursor(key: string): Cursor | undefined {
    return this.entries.get(key)?.key;
  }

  /** Reads `key` with `read` when present. */
  opt<T>(key: string, read: (c: Cursor) => T): T | undefined {
    const c = this.get(key);
    return c === undefined ? undefined : read(c);
  }

  /** Records the positions of this mapping and its values for `obj` (the spec object built). */
  remember<T extends object>(obj: T): T {
    const keys = new Map<string, SourcePos>();
    for (const [k, e] of this.entries) keys.set(k, e.value.node ? e.value.pos : e.key.pos);
    rememberOrigin(obj, { source: this.self.ctx.source, at: this.self.pos, keys });
    return obj;
  }
}
