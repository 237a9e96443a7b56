/**
 * Regenerates golden/*.json from the real kernel:
 *   node --conditions=@p2pdma/source --import tsx apps/cli/test/kernel/make-goldens.ts [NAME...]
 * (kernel and modules from P2PDMA_KERNEL_DIR, default ../shared/kernel next to the repo).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runGuest } from "../../src/kernel/guest-runner";
import { layoutMachine } from "../../src/kernel/machine";
import { goldenRuns } from "./golden-scenarios";
import { GOLDEN_DIR, kernelFiles, redactArgv } from "./kernel-env";

const COMMAND = "node --conditions=@p2pdma/source --import tsx apps/cli/test/kernel/make-goldens.ts";

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = kernelFiles();
  if (!files) throw new Error("kernel image or modules not found (set P2PDMA_KERNEL_DIR)");
  for (const run of goldenRuns()) {
    if (only.length > 0 && !only.includes(run.name)) continue;
    const r = await runGuest({ machine: run.machine, scenario: run.scenario, kernel: files.kernel, modules: files.modules });
    const golden = {
      origin: `Linux ${r.kernelRelease} (../shared/kernel/bzImage) on QEMU 7.2 q35 TCG, -cpu ${run.machine.cpu}; produced by \`${COMMAND} ${run.name}\``,
      name: run.name,
      machine: run.machine,
      layout: layoutMachine(run.machine),
      qemuArgv: redactArgv(r.qemuArgv, files),
      seconds: r.seconds,
      record: r.record,
    };
    writeFileSync(join(GOLDEN_DIR, `${run.name}.json`), `${JSON.stringify(golden, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
    console.log(`${run.name}: ${r.record.steps.length} steps, ${r.seconds.toFixed(1)} s`);
  }
}

await main();
