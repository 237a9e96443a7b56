/**
 * `p2pdma topo export`: the machine as a Linux sysfs tree (`--format sysfs --out DIR`, readable
 * by `lspci -A linux-sysfs -O sysfs.path=DIR/bus/pci` and by the sysfs importer) or as an
 * `lspci -xxxx` dump on stdout (`--format lspci-x`, readable by `lspci -F`). The machine is
 * loaded and validated completely before anything is written; a refused or failed export
 * leaves nothing behind.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { Option } from "commander";
import { exportLspciDump, exportSysfs } from "@p2pdma/pci-core";
import type { CliIo } from "../io";
import { CliError, printJson, resolvePath } from "../io";
import { loadMachine } from "../load";
import { qemuExport } from "./kernel";

const collect = (value: string, prev: string[]): string[] => [...prev, value];

interface ExportOptions {
  readonly topology: string[];
  readonly format: "sysfs" | "lspci-x" | "qemu";
  readonly out?: string;
  readonly cpu?: string;
  readonly json?: boolean;
  readonly dropUnsupported?: boolean;
  readonly diskDir: string;
  readonly kernel: string;
  readonly initrd: string;
}

/** Registers `topo export` under the `topo` command group. */
export function registerTopoExport(topo: Command, io: CliIo): void {
  topo
    .command("export")
    .description("write the machine as a Linux sysfs tree (--out DIR), an lspci -xxxx dump (stdout), or a QEMU command line")
    .option("--topology <input>", "topology file, lspci capture, sysfs snapshot or hwloc XML (repeatable; sample:NAME for a bundled one)", collect, [])
    .addOption(new Option("--format <format>", "export format").choices(["sysfs", "lspci-x", "qemu"]).makeOptionMandatory())
    .option("--out <path>", "target directory for sysfs (must not exist or be empty); a new file for lspci-x (default: stdout)")
    .option("--cpu <vendor:family>", "the CPU, when the input does not say (amd:0x19, intel:0x6)")
    .option("--json", "print a JSON summary of the export")
    .option("--drop-unsupported", "qemu: leave out parts QEMU cannot express instead of failing")
    .option("--disk-dir <dir>", "qemu: where the namespaces' sparse files are created", "p2pdma-qemu")
    .option("--kernel <bzImage>", "qemu: kernel image named on the command line", "bzImage")
    .option("--initrd <file>", "qemu: initramfs named on the command line", "initramfs.cpio.gz")
    .action(async (opts: ExportOptions) => {
      if (opts.format === "qemu") {
        const [topology, ...rest] = opts.topology;
        if (topology === undefined || rest.length > 0) throw new CliError("--format qemu needs exactly one --topology (a topology file or sample:NAME)", 2);
        return qemuExport(io, { ...opts, topology });
      }
      if (opts.format === "sysfs" && opts.out === undefined) {
        throw new CliError("--format sysfs needs --out DIR (a directory that does not exist or is empty)", 2);
      }
      const { system } = await loadMachine(io, opts.topology, opts.cpu !== undefined ? { cpu: opts.cpu } : {});
      if (opts.format === "lspci-x") {
        const text = exportLspciDump(system);
        if (opts.out === undefined) return void io.out(text);
        const path = resolvePath(io, opts.out);
        try {
          writeFileSync(path, text, { flag: "wx" });
        } catch (e) {
          throw new CliError(`--out ${opts.out}: cannot create the file: ${(e as NodeJS.ErrnoException).code === "EEXIST" ? "it already exists" : (e as Error).message}`);
        }
        return;
      }
      const result = exportSysfs(system, resolvePath(io, opts.out!));
      if (opts.json) printJson(io, result);
      else
        io.out(
          `exported ${result.functions} PCI functions to ${result.root} (${result.files} files, ${result.links} links)\n` +
            `read it with: lspci -A linux-sysfs -O sysfs.path=${result.root}/bus/pci -vvvnn\n`,
        );
    });
}
