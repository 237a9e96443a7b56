/**
 * The `p2pdma` command tree. Each command group lives in `commands/<group>.ts` and registers
 * itself here; `main` runs a command line against injectable I/O and returns the exit code.
 */
import { Command, CommanderError } from "commander";
import type { CliIo } from "./io";
import { CliError } from "./io";
import { registerKernel } from "./commands/kernel";
import { registerNvme } from "./commands/nvme";
import { registerNvmet } from "./commands/nvmet";
import { registerP2p } from "./commands/p2p";
import { registerRun } from "./commands/run";
import { registerTopo } from "./commands/topo";

/** Every command group, in the order `--help` lists them. */
const GROUPS: readonly ((program: Command, io: CliIo) => void)[] = [registerRun, registerTopo, registerP2p, registerNvme, registerNvmet, registerKernel];

export function buildProgram(io: CliIo): Command {
  const program = new Command("p2pdma")
    .description(
      "Linux PCI peer-to-peer DMA, modelled exactly: can these devices do P2P, why not, and what would it save?",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const register of GROUPS) register(program, io);
  return program;
}

/** Runs one command line (without `node` and script) and returns the process exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit "successfully" through an exception.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof CliError) {
      io.err(`p2pdma: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof Error && typeof (e as { code?: unknown }).code === "string") {
      // Typed errors of the libraries (bad input files, impossible topologies).
      io.err(`p2pdma: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
