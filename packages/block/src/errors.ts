/** Misuse of the block API (style.md failure kind 2): a typed error with a `code`. */
export type BlockErrorCode = "EBLOCK_ARG" | "EBLOCK_STATE";

export class BlockError extends Error {
  constructor(
    message: string,
    readonly code: BlockErrorCode = "EBLOCK_ARG",
  ) {
    super(message);
    this.name = "BlockError";
  }
}
