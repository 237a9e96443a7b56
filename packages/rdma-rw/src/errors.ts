/**
 * Misuse of the rdma-rw API (a scatterlist that was never DMA mapped, a verbs object of another
 * device, a bad option) is a typed error with a `code`. What the kernel or the hardware would
 * report stays data: negative errnos and `ib_wc_status` values.
 */

export type RdmaErrorCode = "ERDMA_ARG" | "ERDMA_STATE" | "ERDMA_TOPOLOGY";

export class RdmaError extends Error {
  constructor(
    message: string,
    readonly code: RdmaErrorCode = "ERDMA_ARG",
  ) {
    super(message);
    this.name = "RdmaError";
  }
}

/** A negative errno where the kernel returns an `ERR_PTR`. */
export type Errno = number;

/** True when a kernel-style result is an errno (an `IS_ERR` test). */
export function isErrno(v: unknown): v is Errno {
  return typeof v === "number";
}
