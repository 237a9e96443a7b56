/** Runs `p2pdma` command lines in-process from a given working directory. */
import { main } from "../../src/program";
import type { CliIo } from "../../src/io";

/** Exit code and captured output of one command line. */
export async function kernelCli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd };
  const code = await main(argv, io);
  return { code, out, err };
}
