/**
 * Where the kernel tests find the real kernel and what they need installed. A missing piece
 * makes the suite skip with one line naming it (never pass).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { missingTools } from "../../src/kernel/host-tools";

const HERE = dirname(fileURLToPath(import.meta.url));

/** The golden records. */
export const GOLDEN_DIR = resolve(HERE, "golden");

/** The kernel image and modules (`P2PDMA_KERNEL_DIR`, default /work/shared/kernel or ../shared/kernel). */
export function kernelFiles(): { kernel: string; modules: string } | null {
  const dirs = [process.env["P2PDMA_KERNEL_DIR"], resolve(HERE, "../../../../../shared/kernel"), "/work/shared/kernel"];
  for (const d of dirs) {
    if (d === undefined) continue;
    const kernel = join(d, "bzImage");
    const modules = join(d, "modules.tar.gz");
    if (existsSync(kernel) && existsSync(modules)) return { kernel, modules };
  }
  return null;
}

/** Why the kernel suite cannot run here, or null when it can. */
export function skipReason(): string | null {
  const missing = missingTools();
  if (missing.length > 0) return `kernel tests skipped: missing ${missing.join(", ")}`;
  if (!kernelFiles()) return "kernel tests skipped: no bzImage/modules.tar.gz (set P2PDMA_KERNEL_DIR)";
  return null;
}

/** The QEMU argv with the run's temporary paths and the kernel's location replaced by names. */
export function redactArgv(argv: readonly string[], files: { kernel: string; modules: string }): string[] {
  return argv.map((a) =>
    a
      .replaceAll(files.kernel, "$KERNEL")
      .replace(/\/\S*?\/runs\/run-[^/,]+/g, "$RUN")
      .replace(/^\S*qemu-system-x86_64$/, "qemu-system-x86_64"),
  );
}
