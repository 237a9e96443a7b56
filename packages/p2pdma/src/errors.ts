/**
 * Failures that are not kernel return values (style.md "three kinds of failure"): misuse of this
 * API, and the places where the kernel would hit BUG() (a broken invariant, e.g. freeing memory
 * that was never allocated from the pool).
 */

/** Misuse of the p2pdma API (a bad BAR index, a negative size, a device of another system). */
export class P2pdmaError extends Error {
  constructor(
    message: string,
    readonly code: "EP2PDMA_USAGE" | "EP2PDMA_STATE" = "EP2PDMA_USAGE",
  ) {
    super(message);
  }
}

/** Where the kernel would BUG(): raised, not returned, because the real kernel would oops here. */
export class KernelBugError extends Error {
  readonly code = "EKERNEL_BUG";
}
