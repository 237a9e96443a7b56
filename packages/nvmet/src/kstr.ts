/**
 * The kernel string helpers configfs stores rely on (lib/kstrtox.c, lib/string.c,
 * lib/vsprintf.c, lib/uuid.c), with their exact acceptance rules: what they accept is what a
 * write to the modelled attribute accepts.
 */
import { EINVAL, ERANGE } from "@p2pdma/pci-core";

/** Models `kstrtobool`: only the first one or two characters matter. */
export function kstrtobool(s: string): boolean | null {
  switch (s[0]) {
    case "y": case "Y": case "t": case "T": case "1":
      return true;
    case "n": case "N": case "f": case "F": case "0":
      return false;
    case "o": case "O":
      if (s[1] === "n" || s[1] === "N") return true;
      if (s[1] === "f" || s[1] === "F") return false;
      return null;
    default:
      return null;
  }
}

/**
 * Models `kstrtoull(s, base)` and its narrower variants: optional `+`, base 0 picks 0x / 0 /
 * decimal, one trailing newline allowed. Returns the value or a negative errno
 * (`-EINVAL`, `-ERANGE` above `max`).
 */
export function kstrtoul(s: string, base: number, max: bigint): bigint | number {
  let i = 0;
  if (s[0] === "+") i = 1;
  let b = base;
  if (b === 0) {
    if (s[i] === "0") b = (s[i + 1] === "x" || s[i + 1] === "X") && /[0-9a-fA-F]/.test(s[i + 2] ?? "") ? 16 : 8;
    else b = 10;
  }
  if (b === 16 && s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X")) i += 2;
  let v = 0n;
  let n = 0;
  let overflow = false;
  for (; i < s.length; i++, n++) {
    const d = parseInt(s[i]!, 16);
    if (Number.isNaN(d) || d >= b) break;
    v = v * BigInt(b) + BigInt(d);
    if (v > 0xffffffffffffffffn) overflow = true;
  }
  if (overflow) return -ERANGE;
  if (n === 0) return -EINVAL;
  if (s[i] === "\n") i++;
  if (i !== s.length) return -EINVAL;
  if (v > max) return -ERANGE;
  return v;
}

/** `kstrtou16(s, 0)` etc. as numbers: value, or a negative errno. */
export function kstrtou(s: string, bits: 16 | 32, base = 0): { value: number } | { errno: number } {
  const r = kstrtoul(s, base, (1n << BigInt(bits)) - 1n);
  return typeof r === "bigint" ? { value: Number(r) } : { errno: r };
}

/** `kstrtoint(s, 0)`: signed 32-bit, leading `-` allowed. */
export function kstrtoint(s: string): { value: number } | { errno: number } {
  const neg = s[0] === "-";
  const r = kstrtoul(neg ? s.slice(1) : s, 0, neg ? 0x80000000n : 0x7fffffffn);
  if (typeof r === "number") return { errno: r };
  if (neg && s[1] === "+") return { errno: -EINVAL };
  return { value: neg ? -Number(r) : Number(r) };
}

/** Models `sysfs_streq`: equal, ignoring one trailing newline on either side. */
export function sysfsStreq(a: string, b: string): boolean {
  const strip = (x: string): string => (x.endsWith("\n") ? x.slice(0, -1) : x);
  return strip(a) === strip(b);
}

/** Models `strcspn(page, "\n")`. */
export function lineLength(s: string): number {
  const i = s.indexOf("\n");
  return i < 0 ? s.length : i;
}

const SPACE = /[ \t\n\v\f\r]/;

/** Models `sscanf(page, "%s\n", buf)`: the first whitespace-delimited token, or null (EOF). */
export function scanToken(s: string): string | null {
  let i = 0;
  while (i < s.length && SPACE.test(s[i]!)) i++;
  if (i === s.length) return null;
  let j = i;
  while (j < s.length && !SPACE.test(s[j]!)) j++;
  return s.slice(i, j);
}

/** Scans a signed decimal like vsscanf's `%d` (leading blanks skipped). */
function scanDec(s: string, i: number): { value: number; next: number } | null {
  let j = i;
  while (j < s.length && SPACE.test(s[j]!)) j++;
  const m = /^[+-]?\d+/.exec(s.slice(j));
  if (!m) return null;
  return { value: parseInt(m[0], 10), next: j + m[0].length };
}

/** Models `sscanf(page, "%hu\n", &v)`: returns the u16 (truncated like the kernel) or null. */
export function scanHu(s: string): number | null {
  const r = scanDec(s, 0);
  if (!r) return null;
  return ((r.value % 0x10000) + 0x10000) % 0x10000;
}

/** Models `sscanf(page, "%d.%d.%d\n", ...)`: the number of conversions and values. */
export function scanVersion(s: string): { count: number; values: number[] } {
  const values: number[] = [];
  let i = 0;
  for (let k = 0; k < 3; k++) {
    if (k > 0) {
      if (s[i] !== ".") break;
      i++;
    }
    const r = scanDec(s, i);
    if (!r) break;
    values.push(r.value);
    i = r.next;
  }
  return { count: values.length, values };
}

/** Models `uuid_parse` (lib/uuid.c): exactly `8-4-4-4-12` hex, ignoring what follows. */
export function uuidParse(s: string): Uint8Array | null {
  if (s.length < 36) return null;
  const out = new Uint8Array(16);
  let o = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (s[i] !== "-") return null;
      continue;
    }
    const hi = parseInt(s[i]!, 16);
    const lo = parseInt(s[i + 1] ?? "", 16);
    if (!/[0-9a-fA-F]/.test(s[i]!) || !/[0-9a-fA-F]/.test(s[i + 1] ?? "")) return null;
    out[o++] = (hi << 4) | lo;
    i++;
  }
  return out;
}

/** Formats 16 bytes as `%pUb` does: lowercase `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
export function formatUuid(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Printable ASCII per NVMe Base 1.4 §1.5 (`nvmet_is_ascii`). */
export function isNvmeAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}
