/** Runs the CLI in-process with captured output, as a user's shell would see it. */
import { main } from "../src/program";
import type { CliIo } from "../src/io";
import { resolve } from "node:path";

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export const REPO = resolve(__dirname, "../../..");

export async function cli(...argv: string[]): Promise<CliResult> {
  let out = "";
  let err = "";
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd: REPO };
  const code = await main(argv, io);
  return { code, out, err };
}
