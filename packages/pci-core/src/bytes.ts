/**
 * The one place that touches bytes: bounds-checked little-endian access to a buffer.
 * PCI config space, NVMe structures and dumps all go through these helpers.
 */

/** Thrown when an access falls outside its buffer: a broken invariant, never input data. */
export class ByteRangeError extends RangeError {
  readonly code = "ERANGE_BYTES";
}

function check(buf: Uint8Array, offset: number, width: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + width > buf.length) {
    throw new ByteRangeError(`access of ${width} byte(s) at ${offset} outside a buffer of ${buf.length}`);
  }
}

/** Reads an unsigned little-endian integer of 1, 2 or 4 bytes. */
export function readLE(buf: Uint8Array, offset: number, width: 1 | 2 | 4): number {
  check(buf, offset, width);
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + buf[offset + i]!;
  return v;
}

/** Writes an unsigned little-endian integer of 1, 2 or 4 bytes (value taken modulo 2^(8*width)). */
export function writeLE(buf: Uint8Array, offset: number, width: 1 | 2 | 4, value: number): void {
  check(buf, offset, width);
  let v = value >>> 0;
  for (let i = 0; i < width; i++) {
    buf[offset + i] = v & 0xff;
    v >>>= 8;
  }
}

/** Reads a 64-bit little-endian value as a bigint. */
export function readLE64(buf: Uint8Array, offset: number): bigint {
  const lo = readLE(buf, offset, 4);
  const hi = readLE(buf, offset + 4, 4);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Writes a 64-bit little-endian value from a bigint (taken modulo 2^64). */
export function writeLE64(buf: Uint8Array, offset: number, value: bigint): void {
  const v = BigInt.asUintN(64, value);
  writeLE(buf, offset, 4, Number(v & 0xffffffffn));
  writeLE(buf, offset + 4, 4, Number(v >> 32n));
}
