/**
 * The subset of the kernel's `vsscanf` (lib/vsprintf.c) that PCI parameter parsing uses:
 * `%x` / `%hx` conversions (leading blanks skipped, optional 0x prefix), literal characters,
 * `%c` and `%n`. Returns the number of conversions made, like sscanf.
 */

export interface ScanResult {
  /** Conversions performed (`%n` does not count). */
  readonly count: number;
  readonly values: readonly number[];
  /** Characters consumed when a `%n` was reached, else -1. */
  readonly consumed: number;
}

const isXdigit = (c: string | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(c);
const isSpace = (c: string | undefined): boolean => c !== undefined && /[ \t\n\v\f\r]/.test(c);

/** Models `sscanf(input, format, ...)` for the directives above. */
export function kscanf(input: string, format: string): ScanResult {
  let s = 0;
  let count = 0;
  let consumed = -1;
  const values: number[] = [];
  for (let f = 0; f < format.length; f++) {
    const fc = format[f]!;
    if (fc !== "%") {
      if (isSpace(fc)) {
        while (isSpace(input[s])) s++;
        continue;
      }
      if (input[s] !== fc) break;
      s++;
      continue;
    }
    let conv = format[++f];
    let half = false;
    if (conv === "h") {
      half = true;
      conv = format[++f];
    }
    if (conv === "n") {
      consumed = s;
      continue;
    }
    if (s >= input.length) break;
    if (conv === "c") {
      values.push(input.charCodeAt(s));
      s++;
      count++;
      continue;
    }
    if (conv !== "x") throw new Error(`kscanf: unsupported conversion %${conv ?? ""}`);
    while (isSpace(input[s])) s++;
    if (!isXdigit(input[s])) break;
    if (input[s] === "0" && (input[s + 1] === "x" || input[s + 1] === "X") && isXdigit(input[s + 2])) s += 2;
    let v = 0n;
    while (isXdigit(input[s])) {
      v = v * 16n + BigInt(Number.parseInt(input[s]!, 16));
      s++;
    }
    values.push(Number(BigInt.asUintN(half ? 16 : 32, v)));
    count++;
  }
  return { count, values, consumed };
}
