/**
 * Typed failures of the real-kernel runner. What the guest kernel answers (an errno, a log
 * line) is data in the record; these are for the runner itself: a missing tool, a machine
 * QEMU cannot express, a guest that never printed its results.
 */

/** Why the runner could not produce a record. */
export type KernelRunErrorCode =
  | "MISSING_TOOL"
  | "BAD_MACHINE"
  | "UNSUPPORTED_PARTS"
  | "BAD_SCENARIO"
  | "BUILD_FAILED"
  | "BOOT_TIMEOUT"
  | "NO_MARKERS"
  | "QEMU_FAILED";

/** A runner failure with a stable `code` (the CLI prints the message). */
export class KernelRunError extends Error {
  constructor(
    readonly code: KernelRunErrorCode,
    message: string,
    /** The tail of the serial console, when a guest was booted. */
    readonly console?: string,
  ) {
    super(message);
    this.name = "KernelRunError";
  }
}
