/**
 * The structured record of what the real kernel did, and the parser of the guest's results
 * port (protocol of guest-init.ts): `BEGIN`, the boot log between `BOOT` and `ENDBOOT`, then
 * per step `STEP i`, the helper's JSON line (plus `RC n` for commands), `DMESG i`, log lines,
 * `ENDSTEP i`, and finally `END`.
 */
import { KernelRunError } from "./errors";
import { MARK } from "./guest-init";
import type { ScenarioStep } from "./scenario";

/** What one step observed. */
export interface StepRecord {
  readonly index: number;
  readonly step: ScenarioStep;
  /** The file's bytes (read, ls) or a command's output (setpci, shell). */
  readonly value?: string;
  /** The errno name (`ENODEV`) the system call returned. */
  readonly errno?: string;
  /** Exit status of a setpci or shell step. */
  readonly exitCode?: number;
  /** Further facts the helper reported (p2pio: stage, bytes, available before/mapped/after). */
  readonly detail?: Readonly<Record<string, unknown>>;
  /** Kernel log lines new since the previous step, timestamps stripped. */
  readonly dmesg: readonly string[];
}

/** Everything one boot observed. */
export interface KernelRecord {
  readonly steps: readonly StepRecord[];
  readonly boot: { readonly dmesg: readonly string[] };
}

/** Drops the `[    1.234567] ` prefix of a kernel log line. */
export function stripTimestamp(line: string): string {
  return line.replace(/^\[\s*\d+\.\d+\]\s?/, "");
}

/**
 * Parses the results port. Throws `NO_MARKERS` when the guest never began, or stopped before
 * `END` (naming the last step it reached).
 */
export function parseResults(text: string, steps: readonly ScenarioStep[]): KernelRecord {
  const lines = text.replace(/\r/g, "").split("\n");
  const begin = lines.indexOf(`${MARK} BEGIN`);
  if (begin < 0) throw new KernelRunError("NO_MARKERS", "the guest never printed its results (no BEGIN marker)");
  const boot: string[] = [];
  const out: StepRecord[] = [];
  let mode: "none" | "boot" | "step" | "dmesg" = "none";
  let cur: { index: number; json?: Record<string, unknown>; rc?: number; dmesg: string[] } | null = null;
  let ended = false;
  const finish = (): void => {
    if (!cur) return;
    const step = steps[cur.index];
    if (step === undefined) throw new KernelRunError("NO_MARKERS", `results name step ${cur.index}, which the scenario lacks`);
    const { value, errno, ...detail } = cur.json ?? {};
    out.push({
      index: cur.index,
      step,
      ...(typeof value === "string" ? { value } : {}),
      ...(typeof errno === "string" ? { errno } : {}),
      ...(cur.rc !== undefined ? { exitCode: cur.rc } : {}),
      ...(Object.keys(detail).length > 0 ? { detail } : {}),
      dmesg: cur.dmesg,
    });
    cur = null;
  };
  for (const line of lines.slice(begin + 1)) {
    if (line.startsWith(`${MARK} `)) {
      const [word, arg] = line.slice(MARK.length + 1).split(" ");
      if (word === "BOOT") mode = "boot";
      else if (word === "ENDBOOT") mode = "none";
      else if (word === "STEP") {
        finish();
        cur = { index: Number(arg), dmesg: [] };
        mode = "step";
      } else if (word === "RC" && cur) cur.rc = Number(arg);
      else if (word === "DMESG") mode = "dmesg";
      else if (word === "ENDSTEP") {
        finish();
        mode = "none";
      } else if (word === "END") {
        ended = true;
        break;
      }
      continue;
    }
    if (mode === "boot") boot.push(stripTimestamp(line));
    else if (mode === "dmesg" && cur) {
      if (line !== "") cur.dmesg.push(stripTimestamp(line));
    } else if (mode === "step" && cur && cur.json === undefined && line.startsWith("{")) {
      try {
        cur.json = JSON.parse(line) as Record<string, unknown>;
      } catch {
        cur.json = { value: line, unparsed: true };
      }
    }
  }
  finish();
  if (!ended) {
    const last = out.at(-1);
    throw new KernelRunError(
      "NO_MARKERS",
      `the guest stopped before its END marker (after ${last ? `step ${last.index}` : "boot"} of ${steps.length})`,
    );
  }
  return { steps: out, boot: { dmesg: boot.filter((l) => l !== "") } };
}
