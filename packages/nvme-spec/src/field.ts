/**
 * Bit-field descriptors shared by every register and structure definition of this package
 * (the `NVME_CAP_MQES(cap)`-style accessors of `include/linux/nvme.h`, as data).
 */

/** A bit field of a 32- or 64-bit register or dword: `width` bits starting at bit `shift`. */
export interface BitField {
  readonly shift: number;
  readonly width: number;
}

/** The field's mask in place, as a 32-bit unsigned number (fields of 32-bit registers). */
export function fieldMask(f: BitField): number {
  return f.width >= 32 ? 0xffffffff : (((1 << f.width) - 1) << f.shift) >>> 0;
}

/** Extracts field `f` from a 32-bit value (`f.shift + f.width <= 32`). */
export function getField(value: number, f: BitField): number {
  return f.width >= 32 ? value >>> 0 : ((value >>> f.shift) & ((1 << f.width) - 1)) >>> 0;
}

/** Returns `value` with field `f` replaced by `v` (truncated to the field width). */
export function setField(value: number, f: BitField, v: number): number {
  const m = fieldMask(f);
  return ((value & ~m) | ((v << f.shift) & m)) >>> 0;
}

/** Extracts field `f` from a 64-bit register value. */
export function getField64(value: bigint, f: BitField): number {
  return Number((value >> BigInt(f.shift)) & ((1n << BigInt(f.width)) - 1n));
}

/** Returns the 64-bit `value` with field `f` replaced by `v`. */
export function setField64(value: bigint, f: BitField, v: number | bigint): bigint {
  const m = ((1n << BigInt(f.width)) - 1n) << BigInt(f.shift);
  return (value & ~m) | ((BigInt(v) << BigInt(f.shift)) & m);
}
