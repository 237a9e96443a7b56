/**
 * The two kernels the project models (spec 11.1): the seed's merged semantics (`4.20`) and
 * today's long-term stable series as of 6.12.117 (`6.12`, the default).
 */
export const KERNEL_MODES = ["4.20", "6.12"] as const;
export type KernelMode = (typeof KERNEL_MODES)[number];
export const DEFAULT_KERNEL_MODE: KernelMode = "6.12";

/** Parses a `--kernel` value; null for anything else. */
export function parseKernelMode(text: string): KernelMode | null {
  return (KERNEL_MODES as readonly string[]).includes(text) ? (text as KernelMode) : null;
}
