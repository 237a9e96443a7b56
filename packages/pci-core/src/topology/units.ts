/**
 * Sizes as topology files write them: a plain number of bytes (`4096`, `0x1000`) or a number
 * with a binary unit (`64K`, `16M`, `1G`, `2T`; `KiB`/`MiB`/... are accepted too).
 */

const UNITS: Readonly<Record<string, bigint>> = {
  "": 1n,
  K: 1n << 10n,
  M: 1n << 20n,
  G: 1n << 30n,
  T: 1n << 40n,
  P: 1n << 50n,
  E: 1n << 60n,
};

const SIZE_TEXT = /^(0x[0-9a-f]+|\d+)\s*(?:([KMGTPE])(?:i?B)?|B)?$/i;

/** Parses a size text (`64K`, `16M`, `0x1000`); null when it is not one. */
export function parseSizeText(text: string): bigint | null {
  const m = SIZE_TEXT.exec(text.trim());
  if (!m) return null;
  const n = BigInt(m[1]!);
  const unit = UNITS[(m[2] ?? "").toUpperCase()];
  return unit === undefined ? null : n * unit;
}

/** Formats a size with the largest binary unit dividing it (`16M`, `4096` -> `4K`). */
export function formatSize(size: bigint): string {
  for (const u of ["E", "P", "T", "G", "M", "K"] as const) {
    const mul = UNITS[u]!;
    if (size >= mul && size % mul === 0n) return `${size / mul}${u}`;
  }
  return size.toString();
}

/** Whether `v` is a power of two (and positive). */
export function isPowerOfTwo(v: bigint): boolean {
  return v > 0n && (v & (v - 1n)) === 0n;
}

/** `v` rounded up to a multiple of `align` (a power of two). */
export function alignUp(v: bigint, align: bigint): bigint {
  return (v + align - 1n) & ~(align - 1n);
}
