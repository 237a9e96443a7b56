/**
 * `p2pdma kernel run`: boot a topology on a real kernel under QEMU and print what the kernel
 * did (the record of kernel/record.ts). `qemuExport` is `topo export --format qemu`: the QEMU
 * 7.2 command line of a topology, with its sparse namespace files.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { TopologySpec } from "@p2pdma/pci-core";
import { parseTopology, readSample, sampleNames } from "@p2pdma/pci-core";
import type { CliIo } from "../io";
import { CliError, printJson, resolvePath } from "../io";
import { withModel } from "../kernel/compare";
import { KernelRunError } from "../kernel/errors";
import type { QemuConversion } from "../kernel/from-topology";
import { qemuMachineFromTopology } from "../kernel/from-topology";
import { runGuest } from "../kernel/guest-runner";
import type { MachineLayout, QemuCpu } from "../kernel/machine";
import { layoutMachine } from "../kernel/machine";
import { createBackingFiles, qemuCommand, shellQuote } from "../kernel/qemu-cmdline";
import type { KernelRecord } from "../kernel/record";
import type { Scenario, ScenarioStep } from "../kernel/scenario";
import { parseScenario } from "../kernel/scenario";
import { cmbReads, p2pmemReads } from "../kernel/steps";

/** Maps `--cpu` to the QEMU CPU model that has the same 6.12 host-bridge rule. */
export function qemuCpuOf(text: string): QemuCpu {
  const m = /^amd:(0x[0-9a-f]+|\d+)$/i.exec(text.trim());
  const family = m ? Number(m[1]!.toLowerCase().startsWith("0x") ? Number.parseInt(m[1]!, 16) : Number.parseInt(m[1]!, 10)) : NaN;
  if (family === 0x17) return "EPYC";
  if (family === 0xf) return "qemu64";
  throw new CliError(`--cpu ${JSON.stringify(text)}: QEMU offers amd:0x17 (-cpu EPYC) or amd:0xf (-cpu qemu64)`, 2);
}

/** Reads a topology file (or `sample:NAME`) as a spec; captures are not convertible. */
export function readTopologySpec(io: CliIo, input: string): TopologySpec {
  if (input.startsWith("sample:")) {
    const text = readSample(input.slice(7));
    if (text === null) throw new CliError(`no bundled sample ${JSON.stringify(input.slice(7))} (have: ${sampleNames().join(", ")})`);
    return parseTopology(text, `${input.slice(7)}.yaml`);
  }
  let text: string;
  try {
    text = readFileSync(resolvePath(io, input), "utf8");
  } catch {
    throw new CliError(`${input}: no such file or directory`);
  }
  return parseTopology(text, input);
}

function convert(io: CliIo, topology: string, cpu: string | undefined, drop: boolean): QemuConversion {
  try {
    return qemuMachineFromTopology(readTopologySpec(io, topology), {
      dropUnsupported: drop,
      ...(cpu !== undefined ? { cpu: qemuCpuOf(cpu) } : {}),
    });
  } catch (e) {
    if (e instanceof KernelRunError) throw new CliError(e.message);
    throw e;
  }
}

/** The scenario run when none is given: p2pmem/ and CMB attributes of every NVMe, the tree. */
export function defaultScenario(layout: MachineLayout): Scenario {
  const steps: ScenarioStep[] = [{ op: "shell", command: "lspci -tv", note: "the tree the kernel enumerated" }];
  for (const { bdf } of layout.nvme) steps.push(...p2pmemReads(bdf), ...cmbReads(bdf));
  return { name: "default", steps };
}

function describeRecord(record: KernelRecord): string {
  const out: string[] = [];
  for (const s of record.steps) {
    const st = s.step;
    const what =
      st.op === "write" ? `write ${JSON.stringify(st.value)} > ${st.path}`
      : st.op === "symlink" ? `symlink ${st.target} ${st.path}`
      : st.op === "setpci" ? `setpci -s ${st.bdf} ${st.reg}${st.value !== undefined ? `=${st.value}` : ""}`
      : st.op === "p2pio" ? `p2pio ${st.provider} ${st.length} ${st.mode}${st.device !== undefined ? ` ${st.device}` : ""}`
      : st.op === "shell" ? `sh: ${st.command}`
      : `${st.op} ${st.path}`;
    const result = s.errno !== undefined ? `-> ${s.errno}` : s.value !== undefined ? `-> ${JSON.stringify(s.value.length > 200 ? `${s.value.slice(0, 200)}...` : s.value)}` : "-> ok";
    out.push(`[${s.index}] ${what} ${result}${s.exitCode ? ` (exit ${s.exitCode})` : ""}`);
    for (const l of s.dmesg) out.push(`      dmesg: ${l}`);
  }
  return `${out.join("\n")}\n`;
}

interface RunOpts {
  topology: string;
  kernel: string;
  modules: string;
  cpu?: string;
  scenario?: string;
  json?: boolean;
  dropUnsupported?: boolean;
  timeout: string;
  keep?: boolean;
}

/** Registers `kernel run`. */
export function registerKernel(program: Command, io: CliIo): void {
  const kernel = program.command("kernel").description("ask a real Linux kernel under QEMU");
  kernel
    .command("run")
    .description("boot the topology on a real kernel (QEMU 7.2, TCG) and print what the kernel did")
    .requiredOption("--topology <file>", "topology file (YAML/JSON) or sample:NAME")
    .requiredOption("--kernel <bzImage>", "kernel image built with CONFIG_PCI_P2PDMA")
    .requiredOption("--modules <tarball>", "modules.tar.gz holding lib/modules/<release>/ (nvme, nvmet, nvme-loop, configfs)")
    .option("--cpu <vendor:family>", "amd:0x17 (-cpu EPYC) or amd:0xf (-cpu qemu64); default from the topology")
    .option("--scenario <file>", "JSON scenario ({ steps: [...] }); default: sysfs p2pmem/ and cmb of every NVMe")
    .option("--drop-unsupported", "leave out parts QEMU cannot express instead of failing")
    .option("--timeout <seconds>", "kill QEMU after this long", "240")
    .option("--keep", "keep the run directory (console.log, results.log)")
    .option("--json", "print the record as JSON")
    .action(async (opts: RunOpts) => {
      const conv = convert(io, opts.topology, opts.cpu, opts.dropUnsupported === true);
      const layout = layoutMachine(conv.machine);
      let scenario = defaultScenario(layout);
      if (opts.scenario !== undefined) {
        let data: unknown;
        try {
          data = JSON.parse(readFileSync(resolvePath(io, opts.scenario), "utf8"));
        } catch (e) {
          throw new CliError(`${opts.scenario}: not a readable JSON scenario (${e instanceof Error ? e.message : String(e)})`);
        }
        try {
          scenario = parseScenario(data, opts.scenario);
        } catch (e) {
          if (e instanceof KernelRunError) throw new CliError(e.message, 2);
          throw e;
        }
      }
      let result;
      try {
        result = await runGuest({
          machine: conv.machine,
          scenario,
          kernel: resolvePath(io, opts.kernel),
          modules: resolvePath(io, opts.modules),
          timeoutMs: Number(opts.timeout) * 1000,
          keepRunDir: opts.keep === true,
        });
      } catch (e) {
        if (e instanceof KernelRunError) {
          throw new CliError(`${e.message}${e.console ? `\n--- console tail ---\n${e.console}` : ""}`);
        }
        throw e;
      }
      // The model's record of the same scenario, and every difference, step by step.
      const cmp = await withModel(result.record, conv.machine, scenario);
      if (opts.json) {
        printJson(io, {
          machine: conv.machine,
          layout,
          unsupported: conv.unsupported,
          notes: conv.notes,
          kernelRelease: result.kernelRelease,
          seconds: result.seconds,
          qemu: result.qemuArgv,
          ...(result.runDir !== undefined ? { runDir: result.runDir } : {}),
          kernel: result.record,
          model: cmp.model,
          differences: cmp.comparison.differences,
          notCompared: cmp.comparison.gaps,
        });
        return;
      }
      for (const u of conv.unsupported) io.out(`dropped: ${u}\n`);
      io.out(`Linux ${result.kernelRelease}, -cpu ${conv.machine.cpu}, ${result.seconds.toFixed(1)} s\n`);
      io.out(describeRecord(result.record));
      io.out(cmp.text);
      if (result.runDir !== undefined) io.out(`run directory: ${result.runDir}\n`);
    });
}

/** The text of `topo export --format qemu`: notes as comments, then the command line. */
export function qemuExportText(conv: QemuConversion, argv: readonly string[], diskDir: string): string {
  const lines = [`# QEMU 7.2 q35 machine (-cpu ${conv.machine.cpu}); namespaces are sparse files in ${diskDir}`];
  for (const u of conv.unsupported) lines.push(`# dropped (QEMU cannot express it): ${u}`);
  for (const n of conv.notes) lines.push(`# note: ${n}`);
  for (const b of layoutMachine(conv.machine).nvme) lines.push(`# ${b.bdf} ${b.nvme.label ?? "nvme"}${b.nvme.cmbMiB !== undefined ? ` CMB ${b.nvme.cmbMiB} MiB` : ""}`);
  const parts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    parts.push(a.startsWith("-") && i + 1 < argv.length && !argv[i + 1]!.startsWith("-") ? `${a} ${shellQuote([argv[++i]!])}` : shellQuote([a]));
  }
  lines.push(parts.join(" \\\n  "));
  return `${lines.join("\n")}\n`;
}

/** Options of `topo export --format qemu`. */
export interface QemuExportOptions {
  readonly topology: string;
  readonly cpu?: string;
  readonly dropUnsupported?: boolean;
  readonly diskDir: string;
  readonly kernel: string;
  readonly initrd: string;
  readonly json?: boolean;
}

/**
 * `topo export --format qemu`: the QEMU 7.2 command line of a topology file, creating the
 * namespaces' sparse backing files; parts QEMU cannot express are refused or, with
 * `dropUnsupported`, listed and left out.
 */
export function qemuExport(io: CliIo, opts: QemuExportOptions): void {
  const conv = convert(io, opts.topology, opts.cpu, opts.dropUnsupported === true);
  const diskDir = resolvePath(io, opts.diskDir);
  const cmd = qemuCommand(conv.machine, {
    kernel: opts.kernel,
    initrd: opts.initrd,
    diskDir,
    consoleLog: "-",
    resultsLog: resolve(diskDir, "results.log"),
  });
  createBackingFiles(cmd.backingFiles);
  if (opts.json) {
    printJson(io, { machine: conv.machine, layout: layoutMachine(conv.machine), unsupported: conv.unsupported, notes: conv.notes, argv: cmd.argv });
  } else io.out(qemuExportText(conv, cmd.argv, diskDir));
}
