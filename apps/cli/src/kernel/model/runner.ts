/**
 * The model side of the differential test: builds the machine QEMU builds (topology.ts), brings
 * up the layers (layers.ts), replays every scenario step against the model and returns a record
 * of the same shape as the real kernel's ({@link KernelRecord}): values, errnos, per-step log
 * lines. A step that needs a layer that has not landed, or a userspace tool the model does not
 * emulate, is recorded as a gap with its reason; gaps are never counted as agreement.
 */
import type { LogLine, PciFunction } from "@p2pdma/pci-core";
import { VirtualClock, buildSystem, errnoName, findExtCapability, mulberry32, pciCapIds, pciePortDriver } from "@p2pdma/pci-core";
import { P2pdma, mmapAllocate, munmapAllocate } from "@p2pdma/p2pdma";
import { MemoryFile, Nvmet, NvmetConfigfs } from "@p2pdma/nvmet";
import type { BackingFile, BlockDevice, NvmetVfs } from "@p2pdma/nvmet";
import type { QemuCpu, QemuMachineSpec } from "../machine";
import { layoutMachine } from "../machine";
import type { KernelRecord, StepRecord } from "../record";
import type { Scenario, ScenarioStep } from "../scenario";
import type { ModelDisk, ModelLayers, ModelMachine, ModelNvmeController } from "./layers";
import { defaultLayers } from "./layers";
import type { MachineTopologyOptions } from "./topology";
import { topologyOfMachine } from "./topology";

/** Options of {@link runModel}. */
export interface RunModelOptions {
  /** The CPU model (default: the machine's). */
  readonly cpu?: QemuCpu;
  /** The layers to use (default {@link defaultLayers}). */
  readonly layers?: ModelLayers;
  /** Deliberate rule changes for tests that prove the comparison catches a wrong model. */
  readonly rules?: MachineTopologyOptions;
  /** Seed of the model's PRNG (nvmet serials, find_many ties). */
  readonly seed?: number;
}

/** A step the model could not answer, and why. */
export interface StepGap {
  readonly index: number;
  /** `layer`: a layer has not landed; `tool`: a userspace tool's own output (lspci) the model does not emulate. */
  readonly kind: "layer" | "tool";
  readonly reason: string;
}

/** The model's record: a {@link KernelRecord} plus its gaps and controller names. */
export interface ModelRecord extends KernelRecord {
  readonly gaps: readonly StepGap[];
  /** Why the boot log cannot be compared (a layer that logs at probe is missing), if so. */
  readonly bootGap?: string;
  /** Controller name -> BDF (`nvme0` -> `0000:03:00.0`), for name normalisation. */
  readonly controllers: Readonly<Record<string, string>>;
}

class Gap {
  constructor(
    readonly reason: string,
    readonly kind: "layer" | "tool" = "layer",
  ) {}
}

/** `dmesg` shows a record whose text holds newlines as one line per part (an empty one after a final `\n`). */
export function dmesgLines(lines: readonly LogLine[]): string[] {
  return lines.flatMap((l) => l.text.split("\n"));
}

const BDF_RE = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
const PLACEHOLDER_RE = /\{\{\s*(ns|ctrl)\s+([^}]*?)\s*\}\}/g;

interface ModelFile {
  size: number;
}

/** The running model machine and the scenario state (files, loop devices). */
class ModelRun {
  readonly m: ModelMachine;
  readonly controllers = new Map<string, ModelNvmeController>();
  readonly files = new Map<string, ModelFile>();
  readonly disks = new Map<string, ModelDisk>();
  readonly configfs: NvmetConfigfs | Gap;
  readonly missing: readonly string[];
  readonly nvmeBdfs: ReadonlySet<string>;

  constructor(
    readonly machine: QemuMachineSpec,
    readonly layers: ModelLayers,
    opts: RunModelOptions,
  ) {
    const built = buildSystem(topologyOfMachine(machine, opts.rules ?? {}));
    // Built into the kernel: portdrv binds every PCIe port at boot ("pcieport <bdf>: ..." lines).
    built.system.registerDriver(pciePortDriver);
    const system = built.system;
    this.m = { system, p2p: P2pdma.of(system, { kernel: "6.12" }) };
    this.missing = layers.missing;
    this.nvmeBdfs = new Set(layoutMachine(machine).nvme.map((n) => n.bdf));
    const attach = layers.attachNvme;
    if (attach) {
      for (const { bdf, nvme } of layoutMachine(machine).nvme) {
        const pdev = system.getDeviceByName(bdf);
        if (!pdev) throw new Error(`model: ${bdf} was not enumerated`);
        this.controllers.set(bdf, attach.call(layers, this.m, pdev, nvme));
      }
      for (const c of this.controllers.values()) for (const d of c.namespaces.values()) this.disks.set(d.path, d);
    }
    const p2p = layers.nvmetP2p?.(this.m);
    if (p2p) {
      const random = mulberry32(opts.seed ?? 1);
      this.configfs = new NvmetConfigfs(new Nvmet({ kernel: "6.12", log: system.log, clock: new VirtualClock(), random, p2p, vfs: this.vfs() }));
    } else {
      this.configfs = new Gap(this.missingLayer("nvmet"));
    }
  }

  missingLayer(prefix: string): string {
    return this.missing.find((m) => m.startsWith(prefix)) ?? `${prefix} layer missing`;
  }

  private vfs(): NvmetVfs {
    return {
      openBlock: (path: string): BlockDevice | number => this.disks.get(path) ?? (this.files.has(path) ? -15 : -2),
      openFile: (path: string): BackingFile | number => {
        const f = this.files.get(path);
        return f ? new MemoryFile(f.size) : -2;
      },
    };
  }

  controller(bdf: string): ModelNvmeController {
    const c = this.controllers.get(bdf);
    if (c) return c;
    if (!this.layers.attachNvme) throw new Gap(this.missingLayer("nvme-pci"));
    throw new Gap(`no NVMe controller at ${bdf} in this machine`);
  }

  /** Replaces `{{ns BDF NSID}}` and `{{ctrl BDF}}` with the model's names. */
  expand(text: string): string {
    return text.replace(PLACEHOLDER_RE, (whole, kind: string, argText: string) => {
      const [bdf = "", nsid = "1"] = argText.split(/\s+/);
      if (!BDF_RE.test(bdf)) throw new Gap(`bad placeholder ${whole}`);
      const c = this.controllers.get(bdf);
      if (!c) {
        if (!this.layers.attachNvme) throw new Gap(this.missingLayer("nvme-pci"));
        return kind === "ns" ? "/dev/none" : "none";
      }
      if (kind === "ctrl") return c.name;
      return c.namespaces.get(Number(nsid))?.path ?? "/dev/none";
    });
  }
}

type Outcome = Omit<StepRecord, "index" | "step" | "dmesg">;

const errno = (ret: number): string => errnoName(-ret);

const NVME_SYSFS_RE = /^\/sys\/(?:bus\/pci\/devices\/([0-9a-f:.]+)\/|class\/nvme\/)/;

/** The sysfs path under the model's root, or null; a gap when it is the NVMe driver's to create. */
function sysfsPath(run: ModelRun, path: string): string | null {
  if (!path.startsWith("/sys/") || path.startsWith("/sys/kernel/config/")) return null;
  const m = NVME_SYSFS_RE.exec(path);
  if (m && !run.layers.attachNvme && (m[1] === undefined || run.nvmeBdfs.has(m[1]))) throw new Gap(run.missingLayer("nvme-pci"));
  return path.slice(4);
}

function configfs(run: ModelRun): NvmetConfigfs {
  if (run.configfs instanceof Gap) throw run.configfs;
  return run.configfs;
}

function readStep(run: ModelRun, rawPath: string): Outcome {
  const path = run.expand(rawPath);
  const sp = sysfsPath(run, path);
  let r: string | Uint8Array | number;
  if (sp !== null) r = run.m.system.sysfs.read(sp);
  else if (path.startsWith("/sys/kernel/config/")) r = configfs(run).read(path);
  else throw new Gap(`read of ${path}: not a sysfs or configfs file`);
  if (typeof r === "number") return { errno: errno(r) };
  return { value: typeof r === "string" ? r : new TextDecoder("latin1").decode(r) };
}

function writeStep(run: ModelRun, rawPath: string, rawValue: string): Outcome {
  const path = run.expand(rawPath);
  const value = run.expand(rawValue);
  const sp = sysfsPath(run, path);
  let r: number;
  if (sp !== null) r = run.m.system.sysfs.write(sp, value);
  else if (path.startsWith("/sys/kernel/config/")) r = configfs(run).write(path, value);
  else throw new Gap(`write of ${path}: not a sysfs or configfs file`);
  return r < 0 ? { errno: errno(r), detail: { written: -1 } } : { detail: { written: r } };
}

function lsStep(run: ModelRun, rawPath: string): Outcome {
  const path = run.expand(rawPath);
  const sp = sysfsPath(run, path);
  let names: readonly string[] | number;
  if (sp !== null) names = run.m.system.sysfs.list(sp) ?? (run.m.system.sysfs.lookup(sp) ? -20 : -2);
  else if (path.startsWith("/sys/kernel/config/")) names = configfs(run).ls(path);
  else throw new Gap(`ls of ${path}: not a sysfs or configfs directory`);
  if (typeof names === "number") return { errno: errno(names) };
  return { value: names.map((n) => `${n}\n`).join("") };
}

function dirStep(run: ModelRun, op: "mkdir" | "rmdir", rawPath: string): Outcome {
  const path = run.expand(rawPath);
  if (!path.startsWith("/sys/kernel/config/")) throw new Gap(`${op} of ${path}: only configfs directories are modelled`);
  const cfs = configfs(run);
  const r = op === "mkdir" ? cfs.mkdir(path) : cfs.rmdir(path);
  return r < 0 ? { errno: errno(r) } : {};
}

function symlinkStep(run: ModelRun, target: string, path: string): Outcome {
  const r = configfs(run).symlink(run.expand(target), run.expand(path));
  return r < 0 ? { errno: errno(r) } : {};
}

const SETPCI_REG_RE = /^(?:ECAP_ACS|ECAP0d)\+([0-9a-fA-F]+)\.([bwl])$/;
const WIDTHS = { b: 1, w: 2, l: 4 } as const;

/** `setpci -s BDF ECAP_ACS+OFF.W[=VALUE[:MASK]]` then a read-back, as the setpci tool prints. */
function setpciStep(run: ModelRun, bdf: string, reg: string, value: string | undefined): Outcome {
  const m = SETPCI_REG_RE.exec(reg);
  if (!m) throw new Gap(`setpci register ${reg}: only the ACS extended capability is modelled`);
  const width = WIDTHS[m[2] as keyof typeof WIDTHS];
  const dev = run.m.system.getDeviceByName(bdf);
  if (!dev) return { value: `setpci: Device ${bdf.slice(5)} not found\n`, exitCode: 1 };
  const cap = findExtCapability(dev.config, pciCapIds.PCI_EXT_CAP_ID_ACS);
  if (!cap) {
    return { value: `setpci: ${bdf}: Instance #0 of Extended capability 000d not found - there are no capabilities with that id.\n`, exitCode: 1 };
  }
  const off = cap + Number.parseInt(m[1]!, 16);
  if (value !== undefined) {
    const [v, mask] = value.split(":");
    const full = (1 << (8 * width)) - 1 || 0xffffffff;
    const mk = mask !== undefined ? Number.parseInt(mask, 16) : full;
    const old = dev.config.read(off, width);
    dev.config.write(off, width, ((old & ~mk) | (Number.parseInt(v!, 16) & mk)) >>> 0);
  }
  const back = dev.config.read(off, width) >>> 0;
  return { value: `${back.toString(16).padStart(2 * width, "0")}\n`, exitCode: 0 };
}

const SIZE_RE = /^(\d+)([KMG]?)$/;

/** The few shell commands the scenarios use that are kernel-visible and modelled. */
const P2PMEM_LIST = "for d in /sys/bus/pci/devices/*; do [ -d $d/p2pmem ] && echo ${d##*/}; done";

function shellStep(run: ModelRun, command: string): Outcome {
  if (command === P2PMEM_LIST) {
    if (!run.layers.attachNvme) throw new Gap(run.missingLayer("nvme-pci"));
    // The shell expands the glob sorted (kernfs readdir order does not show through `*`).
    const names = [...(run.m.system.sysfs.list("/bus/pci/devices") ?? [])].sort();
    return { value: names.filter((n) => run.m.system.sysfs.list(`/bus/pci/devices/${n}/p2pmem`) !== undefined).map((n) => `${n}\n`).join(""), exitCode: 0 };
  }
  const parts = command.split("&&").map((p) => p.trim());
  let out = "";
  for (const part of parts) {
    const words = part.split(/\s+/);
    if (words[0] === "truncate" && words[1] === "-s" && words.length === 4) {
      const sm = SIZE_RE.exec(words[2]!);
      if (!sm) throw new Gap(`shell: truncate size ${words[2]}`);
      const unit = { "": 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 }[sm[2] as "" | "K" | "M" | "G"];
      run.files.set(words[3]!, { size: Number(sm[1]) * unit });
    } else if (words[0] === "losetup" && words.length === 3) {
      const file = run.files.get(words[2]!);
      if (!file) return { value: `${out}losetup: ${words[2]}: No such file or directory\n`, exitCode: 1 };
      if (!run.layers.loopDevice) throw new Gap(run.missingLayer("block"));
      const d = run.layers.loopDevice(run.m, words[1]!, file.size);
      if (typeof d === "number") return { value: `${out}losetup: ${words[1]}: failed to set up loop device\n`, exitCode: 1 };
      run.disks.set(d.path, d);
    } else if (words[0] === "echo") {
      out += `${words.slice(1).join(" ")}\n`;
    } else {
      throw new Gap(`shell command not modelled (a userspace tool's own output): ${part}`, "tool");
    }
  }
  return { value: out, exitCode: 0 };
}

async function p2pioStep(run: ModelRun, step: Extract<ScenarioStep, { op: "p2pio" }>): Promise<Outcome> {
  const pdev: PciFunction | null = run.m.system.getDeviceByName(step.provider);
  if (!pdev) return { errno: "ENOENT", detail: { stage: "open" } };
  if (!run.layers.attachNvme) throw new Gap(run.missingLayer("nvme-pci"));
  const core = run.m.p2p.core;
  const avail = (): number => {
    const r = run.m.system.sysfs.read(`/bus/pci/devices/${step.provider}/p2pmem/available`);
    return typeof r === "string" ? Number(r.trim()) : -1;
  };
  if (run.m.system.sysfs.lookup(`/bus/pci/devices/${step.provider}/p2pmem/allocate`) === undefined) return { errno: "ENOENT", detail: { stage: "open" } };
  const availableBefore = avail();
  const mm = mmapAllocate(core, pdev, { length: step.length, shared: step.mode !== "private", comm: "p2pkt" });
  if (mm.ret < 0 || !mm.mapping) return { errno: errno(mm.ret), detail: { stage: "mmap", availableBefore } };
  const availableMapped = avail();
  let stage = "mmap";
  let bytes = 0;
  let err: string | undefined;
  let match: boolean | undefined;
  if (step.mode === "write" || step.mode === "read" || step.mode === "roundtrip") {
    const path = run.expand(step.device ?? "");
    const disk = run.disks.get(path);
    if (!disk) throw new Gap(run.layers.loopDevice ? `no block device ${path} in the model` : run.missingLayer("block"));
    const ops: ("read" | "write")[] = step.mode === "roundtrip" ? ["write", "read"] : [step.mode];
    // What the guest helper (apps/cli/guest/p2pkt.c) does with its mapping: fill a pattern
    // before writing, clear it before reading back, and compare.
    const cpu = disk.cpuBuffer?.(pdev, mm.mapping);
    const pattern = Uint8Array.from({ length: step.length }, (_, i) => (i * 7 + 3) & 0xff);
    for (const op of ops) {
      stage = op === "write" ? "pwrite" : "pread";
      if (cpu && op === "write") cpu.write(0, pattern);
      if (cpu && op === "read" && step.mode === "roundtrip") cpu.write(0, new Uint8Array(step.length));
      bytes = await disk.directIo(op, step.offset ?? 0, step.length, pdev, mm.mapping);
      if (bytes < 0) {
        err = errno(bytes);
        bytes = -1;
        break;
      }
    }
    if (step.mode === "roundtrip" && err === undefined && cpu) {
      const back = cpu.read(0, step.length);
      match = back.every((b, i) => b === pattern[i]);
    }
  }
  munmapAllocate(core, pdev, mm.mapping);
  const detail: Record<string, unknown> = { stage, bytes, availableBefore, availableMapped, availableAfter: avail() };
  if (match !== undefined) detail["match"] = match;
  return { ...(err !== undefined ? { errno: err } : {}), detail };
}

async function runStep(run: ModelRun, step: ScenarioStep): Promise<Outcome> {
  switch (step.op) {
    case "read":
      return readStep(run, step.path);
    case "write":
      return writeStep(run, step.path, step.value);
    case "ls":
      return lsStep(run, step.path);
    case "mkdir":
    case "rmdir":
      return dirStep(run, step.op, step.path);
    case "symlink":
      return symlinkStep(run, step.target, step.path);
    case "setpci":
      return setpciStep(run, step.bdf, step.reg, step.value);
    case "shell":
      return shellStep(run, step.command);
    case "p2pio":
      return p2pioStep(run, step);
  }
}

/**
 * Runs `scenario` on the model of `machine` and returns its record. Each step's `dmesg` holds
 * the model's kernel log lines new since the step before, split as dmesg shows them.
 */
export async function runModel(machine: QemuMachineSpec, scenario: Scenario, opts: RunModelOptions = {}): Promise<ModelRecord> {
  const m = opts.cpu !== undefined && opts.cpu !== machine.cpu ? { ...machine, cpu: opts.cpu } : machine;
  const run = new ModelRun(m, opts.layers ?? defaultLayers(), opts);
  const log = run.m.system.log;
  const boot = dmesgLines(log.all());
  const steps: StepRecord[] = [];
  const gaps: StepGap[] = [];
  for (const [index, step] of scenario.steps.entries()) {
    const mark = log.mark();
    let out: Outcome = {};
    try {
      out = await runStep(run, step);
    } catch (e) {
      if (!(e instanceof Gap)) throw e;
      gaps.push({ index, kind: e.kind, reason: e.reason });
    }
    steps.push({ index, step, ...out, dmesg: dmesgLines(log.since(mark)) });
  }
  const controllers: Record<string, string> = {};
  for (const [bdf, c] of run.controllers) controllers[c.name] = bdf;
  const bootGap = run.layers.attachNvme ? undefined : run.missingLayer("nvme-pci");
  return { steps, boot: { dmesg: boot }, gaps, controllers, ...(bootGap !== undefined ? { bootGap } : {}) };
}
