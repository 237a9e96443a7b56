/**
 * `pnpm bench`: runs every package's benchmarks (packages/<pkg>/bench/index.ts exporting
 * `run()`) in one process and prints one JSON document. Benchmarks use the wall clock;
 * tests never do.
 */
import { existsSync, readdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "..");
const only = process.argv.slice(2);
const results: Record<string, unknown> = {};
for (const pkg of readdirSync(join(root, "packages")).sort()) {
  if (only.length > 0 && !only.includes(pkg)) continue;
  const entry = join(root, "packages", pkg, "bench", "index.ts");
  if (!existsSync(entry)) continue;
  const mod = (await import(pathToFileURL(entry).href)) as { run?: () => Promise<unknown> };
  if (typeof mod.run !== "function") continue;
  process.stderr.write(`bench: ${pkg}...\n`);
  results[pkg] = await mod.run();
}
const doc = {
  date: new Date().toISOString(),
  machine: { node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
  results,
};
process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
