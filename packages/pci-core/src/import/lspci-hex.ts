/**
 * Importer for `lspci -x` / `-xxx` / `-xxxx` dumps (also the hex part of `lspci -vvvxxx`):
 * a header line per function (`BB:DD.F ...` or `DDDD:BB:DD.F ...`), then lines
 * `OO: xx xx ... xx` of 16 bytes each from offset 0: 64, 256 or 4096 bytes per function.
 * The bytes give the IDs, class, header type, bus numbers and, when long enough, the PCIe
 * port type, link and ACS registers (see {@link factsFromConfig}).
 */
import { normalizeBdf } from "../bdf";
import { factsFromConfig } from "./config-facts";
import type { FunctionFacts, MachineFacts } from "./facts";
import { lineError, splitLines } from "./lines";

/** A header line: the address at column 0 followed by a space. */
export const DEVICE_LINE = /^((?:[0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])(?: (.*))?$/;
/** A hex line: 2 or 3 hex digits of offset, a colon, then bytes. */
export const HEX_LINE = /^([0-9a-f]{2,3}):((?: [0-9a-fA-F]{2})*)\s*$/;
const HEX_LINE_START = /^[0-9a-f]{2,3}:(?: |$)/;

/** Valid lengths of one function's dump. */
export const DUMP_SIZES: readonly number[] = [64, 256, 4096];

/** Accumulates the hex lines of one function and checks offsets as they come. */
export class HexDumpBuilder {
  private readonly chunks: number[] = [];
  constructor(
    private readonly source: string,
    readonly bdf: string,
    readonly headerLine: number,
  ) {}

  /** Adds the hex line at 0-based `index`; throws CaptureParseError for a malformed one. */
  add(index: number, line: string): void {
    const m = HEX_LINE.exec(line);
    if (!m) {
      const col = firstBadColumn(line);
      throw lineError(this.source, index, `malformed hex line ${JSON.stringify(line.slice(0, 60))}`, col);
    }
    const offset = Number.parseInt(m[1]!, 16);
    if (offset !== this.chunks.length) {
      throw lineError(this.source, index, `hex line at offset ${m[1]} where offset ${this.chunks.length.toString(16).padStart(2, "0")} was due for ${this.bdf}`, 0);
    }
    const bytes = m[2]!.trim().split(" ");
    if (bytes.length !== 16) {
      throw lineError(this.source, index, `hex line holds ${m[2]!.trim() === "" ? 0 : bytes.length} bytes, not 16`, line.length);
    }
    if (this.chunks.length + 16 > 4096) throw lineError(this.source, index, `dump of ${this.bdf} runs past 4096 bytes`, 0);
    for (const b of bytes) this.chunks.push(Number.parseInt(b, 16));
  }

  get length(): number {
    return this.chunks.length;
  }

  /** The bytes; throws CaptureParseError when the dump is not 64, 256 or 4096 bytes long. */
  finish(lastLine: number): Uint8Array {
    if (!DUMP_SIZES.includes(this.chunks.length)) {
      throw lineError(
        this.source,
        lastLine,
        `config dump of ${this.bdf} (header at line ${this.headerLine + 1}) ends after ${this.chunks.length} bytes; expected 64, 256 or 4096`,
      );
    }
    return Uint8Array.from(this.chunks);
  }
}

function firstBadColumn(line: string): number {
  const m = /^[0-9a-f]{2,3}:/.exec(line);
  if (!m) return 0;
  let col = m[0].length;
  while (col < line.length) {
    if (line[col] !== " ") return col;
    if (!/^[0-9a-fA-F]{2}$/.test(line.slice(col + 1, col + 3))) return col + 1;
    col += 3;
  }
  return col;
}

/** True for a line that starts like a hex dump line. */
export function isHexLine(line: string): boolean {
  return HEX_LINE_START.test(line);
}

/** Facts of one function from its dump bytes plus the address of its header line. */
export function functionFromDump(bdf: string, config: Uint8Array): FunctionFacts {
  const c = factsFromConfig(config);
  return { bdf, config, ...c };
}

/**
 * Parses an `lspci -x[xx[x]]` capture. Lines that are neither header lines nor hex lines must be
 * blank. Throws {@link CaptureParseError} at the first malformed or truncated line.
 */
export function importLspciHex(source: string, text: string): MachineFacts {
  const lines = splitLines(text);
  const functions: FunctionFacts[] = [];
  const seen = new Set<string>();
  let cur: HexDumpBuilder | null = null;
  let last = 0;
  const close = (): void => {
    if (!cur) return;
    functions.push(functionFromDump(cur.bdf, cur.finish(last)));
    cur = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    if (isHexLine(line)) {
      if (!cur) throw lineError(source, i, "hex line before any device header line", 0);
      cur.add(i, line);
      last = i;
      continue;
    }
    const m = DEVICE_LINE.exec(line);
    if (!m) throw lineError(source, i, `expected a device header "BB:DD.F ..." or a hex line, found ${JSON.stringify(line.slice(0, 40))}`, 0);
    close();
    const bdf = normalizeBdf(m[1]!);
    if (!bdf) throw lineError(source, i, `bad device address ${m[1]!}`, 0);
    if (seen.has(bdf)) throw lineError(source, i, `function ${bdf} appears twice`, 0);
    seen.add(bdf);
    cur = new HexDumpBuilder(source, bdf, i);
    last = i;
  }
  close();
  if (functions.length === 0) throw lineError(source, 0, "no device dump found");
  return { functions, sources: [{ name: source, format: "lspci-hex" }] };
}
