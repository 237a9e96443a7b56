/**
 * Misuse of the config-space builder: a description that real hardware could not have
 * (a BAR size that is not a power of two, capabilities that do not fit, ...).
 */

/** Why a description was refused. */
export type ConfigBuildErrorCode =
  | "EBAR_INDEX"
  | "EBAR_SIZE"
  | "EBAR_ADDRESS"
  | "EBAR_OVERLAP"
  | "ECAP_SPACE"
  | "ECAP_DUPLICATE"
  | "ECAP_FIELD"
  | "ECAP_NEEDS_PCIE"
  | "EHEADER_FIELD";

/** Thrown by {@link ConfigBuilder} for an impossible description (API misuse, never input data). */
export class ConfigBuildError extends Error {
  readonly code: ConfigBuildErrorCode;
  constructor(code: ConfigBuildErrorCode, message: string) {
    super(message);
    this.name = "ConfigBuildError";
    this.code = code;
  }
}
