/**
 * Compares what the model answered with what the real kernel answered, step by step: the value,
 * the errno, the exit status, every detail the guest helper reported, and each kernel log line.
 * Names are keyed by PCI address on both sides first: the kernel numbers its controllers
 * `nvmeN` in probe order (found from `nvme nvmeN: pci function BDF` in the boot log), the model
 * in its own order, so `nvme3` and `nvme3n1` become `nvme[0000:06:00.0]` and
 * `nvme[0000:06:00.0]n1` in log lines and values. Steps the model could not answer (gaps) are
 * listed apart and never count as agreeing.
 */
import type { QemuCpu, QemuMachineSpec } from "./machine";
import type { ModelRecord, RunModelOptions, StepGap } from "./model";
import { runModel } from "./model";
import type { KernelRecord, StepRecord } from "./record";
import type { Scenario } from "./scenario";

/** One difference: where, what, and both sides (undefined = absent on that side). */
export interface Difference {
  /** The step index, or `boot` for the P2PDMA lines of the boot log. */
  readonly step: number | "boot";
  /** `value`, `errno`, `exitCode`, `detail.<key>`, `dmesg[i]`, `boot`. */
  readonly field: string;
  readonly kernel: string | undefined;
  readonly model: string | undefined;
}

/** The comparison of two records. */
export interface Comparison {
  /** Steps compared and equal. */
  readonly agreeing: readonly number[];
  /** Every difference, in step order (boot first). */
  readonly differences: readonly Difference[];
  /** Steps the model could not answer, with the reason. */
  readonly gaps: readonly StepGap[];
  /** Why the boot log was not compared, if it was not. */
  readonly bootGap?: string;
}

const PCI_FUNCTION_RE = /^nvme (nvme\d+): pci function ([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])$/;

/** Controller name -> BDF from a boot log (`nvme nvme0: pci function 0000:03:00.0`). */
export function controllerNames(bootDmesg: readonly string[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const l of bootDmesg) {
    const m = PCI_FUNCTION_RE.exec(l);
    if (m) names[m[1]!] = m[2]!;
  }
  return names;
}

/** Replaces `nvmeN` / `nvmeNnM` / `nvmeNcXnM` with `nvme[BDF]` / `nvme[BDF]nM`. */
export function normaliseNames(text: string, names: Readonly<Record<string, string>>): string {
  return text.replace(/\bnvme(\d+)(?:c\d+)?(n\d+)?\b/g, (whole, n: string, ns: string | undefined) => {
    const bdf = names[`nvme${n}`];
    return bdf === undefined ? whole : `nvme[${bdf}]${ns ?? ""}`;
  });
}

/** Boot-log lines the P2PDMA model answers for (CMB registration, ACS set-up). */
export function isP2pBootLine(line: string): boolean {
  return /peer-to-peer|P2PDMA|pci-p2pdma|failed to register the CMB|Configured ACS/.test(line);
}

function show(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : JSON.stringify(v);
}

function compareStep(k: StepRecord, m: StepRecord, kn: Record<string, string>, mn: Readonly<Record<string, string>>): Difference[] {
  const out: Difference[] = [];
  const step = k.index;
  const norm = (s: string | undefined, names: Readonly<Record<string, string>>): string | undefined => (s === undefined ? s : normaliseNames(s, names));
  const field = (name: string, kv: string | undefined, mv: string | undefined): void => {
    if (kv !== mv) out.push({ step, field: name, kernel: kv, model: mv });
  };
  field("value", norm(k.value, kn), norm(m.value, mn));
  field("errno", k.errno, m.errno);
  field("exitCode", show(k.exitCode), show(m.exitCode));
  const keys = new Set([...Object.keys(k.detail ?? {}), ...Object.keys(m.detail ?? {})]);
  for (const key of [...keys].sort()) field(`detail.${key}`, show(k.detail?.[key]), show(m.detail?.[key]));
  const n = Math.max(k.dmesg.length, m.dmesg.length);
  for (let i = 0; i < n; i++) field(`dmesg[${i}]`, norm(k.dmesg[i], kn), norm(m.dmesg[i], mn));
  return out;
}

function compareBoot(kernel: KernelRecord, model: ModelRecord, kn: Record<string, string>): Difference[] {
  // Probe order is concurrent in the kernel (async probing), so the lines compare as multisets.
  const k = kernel.boot.dmesg.filter(isP2pBootLine).map((l) => normaliseNames(l, kn)).sort();
  const m = model.boot.dmesg.filter(isP2pBootLine).map((l) => normaliseNames(l, model.controllers)).sort();
  const out: Difference[] = [];
  const left = [...m];
  for (const l of k) {
    const i = left.indexOf(l);
    if (i >= 0) left.splice(i, 1);
    else out.push({ step: "boot", field: "boot", kernel: l, model: undefined });
  }
  for (const l of left) out.push({ step: "boot", field: "boot", kernel: undefined, model: l });
  return out;
}

/** Compares a model record with a kernel record of the same scenario. */
export function compareRecords(kernel: KernelRecord, model: ModelRecord): Comparison {
  const kn = controllerNames(kernel.boot.dmesg);
  const gapAt = new Map(model.gaps.map((g) => [g.index, g]));
  const differences: Difference[] = model.bootGap === undefined ? compareBoot(kernel, model, kn) : [];
  const agreeing: number[] = [];
  const byIndex = new Map(model.steps.map((s) => [s.index, s]));
  for (const k of kernel.steps) {
    if (gapAt.has(k.index)) continue;
    const m = byIndex.get(k.index);
    if (!m) {
      differences.push({ step: k.index, field: "step", kernel: "present", model: undefined });
      continue;
    }
    const d = compareStep(k, m, kn, model.controllers);
    if (d.length === 0) agreeing.push(k.index);
    differences.push(...d);
  }
  return { agreeing, differences, gaps: model.gaps, ...(model.bootGap !== undefined ? { bootGap: model.bootGap } : {}) };
}

const q = (s: string | undefined): string => (s === undefined ? "(absent)" : JSON.stringify(s));

/** One line per difference (`[12] errno: kernel "ENODEV", model "EFAULT"`), then the gaps. */
export function formatComparison(c: Comparison): string {
  const lines: string[] = [];
  for (const d of c.differences) lines.push(`[${d.step}] ${d.field}: kernel ${q(d.kernel)}, model ${q(d.model)}`);
  if (c.bootGap !== undefined) lines.push(`[boot] not compared: ${c.bootGap}`);
  for (const g of c.gaps) lines.push(`[${g.index}] not compared: ${g.reason}`);
  const stepsDiffering = new Set(c.differences.map((d) => d.step).filter((s) => s !== "boot")).size;
  lines.push(`${c.agreeing.length} steps agree, ${stepsDiffering} differ, ${c.gaps.length} not compared; ${c.differences.length} differences`);
  return `${lines.join("\n")}\n`;
}

function result(s: StepRecord | undefined): string {
  if (!s) return "(none)";
  const v = s.errno !== undefined ? s.errno : s.value !== undefined ? JSON.stringify(s.value.length > 120 ? `${s.value.slice(0, 120)}...` : s.value) : "ok";
  return `${v}${s.exitCode ? ` (exit ${s.exitCode})` : ""}`;
}

/** The model's answer beside the kernel's, and the differences. */
export interface WithModel {
  readonly model: ModelRecord;
  readonly comparison: Comparison;
  /** Per step: `[i] kernel X | model Y`, the differences, then the summary. */
  readonly text: string;
}

/**
 * Runs `scenario` on the model of `machine` and sets its record beside the kernel's `record`:
 * what `p2pdma kernel run` prints after the kernel's record.
 */
export async function withModel(
  record: KernelRecord,
  machine: QemuMachineSpec,
  scenario: Scenario,
  opts: RunModelOptions & { readonly cpu?: QemuCpu } = {},
): Promise<WithModel> {
  const model = await runModel(machine, scenario, opts);
  const comparison = compareRecords(record, model);
  const byIndex = new Map(model.steps.map((s) => [s.index, s]));
  const gapAt = new Map(model.gaps.map((g) => [g.index, g.reason]));
  const lines = ["kernel | model:"];
  for (const k of record.steps) {
    const gap = gapAt.get(k.index);
    lines.push(`[${k.index}] kernel ${result(k)} | model ${gap !== undefined ? `(not modelled: ${gap})` : result(byIndex.get(k.index))}`);
  }
  lines.push("differences:");
  return { model, comparison, text: `${lines.join("\n")}\n${formatComparison(comparison)}` };
}
