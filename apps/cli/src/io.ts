/**
 * The CLI's contact with the outside world, injectable for tests: output streams, the
 * working directory user paths are relative to, and the exit code.
 */
import { resolve } from "node:path";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Directory relative paths are resolved against (pnpm runs scripts from the repo root). */
  readonly cwd: string;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.env["INIT_CWD"] ?? process.cwd(),
};

export function resolvePath(io: CliIo, p: string): string {
  return resolve(io.cwd, p);
}

/** A user-facing failure: printed as `p2pdma: <message>` on stderr, exit status 1 (2 for usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Prints a JSON document the way every `--json` command does: one document, 2-space indent. */
export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `0x${value.toString(16)}` : value;
}
