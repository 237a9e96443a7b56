/**
 * The QEMU 7.2 command line of a {@link QemuMachineSpec}: `-machine q35 -accel tcg`, one
 * `pcie-root-port` per root port (ACS unless `disable-acs=on`), `x3130-upstream` and
 * `xio3130-downstream` for switches, `nvme` controllers (`cmb_size_mb`, `legacy-cmb`) with one
 * `nvme-ns` per namespace over a raw sparse file, two serial ports (kernel console, results).
 */
import { closeSync, mkdirSync, openSync, ftruncateSync } from "node:fs";
import { join } from "node:path";
import { KernelRunError } from "./errors";
import type { QemuMachineSpec, QemuNvme } from "./machine";
import { devicesBelow } from "./machine";

/** Where the run's files go. */
export interface QemuPaths {
  readonly kernel: string;
  readonly initrd: string;
  /** Directory for the namespaces' backing files. */
  readonly diskDir: string;
  /** Serial port 0: the kernel console (`-` = the terminal, `mon:stdio`). */
  readonly consoleLog: string;
  /** Serial port 1: the scenario's results. */
  readonly resultsLog: string;
}

/** A namespace backing file to create before boot. */
export interface BackingFile {
  readonly path: string;
  readonly size: bigint;
}

/** The command line and the files it needs. */
export interface QemuCommand {
  readonly argv: readonly string[];
  readonly backingFiles: readonly BackingFile[];
  /** The kernel command line given with `-append`. */
  readonly append: string;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, "0");

/** Checks what QEMU would reject (or abort on) before it is started. Throws `BAD_MACHINE`. */
export function validateMachine(spec: QemuMachineSpec): void {
  const bad = (msg: string): never => {
    throw new KernelRunError("BAD_MACHINE", msg);
  };
  const seen = new Set<string>();
  for (const rp of spec.rootPorts) {
    if (!Number.isInteger(rp.slot) || rp.slot < 1 || rp.slot > 0x1e) bad(`root port slot ${rp.slot}: q35 root ports go in slots 1..0x1e`);
    const fn = rp.function ?? 0;
    if (fn < 0 || fn > 7) bad(`root port ${hex2(rp.slot)}.${fn}: function must be 0..7`);
    const key = `${rp.slot}.${fn}`;
    if (seen.has(key)) bad(`two root ports at 00:${hex2(rp.slot)}.${fn}`);
    seen.add(key);
    const below = rp.below;
    if (below !== undefined && "kind" in below) {
      const slots = new Set<number>();
      below.downstream.forEach((dp, i) => {
        const s = dp.slot ?? i;
        if (s < 0 || s > 31 || slots.has(s)) bad(`switch below root port 00:${hex2(rp.slot)}: bad or duplicate downstream slot ${s}`);
        slots.add(s);
        checkFunctions(dp.functions, `downstream port ${s}`, bad);
      });
    } else {
      checkFunctions(devicesBelow(rp), `root port 00:${hex2(rp.slot)}.${fn}`, bad);
    }
  }
  for (const rp of spec.rootPorts) {
    if ((rp.function ?? 0) !== 0 && !seen.has(`${rp.slot}.0`)) bad(`root port 00:${hex2(rp.slot)}.${rp.function}: function 0 of that slot is missing`);
  }
}

function checkFunctions(fns: readonly QemuNvme[], where: string, bad: (m: string) => never): void {
  const used = new Set<number>();
  fns.forEach((f, j) => {
    const fn = f.function ?? j;
    if (fn < 0 || fn > 7 || used.has(fn)) bad(`${where}: bad or duplicate function ${fn}`);
    used.add(fn);
    if (f.cmbMiB !== undefined && (!Number.isInteger(f.cmbMiB) || f.cmbMiB < 1 || (f.cmbMiB & (f.cmbMiB - 1)) !== 0)) {
      bad(`${where} function ${fn}: cmb_size_mb ${f.cmbMiB} must be a power of two (QEMU sizes BAR 2 by it)`);
    }
    for (const ns of f.namespaces) {
      if (ns.size <= 0n || ns.size % 4096n !== 0n) bad(`${where} function ${fn}: namespace size ${ns.size} must be a positive multiple of 4096`);
    }
  });
  if (fns.length > 1 && !used.has(0)) bad(`${where}: a multifunction device needs function 0`);
}

/** Builds the QEMU argv (program name first). */
export function qemuCommand(spec: QemuMachineSpec, paths: QemuPaths, qemu = "qemu-system-x86_64"): QemuCommand {
  validateMachine(spec);
  const append = ["console=ttyS0", "panic=-1", ...(spec.kernelArgs ?? [])].join(" ");
  const argv: string[] = [
    qemu,
    "-machine", "q35",
    "-accel", "tcg",
    "-cpu", spec.cpu,
    "-m", String(spec.memoryMiB ?? 2048),
    "-nodefaults",
    "-display", "none",
    "-no-reboot",
    "-serial", paths.consoleLog === "-" ? "mon:stdio" : `file:${paths.consoleLog}`,
    "-serial", `file:${paths.resultsLog}`,
    "-kernel", paths.kernel,
    "-initrd", paths.initrd,
    "-append", append,
  ];
  const files: BackingFile[] = [];
  let chassis = 0;
  let ctrl = 0;
  const addNvme = (fns: readonly QemuNvme[], bus: string): void => {
    fns.forEach((f, j) => {
      const fn = f.function ?? j;
      const id = `nvme${ctrl++}`;
      const props = [`nvme`, `id=${id}`, `serial=p2pdma${id.slice(4)}`, `bus=${bus}`, `addr=00.${fn}`];
      if (fn === 0 && fns.length > 1) props.push("multifunction=on");
      if (f.cmbMiB !== undefined) props.push(`cmb_size_mb=${f.cmbMiB}`);
      if (f.legacyCmb) props.push("legacy-cmb=on");
      argv.push("-device", props.join(","));
      f.namespaces.forEach((ns, k) => {
        const nsid = ns.nsid ?? k + 1;
        const path = join(paths.diskDir, `${id}n${nsid}.raw`);
        files.push({ path, size: ns.size });
        argv.push("-drive", `file=${path},if=none,id=${id}n${nsid},format=raw`);
        argv.push("-device", `nvme-ns,drive=${id}n${nsid},bus=${id},nsid=${nsid}`);
      });
    });
  };
  const slotsWithFunctions = new Set(spec.rootPorts.filter((r) => (r.function ?? 0) !== 0).map((r) => r.slot));
  const ports = [...spec.rootPorts].sort((a, b) => a.slot - b.slot || (a.function ?? 0) - (b.function ?? 0));
  for (const rp of ports) {
    const fn = rp.function ?? 0;
    const id = `rp${hex2(rp.slot)}${fn}`;
    const props = ["pcie-root-port", `id=${id}`, `bus=pcie.0`, `addr=${hex2(rp.slot)}.${fn}`, `chassis=${++chassis}`, "slot=0"];
    if (fn === 0 && slotsWithFunctions.has(rp.slot)) props.push("multifunction=on");
    if (rp.acs === false) props.push("disable-acs=on");
    argv.push("-device", props.join(","));
    const below = rp.below;
    if (below === undefined || !("kind" in below)) {
      addNvme(devicesBelow(rp), id);
      continue;
    }
    // A bus must exist before a device names it: upstream port, then each downstream port
    // followed by its devices.
    const up = `${id}up`;
    argv.push("-device", `x3130-upstream,id=${up},bus=${id},addr=00.0`);
    below.downstream.forEach((dp, i) => {
      const s = dp.slot ?? i;
      const dpId = `${up}dp${hex2(s)}`;
      argv.push("-device", `xio3130-downstream,id=${dpId},bus=${up},addr=${hex2(s)}.0,chassis=${++chassis},slot=0`);
      addNvme(dp.functions, dpId);
    });
  }
  return { argv, backingFiles: files, append };
}

/** Creates the sparse backing files (truncate to size). */
export function createBackingFiles(files: readonly BackingFile[]): void {
  for (const f of files) {
    mkdirSync(join(f.path, ".."), { recursive: true });
    const fd = openSync(f.path, "w");
    try {
      ftruncateSync(fd, Number(f.size));
    } finally {
      closeSync(fd);
    }
  }
}

/** The command line as one shell-quoted string, for people. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./:=,+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}
