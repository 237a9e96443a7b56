/**
 * Importer for `lspci -t` / `-tv` / `-tvnn` (pciutils ls-tree output): the bus tree drawn with
 * `-+-`, `+-`, `\-`, `|`, root buses as `[DDDD:BB]`, bridges as `SS.F-[SS-SS]-`.
 *
 * The tree states: every function's address (slot.function under its bus), its parent bridge,
 * each bridge's secondary/subordinate bus range (`-[01-03]-`, `-[05]-`; a bare `-` means the
 * bridge's secondary bus reads 0), the root buses, and with `-v` a display label per
 * non-bridge function (with `-nn` ending in `[vvvv:dddd]`, which gives the IDs). It gives no
 * class, header type or capabilities; those stay unknown.
 */
import { formatBdf, makeDevfn } from "../bdf";
import type { FunctionFacts, HostBridgeFacts, MachineFacts } from "./facts";
import { lineError, splitLines } from "./lines";

/** One function as a tree capture shows it, with its display label when `-v` was given. */
export interface LspciTreeEntry {
  readonly bdf: string;
  readonly parent: string | null;
  /** Bridge bus range as printed; `secondary` 0 with no range stands for lspci's bare `-`. */
  readonly bridge?: { readonly secondary: number; readonly subordinate?: number };
  /** Text after the two spaces (`-v`), exactly as printed, `[vvvv:dddd]` included in `-nn`. */
  readonly label?: string;
}

/** The parsed tree: entries in print order and the root buses in print order. */
export interface LspciTreeCapture {
  readonly entries: readonly LspciTreeEntry[];
  readonly rootBuses: readonly { readonly domain: number; readonly bus: number; readonly line: number }[];
}

interface OpenList {
  readonly column: number;
  /** A device list on one bus, or a list of buses (top level or a bridge with several buses). */
  readonly kind: "devices" | "buses";
  readonly domain: number;
  readonly bus: number;
  readonly parent: string | null;
}

const BUS_LABEL = /^\[([0-9a-f]{4,8}):([0-9a-f]{2})\]-/;
const SLOT_FN = /^([0-9a-f]{2})\.([0-7])/;
const RANGE = /^-\[([0-9a-f]{2})(?:-([0-9a-f]{2}))?\]-/;
const NN_IDS = / \[([0-9a-f]{4}):([0-9a-f]{4})\]$/;

/**
 * Parses `lspci -t[v][nn]` text. Throws {@link CaptureParseError} with the line and column of the
 * first glyph that does not fit the tree grammar.
 */
export function parseLspciTree(source: string, text: string): LspciTreeCapture {
  const lines = splitLines(text);
  const entries: LspciTreeEntry[] = [];
  const rootBuses: { domain: number; bus: number; line: number }[] = [];
  const seen = new Set<string>();
  let open: OpenList[] = [];

  const fail = (li: number, col: number, problem: string): never => {
    throw lineError(source, li, problem, col);
  };

  // Parses a device at `col` of line `li` on bus (domain, bus) below `parent`.
  const parseDevice = (li: number, line: string, col: number, domain: number, bus: number, parent: string | null): void => {
    const m = SLOT_FN.exec(line.slice(col, col + 4));
    if (!m) fail(li, col, `expected a device "SS.F", found ${JSON.stringify(line.slice(col, col + 8))}`);
    const slot = Number.parseInt(m![1]!, 16);
    if (slot > 0x1f) fail(li, col, `slot ${m![1]} is above 1f`);
    const bdf = formatBdf({ domain, bus, devfn: makeDevfn(slot, Number.parseInt(m![2]!, 10)) });
    if (seen.has(bdf)) fail(li, col, `function ${bdf} appears twice`);
    seen.add(bdf);
    let at = col + 4;
    if (at === line.length) {
      entries.push({ bdf, parent });
      return;
    }
    if (line.startsWith("  ", at)) {
      const label = line.slice(at + 2);
      if (label.length === 0) fail(li, at, "empty device label");
      entries.push({ bdf, parent, label });
      return;
    }
    if (line[at] !== "-") fail(li, at, `unexpected ${JSON.stringify(line[at])} after device ${bdf}`);
    // A bridge: "-[SS]-", "-[SS-UU]-" or "-" (secondary bus 0), then "-" and its bus(es).
    let bridge: { secondary: number; subordinate?: number };
    const r = RANGE.exec(line.slice(at, at + 9));
    if (r) {
      const secondary = Number.parseInt(r[1]!, 16);
      const subordinate = r[2] === undefined ? secondary : Number.parseInt(r[2], 16);
      if (r[2] !== undefined && subordinate < secondary) fail(li, at, `bus range [${r[1]}-${r[2]}] ends before it starts`);
      bridge = { secondary, subordinate };
      at += r[0].length;
    } else {
      bridge = { secondary: 0 };
      at += 1;
    }
    entries.push({ bdf, parent, bridge });
    if (line[at] !== "-") fail(li, at, `expected "-" after the bus range of bridge ${bdf}`);
    at += 1;
    if (line.startsWith("+-[", at) || line.startsWith("[", at)) {
      parseBusList(li, line, at, domain, bdf);
    } else {
      parseBusBody(li, line, at, domain, bridge.secondary, bdf);
    }
  };

  // The body of one bus at `col`: nothing (empty bus), "--" one device, "+-" first of several.
  const parseBusBody = (li: number, line: string, col: number, domain: number, bus: number, parent: string | null): void => {
    if (col === line.length) return;
    if (line.startsWith("--", col)) {
      parseDevice(li, line, col + 2, domain, bus, parent);
    } else if (line.startsWith("+-", col)) {
      open.push({ column: col, kind: "devices", domain, bus, parent });
      parseDevice(li, line, col + 2, domain, bus, parent);
    } else {
      fail(li, col, `expected "--", "+-" or the end of the line, found ${JSON.stringify(line.slice(col, col + 6))}`);
    }
  };

  // A "[DDDD:BB]-" label (alone) or "+-[DDDD:BB]-" (first of several) at `col`.
  const parseBusList = (li: number, line: string, col: number, domain: number | null, parent: string | null): void => {
    if (line.startsWith("+-", col)) {
      open.push({ column: col, kind: "buses", domain: domain ?? -1, bus: -1, parent });
      parseBusEntry(li, line, col + 2, domain, parent);
    } else {
      parseBusEntry(li, line, col, domain, parent);
    }
  };

  const parseBusEntry = (li: number, line: string, col: number, domain: number | null, parent: string | null): void => {
    const m = BUS_LABEL.exec(line.slice(col, col + 14));
    if (!m) fail(li, col, `expected a bus "[DDDD:BB]-", found ${JSON.stringify(line.slice(col, col + 12))}`);
    const d = Number.parseInt(m![1]!, 16);
    const b = Number.parseInt(m![2]!, 16);
    if (domain !== null && d !== domain) fail(li, col, `bus ${m![1]}:${m![2]} lies in another domain than its bridge`);
    if (parent === null) rootBuses.push({ domain: d, bus: b, line: li + 1 });
    parseBusBody(li, line, col + m![0].length, d, b, parent);
  };

  // Pasted captures are often indented as a block (Markdown, RST): drop the first line's indent
  // from every line that has it. A capture that starts with " +-[" is an excerpt of a bus list.
  const firstIdx = lines.findIndex((l) => l.trim() !== "");
  const first = firstIdx < 0 ? "" : lines[firstIdx]!;
  let indent = 0;
  const lead = /^( *)(-|[+\\]-\[)/.exec(first.startsWith(" +-[") || first.startsWith(" \\-[") ? first.slice(1) : first);
  if (lead) indent = lead[1]!.length;
  if (indent > 0) {
    const pad = " ".repeat(indent);
    for (let i = 0; i < lines.length; i++) if (lines[i]!.startsWith(pad)) lines[i] = lines[i]!.slice(indent);
  }
  if (/^ [+\\]-\[/.test(lines[firstIdx] ?? "")) open.push({ column: 1, kind: "buses", domain: -1, bus: -1, parent: null });

  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.trim() === "") continue;
    if (line[0] === "-") {
      // A new forest: lspci >= 3.10 prints one per PCI domain.
      open = [];
      parseBusList(li, line, 1, null, null);
      continue;
    }
    // Continuation: "|" and spaces, then "+-" or "\-" under an open list.
    let col = 0;
    while (col < line.length && (line[col] === " " || line[col] === "|")) col++;
    if (col === line.length) fail(li, 0, "line holds only tree glyphs");
    const glyph = line[col];
    if ((glyph !== "+" && glyph !== "\\") || line[col + 1] !== "-") {
      fail(li, col, `expected "+-" or "\\-", found ${JSON.stringify(line.slice(col, col + 6))}`);
    }
    if (open.length === 0) fail(li, col, "continuation line before any tree root");
    // Every "|" in the prefix must stand under an open list.
    for (let c = 0; c < col; c++) {
      if (line[c] === "|" && !open.some((o) => o.column === c)) fail(li, c, `"|" under no open branch`);
    }
    const idx = open.findIndex((o) => o.column === col);
    if (idx < 0) fail(li, col, "branch does not line up with any open list");
    const list = open[idx]!;
    open.length = idx + 1; // deeper lists are finished
    if (glyph === "\\") open.pop();
    if (list.kind === "devices") {
      parseDevice(li, line, col + 2, list.domain, list.bus, list.parent);
    } else {
      parseBusEntry(li, line, col + 2, list.domain < 0 ? null : list.domain, list.parent);
    }
  }
  if (entries.length === 0 && rootBuses.length === 0) {
    throw lineError(source, 0, "no tree found (expected a line starting with \"-[\" or \"-+-[\")");
  }
  return { entries, rootBuses };
}

/** Imports an `lspci -t[v][nn]` capture as {@link MachineFacts} (see {@link parseLspciTree}). */
export function importLspciTree(source: string, text: string): MachineFacts {
  const tree = parseLspciTree(source, text);
  const functions: FunctionFacts[] = tree.entries.map((e) => factsOfEntry(e));
  const hostBridges: HostBridgeFacts[] = [];
  const withDevices = new Set(tree.entries.filter((e) => e.parent === null).map((e) => e.bdf.slice(0, 7)));
  for (const rb of tree.rootBuses) {
    const key = `${rb.domain.toString(16).padStart(4, "0")}:${rb.bus.toString(16).padStart(2, "0")}`;
    // lspci 3.8/3.9 always draws [0000:00], even when no device sits on it: not a root bus then.
    if (withDevices.has(key)) hostBridges.push({ domain: rb.domain, rootBus: rb.bus });
  }
  return { functions, hostBridges, sources: [{ name: source, format: "lspci-tree" }] };
}

function factsOfEntry(e: LspciTreeEntry): FunctionFacts {
  const f: { -readonly [K in keyof FunctionFacts]: FunctionFacts[K] } = { bdf: e.bdf, parent: e.parent };
  if (e.bridge) {
    f.secondaryBus = e.bridge.secondary;
    if (e.bridge.subordinate !== undefined) f.subordinateBus = e.bridge.subordinate;
  }
  if (e.label !== undefined) {
    const ids = NN_IDS.exec(e.label);
    if (ids) {
      f.vendor = Number.parseInt(ids[1]!, 16);
      f.device = Number.parseInt(ids[2]!, 16);
      f.deviceName = e.label.slice(0, ids.index);
    } else {
      f.deviceName = e.label;
    }
  }
  return f;
}
