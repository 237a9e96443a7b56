/** Typed errors for API misuse (style.md "three kinds of failure", kind 2). */

/** Error codes of {@link NvmetError}. */
export type NvmetErrorCode =
  | "ENOTRANSPORT" // a port's transport has no registered implementation
  | "EBADCONFIG" // an nvmetcli configuration that is not a JSON object of the right shape
  | "EBADPATH" // a configfs path outside /sys/kernel/config/nvmet
  | "EBADSTATE"; // a host helper used in the wrong state (I/O before connect ...)

/** Misuse of the nvmet API by a caller (not something the modelled kernel would report). */
export class NvmetError extends Error {
  constructor(
    readonly code: NvmetErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "NvmetError";
  }
}
