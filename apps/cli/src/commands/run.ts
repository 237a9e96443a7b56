/**
 * `p2pdma run [SCENARIO] [--p2p on|off|compare] [--kernel 4.20|6.12] [--seed N] [--json]`: the
 * reference composition (architecture.md CLI contract), P2P on and off side by side by default.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { Option } from "commander";
import { parseKernelMode } from "@p2pdma/pci-core";
import type { CliIo } from "../io";
import { CliError, printJson, resolvePath } from "../io";
import { DEFAULT_SCENARIO, parseScenario } from "../run/scenario";
import type { Scenario } from "../run/scenario";
import { runOnce } from "../run/compose";
import type { RunReport } from "../run/compose";
import { referenceTopology } from "../run/target/build";
import { renderRuns } from "../run/report";

/** Options of {@link runScenario}. */
export interface RunOptions {
  readonly p2p: "on" | "off" | "compare";
  readonly kernel: "4.20" | "6.12";
  readonly seed: number;
}

/** Runs a scenario in the requested modes. */
export async function runScenario(io: CliIo, s: Scenario, o: RunOptions, baseDir?: string): Promise<RunReport[]> {
  const topologyText = s.topology === "reference" ? referenceTopology() : readFileSync(resolvePath({ ...io, cwd: baseDir ?? io.cwd }, s.topology), "utf8");
  const modes = o.p2p === "compare" ? [true, false] : [o.p2p === "on"];
  const runs: RunReport[] = [];
  for (const p2p of modes) runs.push(await runOnce(s, { topologyText, p2p, kernel: o.kernel, seed: o.seed }));
  return runs;
}

/** Registers `p2pdma run`. */
export function registerRun(program: Command, io: CliIo): void {
  program
    .command("run")
    .description("the reference composition: NVMe-oF over RDMA with P2P memory on and off")
    .argument("[scenario]", "scenario YAML file (default: the seed's system)")
    .addOption(new Option("--p2p <mode>", "on, off or compare").choices(["on", "off", "compare"]).default("compare"))
    .option("--kernel <mode>", "kernel semantics: 4.20 or 6.12", "6.12")
    .option("--seed <n>", "seed of every random choice", "1")
    .option("--json", "machine output")
    .action(async (file: string | undefined, opts: { p2p: "on" | "off" | "compare"; kernel: string; seed: string; json?: boolean }) => {
      const kernel = parseKernelMode(opts.kernel);
      if (kernel === null) throw new CliError(`unknown kernel mode ${opts.kernel}`, 2);
      const seed = Number(opts.seed);
      if (!Number.isSafeInteger(seed)) throw new CliError(`--seed must be an integer`, 2);
      let s = DEFAULT_SCENARIO;
      let baseDir: string | undefined;
      if (file) {
        const p = resolvePath(io, file);
        s = parseScenario(readFileSync(p, "utf8"), file);
        baseDir = p.slice(0, p.lastIndexOf("/"));
      }
      const runs = await runScenario(io, s, { p2p: opts.p2p, kernel, seed }, baseDir);
      if (opts.json) printJson(io, { scenario: s, runs });
      else io.out(renderRuns(runs));
    });
}
