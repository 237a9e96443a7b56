/**
 * Prints a bus tree exactly as `lspci -t` (`-tv`, `-tvnn`) does, from a minimal view: the
 * functions with their addresses, the bus range of each bridge and a display label.
 *
 * It follows pciutils' tree construction (ls-tree.c, read for its observable behaviour):
 * functions sorted by domain, bus, devfn; every bridge gets its secondary bus; a function goes
 * to an existing bus with its number, else to the bus list of the last bridge (in address order)
 * whose [secondary, subordinate] range holds its bus, else to a new root bus. Lines are drawn
 * with `+-`, `\-`, `|` and truncated at 1023 characters followed by `...`.
 *
 * Variants: `"3.8"` (pciutils 3.8.0 to 3.9.0, the default and the installed oracle: root buses
 * in ascending order, bus 0000:00 always drawn, a bridge whose secondary bus is 0 drawn as a
 * bare `-`), `"legacy"` (before 3.8.0: buses in descending creation order, `-[00]-`), and
 * `"3.10"` (3.10 and later: one forest per PCI domain, no forced 0000:00).
 */
import { parseLooseBdf, slotOf, funcOf } from "../bdf";
import type { Bdf } from "../bdf";
import type { FunctionFacts } from "../import/facts";

/** One function of the view. */
export interface LspciTreeViewFunction {
  /** `DDDD:BB:DD.F` or `BB:DD.F`. */
  readonly bdf: string;
  /** Present for a PCI-to-PCI or CardBus bridge (header type 1 or 2, class 06xx). */
  readonly bridge?: {
    readonly secondary: number;
    readonly subordinate: number;
    /** The primary bus register; lspci 3.8/3.9 reads it from config space. Defaults to the bus. */
    readonly primary?: number;
  };
  /** What `-v` prints after two spaces (`vendor device` names). */
  readonly label?: string;
  readonly vendor?: number;
  readonly device?: number;
}

/** The input of {@link renderLspciTree}. */
export interface LspciTreeView {
  readonly functions: readonly LspciTreeViewFunction[];
}

/** Output variants of pciutils' tree printer (see the module comment). */
export type LspciTreeVariant = "3.8" | "legacy" | "3.10";

/** Options: `numeric` appends ` [vvvv:dddd]` to labels (`-nn`); `verbose: false` is plain `-t`. */
export interface RenderLspciTreeOptions {
  readonly numeric: boolean;
  readonly verbose?: boolean;
  readonly variant?: LspciTreeVariant;
}

/** Thrown for a view that names a function twice or gives an unparsable address. */
export class LspciTreeViewError extends Error {
  readonly code = "ETREE_VIEW";
}

interface Dev {
  readonly addr: Bdf;
  readonly fn: LspciTreeViewFunction;
  bridge?: Bridge;
}
interface Bus {
  readonly domain: number;
  readonly number: number;
  readonly devices: Dev[];
}
interface Bridge {
  readonly domain: number;
  readonly primary: number;
  readonly secondary: number;
  readonly subordinate: number;
  readonly dev: Dev | null;
  buses: Bus[];
}

const LINE_BUF_SIZE = 1024;
const hex = (v: number, w: number): string => v.toString(16).padStart(w, "0");

/** A line buffer with pciutils' bounded printf and its "continuation" rewrite after printing. */
class LineBuffer {
  private readonly chars: string[] = [];
  readonly out: string[] = [];

  printf(p: number, text: string): number {
    const space = LINE_BUF_SIZE - 1 - p;
    if (space <= 0) return p;
    if (text.length >= space) {
      this.put(p, text.slice(0, space - 1));
      this.chars[p + space - 1] = "\0";
      return p + space;
    }
    this.put(p, text);
    this.chars[p + text.length] = "\0";
    return p + text.length;
  }

  print(p: number): void {
    if (p < LINE_BUF_SIZE) this.chars[p] = "\0";
    let end = 0;
    while (end < this.chars.length && this.chars[end] !== "\0" && this.chars[end] !== undefined) end++;
    let text = this.chars.slice(0, end).join("");
    if (p >= LINE_BUF_SIZE - 1) text += "...";
    this.out.push(text);
    for (let i = 0; i < end; i++) this.chars[i] = this.chars[i] === "+" || this.chars[i] === "|" ? "|" : " ";
  }

  private put(p: number, text: string): void {
    for (let i = 0; i < text.length; i++) this.chars[p + i] = text[i]!;
  }
}

/**
 * Renders `lspci -tv` (numeric: false) or `lspci -tvnn` (numeric: true) text, newline-terminated.
 * A function without a label prints `Device vvvv:dddd` when its IDs are known, else nothing.
 * Throws {@link LspciTreeViewError} for a bad or duplicate address.
 */
export function renderLspciTree(view: LspciTreeView, options: RenderLspciTreeOptions): string {
  const variant = options.variant ?? "3.8";
  const verbose = options.verbose ?? true;
  const devs: Dev[] = [];
  const seen = new Set<string>();
  for (const fn of view.functions) {
    const addr = parseLooseBdf(fn.bdf);
    if (!addr) throw new LspciTreeViewError(`not a PCI address: ${JSON.stringify(fn.bdf)}`);
    const key = `${addr.domain}:${addr.bus}:${addr.devfn}`;
    if (seen.has(key)) throw new LspciTreeViewError(`function ${fn.bdf} appears twice`);
    seen.add(key);
    devs.push({ addr, fn });
  }
  devs.sort((a, b) => a.addr.domain - b.addr.domain || a.addr.bus - b.addr.bus || a.addr.devfn - b.addr.devfn);

  const newBus = (owner: Bridge, domain: number, number: number): Bus => {
    const bus: Bus = { domain, number, devices: [] };
    if (variant === "legacy") owner.buses.unshift(bus);
    else owner.buses.push(bus);
    return bus;
  };
  const findBus = (owner: Bridge, domain: number, number: number): Bus | undefined =>
    owner.buses.find((b) => b.domain === domain && b.number === number);

  // Top-level owners: one host bridge (3.8, legacy) or one per domain (3.10).
  const tops: Bridge[] = [];
  const topOf = new Map<number, Bridge>();
  const mkTop = (domain: number): Bridge => {
    const b: Bridge = { domain, primary: 0xffffffff, secondary: 0, subordinate: 0xffffffff, dev: null, buses: [] };
    tops.push(b);
    topOf.set(domain, b);
    return b;
  };
  if (variant === "3.10") {
    for (const d of devs) if (!topOf.has(d.addr.domain)) mkTop(d.addr.domain);
  } else {
    newBus(mkTop(0), 0, 0);
  }

  // Bridges in address order; every bridge owns its secondary bus from the start.
  const chain: Bridge[] = [];
  for (const d of devs) {
    if (!d.fn.bridge) continue;
    const br: Bridge = {
      domain: d.addr.domain,
      primary: d.fn.bridge.primary ?? d.addr.bus,
      secondary: d.fn.bridge.secondary,
      subordinate: d.fn.bridge.subordinate,
      dev: d,
      buses: [],
    };
    d.bridge = br;
    chain.push(br);
  }
  for (const br of chain) newBus(br, br.domain, br.secondary);

  // The child scan goes through bridges in reverse address order; cache the answer per bus.
  const reversed = chain.slice().reverse();
  const holder = new Map<string, Bridge | null>();
  const holderOf = (domain: number, bus: number): Bridge | null => {
    const key = `${domain}:${bus}`;
    let h = holder.get(key);
    if (h === undefined) {
      h = reversed.find((c) => c.domain === domain && c.secondary <= bus && bus <= c.subordinate) ?? null;
      holder.set(key, h);
    }
    return h;
  };
  for (const d of devs) {
    const top = variant === "3.10" ? topOf.get(d.addr.domain)! : tops[0]!;
    let bus = findBus(top, d.addr.domain, d.addr.bus);
    if (!bus) {
      const c = holderOf(d.addr.domain, d.addr.bus);
      if (c) bus = findBus(c, d.addr.domain, d.addr.bus) ?? newBus(c, d.addr.domain, d.addr.bus);
      else bus = newBus(top, d.addr.domain, d.addr.bus);
    }
    bus.devices.push(d);
  }

  const buf = new LineBuffer();
  const label = (d: Dev): string | undefined => {
    const { fn } = d;
    const ids = fn.vendor !== undefined && fn.device !== undefined ? `${hex(fn.vendor, 4)}:${hex(fn.device, 4)}` : undefined;
    let text = fn.label ?? (ids !== undefined ? `Device ${ids}` : undefined);
    if (text !== undefined && options.numeric && ids !== undefined && fn.label !== undefined) text += ` [${ids}]`;
    return text;
  };
  const showDev = (d: Dev, p: number): void => {
    p = buf.printf(p, `${hex(slotOf(d.addr.devfn), 2)}.${funcOf(d.addr.devfn).toString(16)}`);
    const b = d.bridge;
    if (b) {
      if (b.secondary === 0 && variant !== "legacy") p = buf.printf(p, "-");
      else if (b.secondary === b.subordinate) p = buf.printf(p, `-[${hex(b.secondary, 2)}]-`);
      else p = buf.printf(p, `-[${hex(b.secondary, 2)}-${hex(b.subordinate, 2)}]-`);
      showBridge(b, p);
      return;
    }
    if (verbose) {
      const text = label(d);
      if (text !== undefined) p = buf.printf(p, `  ${text}`);
    }
    buf.print(p);
  };
  const showBus = (bus: Bus, p: number): void => {
    const n = bus.devices.length;
    if (n === 0) {
      buf.print(p);
      return;
    }
    if (n === 1) {
      showDev(bus.devices[0]!, buf.printf(p, "--"));
      return;
    }
    bus.devices.forEach((d, i) => showDev(d, buf.printf(p, i === n - 1 ? "\\-" : "+-")));
  };
  const showBridge = (b: Bridge, p: number): void => {
    p = buf.printf(p, "-");
    const n = b.buses.length;
    if (n === 1) {
      const bus = b.buses[0]!;
      if (!b.dev) p = buf.printf(p, `[${hex(bus.domain, 4)}:${hex(bus.number, 2)}]-`);
      showBus(bus, p);
      return;
    }
    b.buses.forEach((bus, i) => {
      const lead = i === n - 1 ? "\\-" : "+-";
      showBus(bus, buf.printf(p, `${lead}[${hex(bus.domain, 4)}:${hex(bus.number, 2)}]-`));
    });
  };
  for (const top of tops.sort((a, b) => a.domain - b.domain)) showBridge(top, 0);
  return buf.out.map((l) => `${l}\n`).join("");
}

/**
 * The tree view of imported facts: bridges are functions with a known secondary bus, labels
 * are the captured display names (`vendorName deviceName`, or the tree's own label).
 */
export function lspciTreeViewFromFacts(functions: readonly FunctionFacts[]): LspciTreeView {
  return {
    functions: functions.map((f) => {
      const names = [f.vendorName, f.deviceName].filter((x): x is string => x !== undefined);
      const bridgeClass =
        (f.classCode === undefined || f.classCode >> 16 === 0x06) && (f.class16 === undefined || f.class16 >> 8 === 0x06);
      const isBridge = f.secondaryBus !== undefined && f.headerType !== 0 && bridgeClass;
      return {
        bdf: f.bdf,
        ...(isBridge
          ? {
              bridge: {
                secondary: f.secondaryBus!,
                subordinate: f.subordinateBus ?? f.secondaryBus!,
                ...(f.primaryBus !== undefined ? { primary: f.primaryBus } : {}),
              },
            }
          : {}),
        ...(names.length > 0 ? { label: names.join(" ") } : {}),
        ...(f.vendor !== undefined ? { vendor: f.vendor } : {}),
        ...(f.device !== undefined ? { device: f.device } : {}),
      };
    }),
  };
}
