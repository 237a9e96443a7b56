/**
 * Merging the facts of several captures of one machine (say an `lspci -tv` tree, an
 * `lspci -vvv` capture and a hex dump) into one {@link MachineFacts}, function by function.
 * A known value beats an unknown one; two captures that state different values for the same
 * fact are a conflict. Config bytes merge when the longer capture extends the shorter one
 * byte for byte. Display names never conflict (the first capture's name is kept).
 */
import type { AcsFacts, BarFacts, FunctionFacts, HostBridgeFacts, LinkFacts, MachineFacts, PlatformFacts } from "./facts";
import { CaptureParseError } from "./facts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const DISPLAY_ONLY = new Set(["vendorName", "deviceName"]);

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "bigint" || typeof b === "bigint") return a === b;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

function show(v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} config bytes`;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `0x${x.toString(16)}` : x));
}

/** Index of a function's origin, for naming sources in conflicts. */
interface Origin {
  readonly facts: Mutable<FunctionFacts>;
  readonly from: Map<string, string>;
}

/**
 * Merges captures of one machine. Throws {@link CaptureParseError} (source: both captures,
 * location: the bdf, problem: the field and both values) on a conflict.
 */
export function mergeFacts(list: readonly MachineFacts[]): MachineFacts {
  const byBdf = new Map<string, Origin>();
  const order: string[] = [];
  const hostBridges = new Map<string, { hb: Mutable<HostBridgeFacts>; src: string }>();
  const platform: Mutable<PlatformFacts> = {};
  const platformFrom = new Map<string, string>();
  const sources: MachineFacts["sources"][number][] = [];

  const conflict = (a: string, b: string, where: string, field: string, va: unknown, vb: unknown): never => {
    throw new CaptureParseError(`${a} + ${b}`, where, `conflict in ${field}: ${a} says ${show(va)}, ${b} says ${show(vb)}`);
  };

  for (const m of list) {
    const src = m.sources.map((s) => s.name).join(", ") || "(unnamed capture)";
    sources.push(...m.sources);
    for (const f of m.functions) {
      let o = byBdf.get(f.bdf);
      if (!o) {
        o = { facts: { bdf: f.bdf }, from: new Map() };
        byBdf.set(f.bdf, o);
        order.push(f.bdf);
      }
      for (const [key, value] of Object.entries(f) as [keyof FunctionFacts, unknown][]) {
        if (key === "bdf" || value === undefined) continue;
        const cur = (o.facts as Record<string, unknown>)[key];
        if (cur === undefined) {
          (o.facts as Record<string, unknown>)[key] = value;
          o.from.set(key, src);
          continue;
        }
        if (sameValue(cur, value) || DISPLAY_ONLY.has(key)) continue;
        const prev = o.from.get(key) ?? "?";
        switch (key) {
          case "config": {
            const a = cur as Uint8Array;
            const b = value as Uint8Array;
            const [short, long] = a.length <= b.length ? [a, b] : [b, a];
            if (!short.every((x, i) => x === long[i])) conflict(prev, src, f.bdf, "config", a, b);
            if (long === b) {
              o.facts.config = b;
              o.from.set(key, src);
            }
            continue;
          }
          case "acs":
            o.facts.acs = mergeAcs(cur as AcsFacts, value as AcsFacts, () => conflict(prev, src, f.bdf, "acs", cur, value));
            continue;
          case "link":
            o.facts.link = mergeRecord(cur as Record<string, unknown>, value as Record<string, unknown>, (k, x, y) =>
              conflict(prev, src, f.bdf, `link.${k}`, x, y),
            ) as LinkFacts;
            continue;
          case "bars":
            o.facts.bars = mergeBars(cur as readonly BarFacts[], value as readonly BarFacts[], (k, x, y) =>
              conflict(prev, src, f.bdf, `bars.${k}`, x, y),
            );
            continue;
          default:
            conflict(prev, src, f.bdf, key, cur, value);
        }
      }
      // A 24-bit class and a 16-bit class must agree on the upper 16 bits.
      const c = o.facts;
      if (c.classCode !== undefined && c.class16 !== undefined) {
        if (c.classCode >> 8 !== c.class16) conflict(o.from.get("classCode") ?? "?", o.from.get("class16") ?? "?", f.bdf, "class", c.classCode, c.class16);
        delete c.class16;
      }
    }
    for (const hb of m.hostBridges ?? []) {
      const key = `${hb.domain}:${hb.rootBus}`;
      const cur = hostBridges.get(key);
      if (!cur) {
        hostBridges.set(key, { hb: { ...hb }, src });
        continue;
      }
      for (const [k, v] of Object.entries(hb) as [keyof HostBridgeFacts, unknown][]) {
        const have = cur.hb[k];
        if (v === undefined) continue;
        if (have === undefined) (cur.hb as Record<string, unknown>)[k] = v;
        else if (have !== v) conflict(cur.src, src, `host bridge ${key}`, k, have, v);
      }
    }
    for (const [k, v] of Object.entries(m.platform ?? {}) as [keyof PlatformFacts, unknown][]) {
      if (v === undefined) continue;
      const have = platform[k];
      if (have === undefined) {
        (platform as Record<string, unknown>)[k] = v;
        platformFrom.set(k, src);
      } else if (have !== v) conflict(platformFrom.get(k) ?? "?", src, "platform", k, have, v);
    }
  }
  const result: Mutable<MachineFacts> = {
    functions: order.map((b) => byBdf.get(b)!.facts),
    sources,
  };
  if (hostBridges.size > 0) result.hostBridges = [...hostBridges.values()].map((x) => x.hb);
  if (Object.keys(platform).length > 0) result.platform = platform;
  return result;
}

function mergeAcs(a: AcsFacts, b: AcsFacts, onConflict: () => never): AcsFacts {
  if (a === "unknown") return b;
  if (b === "unknown") return a;
  return onConflict();
}

function mergeRecord(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  onConflict: (key: string, x: unknown, y: unknown) => never,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    if (out[k] === undefined) out[k] = v;
    else if (!sameValue(out[k], v)) onConflict(k, out[k], v);
  }
  return out;
}

function mergeBars(
  a: readonly BarFacts[],
  b: readonly BarFacts[],
  onConflict: (key: string, x: unknown, y: unknown) => never,
): BarFacts[] {
  const byIndex = new Map<number, BarFacts>();
  for (const bar of a) byIndex.set(bar.index, bar);
  for (const bar of b) {
    const cur = byIndex.get(bar.index);
    if (!cur) {
      byIndex.set(bar.index, bar);
      continue;
    }
    // A dump cannot tell a memory BAR's kind from a sysfs flag; "mem-unknown" yields.
    const merged = mergeRecord(
      cur.kind === "mem-unknown" ? { ...cur, kind: undefined } : (cur as unknown as Record<string, unknown>),
      bar.kind === "mem-unknown" && cur.kind !== "io" ? { ...bar, kind: undefined } : (bar as unknown as Record<string, unknown>),
      (k, x, y) => onConflict(`${bar.index}.${k}`, x, y),
    );
    merged.kind ??= "mem-unknown";
    byIndex.set(bar.index, merged as unknown as BarFacts);
  }
  return [...byIndex.values()].sort((x, y) => x.index - y.index);
}
