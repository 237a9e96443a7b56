/**
 * A guest scenario: ordered steps against the real kernel (read or write a sysfs/configfs
 * file capturing the errno, mkdir/rmdir/symlink in configfs, setpci, the P2P O_DIRECT helper,
 * list a directory, a shell command), each followed by the kernel log lines new since the step
 * before. {@link compileScenario} turns it into the `/scenario.sh` the guest's init sources.
 *
 * Paths and values may name a device the guest only knows at run time:
 * `{{ns BDF NSID}}` is the block device of a namespace (`/dev/nvme1n1`), `{{ctrl BDF}}` the
 * NVMe controller name (`nvme1`).
 */
import { KernelRunError } from "./errors";
import { MARK } from "./guest-init";

/** What the p2pkt helper does with a `p2pmem/allocate` mapping. */
export const P2PIO_MODES = ["map", "private", "write", "read", "roundtrip"] as const;
/** A p2pio mode. */
export type P2pIoMode = (typeof P2PIO_MODES)[number];

interface StepBase {
  /** Free text carried into the record. */
  readonly note?: string;
}

/** Read a file; value = its bytes, or errno. */
export interface ReadStep extends StepBase {
  readonly op: "read";
  readonly path: string;
}
/** One write(2) of exactly `value` (no newline added); errno on failure. */
export interface WriteStep extends StepBase {
  readonly op: "write";
  readonly path: string;
  readonly value: string;
}
/** mkdir, rmdir or list a directory (value = names in readdir order, one a line). */
export interface DirStep extends StepBase {
  readonly op: "mkdir" | "rmdir" | "ls";
  readonly path: string;
}
/** symlink(target, path) (nvmet port -> subsystem links). */
export interface SymlinkStep extends StepBase {
  readonly op: "symlink";
  readonly target: string;
  readonly path: string;
}
/** `setpci -s BDF REG[=VALUE]`; value = the register read back (hex). */
export interface SetpciStep extends StepBase {
  readonly op: "setpci";
  readonly bdf: string;
  /** `ECAP_ACS+6.w` (ACS control), `CAP_EXP+8.w`, ... */
  readonly reg: string;
  /** `VALUE[:MASK]` in hex, e.g. `0004:0004` sets ACS RR only. */
  readonly value?: string;
}
/** mmap `p2pmem/allocate` of a provider, then map/private/write/read/roundtrip. */
export interface P2pIoStep extends StepBase {
  readonly op: "p2pio";
  readonly provider: string;
  readonly length: number;
  readonly mode: P2pIoMode;
  /** Block device for I/O modes: a path or a placeholder (`{{ns 0000:03:00.0 1}}`). */
  readonly device?: string;
  readonly offset?: number;
}
/** A shell command; value = stdout+stderr, exitCode its status. */
export interface ShellStep extends StepBase {
  readonly op: "shell";
  readonly command: string;
}

/** One step of a scenario. */
export type ScenarioStep = ReadStep | WriteStep | DirStep | SymlinkStep | SetpciStep | P2pIoStep | ShellStep;

/** A scenario: its steps, run in order in one boot. */
export interface Scenario {
  readonly name?: string;
  readonly steps: readonly ScenarioStep[];
}

const BDF_RE = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
const PLACEHOLDER_RE = /\{\{\s*(ns|ctrl)\s+([^}]*?)\s*\}\}/g;

function bad(msg: string): never {
  throw new KernelRunError("BAD_SCENARIO", msg);
}

/** Single-quotes a literal for sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A shell command with its placeholders replaced by command substitutions (unquoted). */
export function expandShell(command: string): string {
  return command.replace(PLACEHOLDER_RE, (whole, kind: string, argText: string) => {
    const args = argText.split(/\s+/);
    const bdf = args[0] ?? "";
    if (!BDF_RE.test(bdf)) bad(`placeholder ${whole}: ${JSON.stringify(bdf)} is not a domain:bus:slot.function BDF`);
    return kind === "ns" ? `$(nsdev ${bdf} ${args[1] ?? "1"})` : `$(nvmectrl ${bdf})`;
  });
}

/** A shell word for `text` with its placeholders expanded at run time. */
export function shellWord(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER_RE)) {
    const idx = m.index;
    if (idx > last) out += shq(text.slice(last, idx));
    const args = (m[2] ?? "").split(/\s+/);
    const bdf = args[0] ?? "";
    if (!BDF_RE.test(bdf)) bad(`placeholder ${m[0]}: ${JSON.stringify(bdf)} is not a domain:bus:slot.function BDF`);
    if (m[1] === "ns") {
      const nsid = args[1] ?? "1";
      if (!/^\d+$/.test(nsid) || args.length > 2) bad(`placeholder ${m[0]}: expected {{ns BDF NSID}}`);
      out += `"$(nsdev ${bdf} ${nsid})"`;
    } else {
      if (args.length > 1) bad(`placeholder ${m[0]}: expected {{ctrl BDF}}`);
      out += `"$(nvmectrl ${bdf})"`;
    }
    last = idx + m[0].length;
  }
  if (last < text.length || out === "") out += shq(text.slice(last));
  return out;
}

function stepCommand(step: ScenarioStep): string {
  const capture = (cmd: string): string => `${cmd} > /tmp/out 2>&1; rc=$?; p2pkt read /tmp/out; echo "${MARK} RC $rc"`;
  switch (step.op) {
    case "read":
    case "mkdir":
    case "rmdir":
    case "ls":
      return `p2pkt ${step.op} ${shellWord(step.path)}`;
    case "write":
      return `p2pkt writes ${shellWord(step.path)} ${shellWord(step.value)}`;
    case "symlink":
      return `p2pkt symlink ${shellWord(step.target)} ${shellWord(step.path)}`;
    case "setpci": {
      if (!BDF_RE.test(step.bdf)) bad(`setpci: ${JSON.stringify(step.bdf)} is not a BDF`);
      if (!/^[A-Za-z0-9_+.]+$/.test(step.reg)) bad(`setpci: bad register ${JSON.stringify(step.reg)}`);
      if (step.value !== undefined && !/^[0-9a-fA-F]+(:[0-9a-fA-F]+)?$/.test(step.value)) bad(`setpci: bad value ${JSON.stringify(step.value)}`);
      const read = `setpci -s ${step.bdf} ${step.reg}`;
      return capture(step.value === undefined ? read : `{ setpci -s ${step.bdf} ${step.reg}=${step.value} && ${read}; }`);
    }
    case "p2pio": {
      if (!BDF_RE.test(step.provider)) bad(`p2pio: ${JSON.stringify(step.provider)} is not a BDF`);
      if (!Number.isSafeInteger(step.length) || step.length <= 0) bad(`p2pio: bad length ${step.length}`);
      if (!(P2PIO_MODES as readonly string[]).includes(step.mode)) bad(`p2pio: mode must be one of ${P2PIO_MODES.join(", ")}`);
      const io = step.mode !== "map" && step.mode !== "private";
      if (io && step.device === undefined) bad(`p2pio ${step.mode}: needs a device`);
      const dev = step.device !== undefined ? ` ${shellWord(step.device)} ${step.offset ?? 0}` : "";
      return `p2pkt p2pio ${step.provider} ${step.length} ${step.mode}${dev}`;
    }
    case "shell":
      return capture(`{ ${expandShell(step.command)}\n}`);
    default:
      return bad(`unknown step op ${JSON.stringify((step as { op?: unknown }).op)}`);
  }
}

/** The `/scenario.sh` for a scenario on a machine with `expectNamespaces` namespaces. */
export function compileScenario(scenario: Scenario, expectNamespaces: number): string {
  const lines = [`EXPECT_NAMESPACES=${expectNamespaces}`, "scenario() {"];
  scenario.steps.forEach((step, i) => {
    lines.push(`echo "${MARK} STEP ${i}"`, stepCommand(step), `step_dmesg ${i}`);
  });
  lines.push(":", "}", "");
  return lines.join("\n");
}

/** Validates untrusted scenario data (a JSON or YAML file) and returns it typed. */
export function parseScenario(data: unknown, source: string): Scenario {
  const obj = Array.isArray(data) ? { steps: data } : data;
  if (typeof obj !== "object" || obj === null || !Array.isArray((obj as { steps?: unknown }).steps)) {
    bad(`${source}: expected { steps: [...] } or a list of steps`);
  }
  const raw = obj as { name?: unknown; steps: unknown[] };
  const steps = raw.steps.map((s, i) => {
    if (typeof s !== "object" || s === null) bad(`${source}: step ${i} is not an object`);
    const step = s as ScenarioStep;
    const str = (k: string): void => {
      if (typeof (s as Record<string, unknown>)[k] !== "string") bad(`${source}: step ${i} (${step.op}): "${k}" must be a string`);
    };
    switch (step.op) {
      case "read":
      case "mkdir":
      case "rmdir":
      case "ls":
        str("path");
        break;
      case "write":
        str("path");
        str("value");
        break;
      case "symlink":
        str("path");
        str("target");
        break;
      case "setpci":
        str("bdf");
        str("reg");
        break;
      case "p2pio":
        str("provider");
        str("mode");
        break;
      case "shell":
        str("command");
        break;
      default:
        bad(`${source}: step ${i}: unknown op ${JSON.stringify((s as { op?: unknown }).op)}`);
    }
    stepCommand(step);
    return step;
  });
  return typeof raw.name === "string" ? { name: raw.name, steps } : { steps };
}
