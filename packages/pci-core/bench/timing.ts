/** Wall-clock timing helpers for benchmarks (never used by tests). */
import { performance } from "node:perf_hooks";

/** Runs `fn` once for warm-up, then `runs` times; returns the median milliseconds. */
export function medianMs(fn: () => void, runs = 5): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Number(times[Math.floor(times.length / 2)]!.toFixed(3));
}
