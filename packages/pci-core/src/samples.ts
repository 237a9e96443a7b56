/**
 * The bundled sample topologies (packages/pci-core/samples/*.yaml), shipped with the package.
 * `reference` is the seed's system.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Directory holding the samples, both from source (src/) and from the build (dist/). */
export const SAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "samples");

/** Names of the bundled samples (file names without `.yaml`). */
export function sampleNames(): string[] {
  if (!existsSync(SAMPLES_DIR)) return [];
  return readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Path of a bundled sample, or null when there is none of that name. */
export function samplePath(name: string): string | null {
  const p = join(SAMPLES_DIR, `${name}.yaml`);
  return existsSync(p) ? p : null;
}

/** Text of a bundled sample. */
export function readSample(name: string): string | null {
  const p = samplePath(name);
  return p === null ? null : readFileSync(p, "utf8");
}
