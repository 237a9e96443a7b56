/**
 * Misuse of the device model's API or an impossible configuration (failure kind 2 of
 * style.md). What the hardware reports (NVMe statuses, CSTS.CFS) is data, never an Error.
 */

/** Codes of {@link NvmeModelError}. */
export type NvmeModelErrorCode = "EOPTIONS" | "EATTACH" | "EMEDIA";

/** A bad {@link ControllerOptions} value, a device that cannot be attached, a media file that cannot be used. */
export class NvmeModelError extends Error {
  constructor(
    readonly code: NvmeModelErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "NvmeModelError";
  }
}
