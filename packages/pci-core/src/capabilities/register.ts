/**
 * One helper for laying out a register: its reset value and its access masks together,
 * so that every builder states "this register resets to X and software may write Y".
 */
import type { ConfigSpace, ConfigWidth } from "../config-space";

/** Access of a register: read-write bits and write-1-to-clear bits (the rest read-only). */
export interface RegisterAccess {
  readonly rw?: number;
  readonly w1c?: number;
}

/** Sets a register's reset value and access masks. */
export function defineRegister(
  cs: ConfigSpace,
  offset: number,
  width: ConfigWidth,
  value: number,
  access: RegisterAccess = {},
): void {
  cs.init(offset, width, value >>> 0);
  cs.setAccess(offset, width, { rw: (access.rw ?? 0) >>> 0, w1c: (access.w1c ?? 0) >>> 0 });
}
