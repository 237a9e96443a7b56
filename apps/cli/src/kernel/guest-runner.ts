/**
 * Boots a {@link QemuMachineSpec} on a real kernel under QEMU (TCG), runs a scenario in the
 * guest and returns the {@link KernelRecord}. One boot runs every step. A guest that does not
 * power off in time is killed (SIGKILL on the QEMU process this started) and reported with the
 * tail of its console.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { KernelRunError } from "./errors";
import { requireTools } from "./host-tools";
import { buildBaseInitramfs, defaultCacheDir, overlayInitrd } from "./initramfs";
import type { MachineLayout, QemuMachineSpec } from "./machine";
import { layoutMachine, namespaceCount } from "./machine";
import { createBackingFiles, qemuCommand } from "./qemu-cmdline";
import type { KernelRecord } from "./record";
import { parseResults } from "./record";
import type { Scenario } from "./scenario";
import { compileScenario } from "./scenario";

/** What to boot and run. */
export interface GuestRunOptions {
  readonly machine: QemuMachineSpec;
  readonly scenario: Scenario;
  /** The kernel image (bzImage). */
  readonly kernel: string;
  /** The modules tarball. */
  readonly modules: string;
  /** Kill QEMU after this long; default 240 s. */
  readonly timeoutMs?: number;
  /** Cache directory for initramfs images (default {@link defaultCacheDir}). */
  readonly cacheDir?: string;
  /** Keep the run directory (console log, backing files) for inspection. */
  readonly keepRunDir?: boolean;
}

/** The record with what was run and how long it took. */
export interface GuestRunResult {
  readonly record: KernelRecord;
  readonly layout: MachineLayout;
  readonly qemuArgv: readonly string[];
  /** Wall time from QEMU start to its exit, in seconds (boot and scenario). */
  readonly seconds: number;
  readonly kernelRelease: string;
  /** Set when keepRunDir was asked for. */
  readonly runDir?: string;
}

const CONSOLE_TAIL = 4000;

function tail(path: string): string {
  if (!existsSync(path)) return "";
  const text = readFileSync(path, "utf8");
  return text.slice(-CONSOLE_TAIL);
}

/** Boots the machine, runs the scenario, returns the record. */
export async function runGuest(opts: GuestRunOptions): Promise<GuestRunResult> {
  const { qemu } = requireTools(["qemu"]);
  for (const [what, p] of [["kernel image", opts.kernel], ["modules tarball", opts.modules]] as const) {
    if (!existsSync(p)) throw new KernelRunError("MISSING_TOOL", `${what} ${p} not found`);
  }
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const base = buildBaseInitramfs({ modules: opts.modules, cacheDir });
  mkdirSync(join(cacheDir, "runs"), { recursive: true });
  const runDir = mkdtempSync(join(cacheDir, "runs", "run-"));
  try {
    const initrd = join(runDir, "initrd.cpio.gz");
    overlayInitrd(base.path, { "scenario.sh": compileScenario(opts.scenario, namespaceCount(opts.machine)) }, initrd);
    const paths = {
      kernel: opts.kernel,
      initrd,
      diskDir: join(runDir, "disks"),
      consoleLog: join(runDir, "console.log"),
      resultsLog: join(runDir, "results.log"),
    };
    const cmd = qemuCommand(opts.machine, paths, qemu);
    createBackingFiles(cmd.backingFiles);
    const started = Date.now();
    await runQemu(cmd.argv, opts.timeoutMs ?? 240_000, paths.consoleLog);
    const seconds = (Date.now() - started) / 1000;
    let record: KernelRecord;
    try {
      record = parseResults(existsSync(paths.resultsLog) ? readFileSync(paths.resultsLog, "utf8") : "", opts.scenario.steps);
    } catch (e) {
      if (e instanceof KernelRunError) throw new KernelRunError(e.code, e.message, tail(paths.consoleLog));
      throw e;
    }
    return {
      record,
      layout: layoutMachine(opts.machine),
      qemuArgv: cmd.argv,
      seconds,
      kernelRelease: base.release,
      ...(opts.keepRunDir ? { runDir } : {}),
    };
  } finally {
    if (!opts.keepRunDir) rmSync(runDir, { recursive: true, force: true });
  }
}

function runQemu(argv: readonly string[], timeoutMs: number, consoleLog: string): Promise<void> {
  const [prog, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(prog!, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-CONSOLE_TAIL);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new KernelRunError("QEMU_FAILED", `cannot start ${prog}: ${e.message}`));
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new KernelRunError("BOOT_TIMEOUT", `the guest did not power off within ${Math.round(timeoutMs / 1000)} s; QEMU killed`, tail(consoleLog)),
        );
      } else if (code !== 0) {
        reject(new KernelRunError("QEMU_FAILED", `QEMU exited with ${code ?? signal}: ${stderr.trim()}`, tail(consoleLog)));
      } else resolve();
    });
  });
}
