/**
 * `p2pdma nvmet apply CONFIG [--topology T] [--kernel 4.20|6.12] [--json]`: restores an
 * nvmetcli JSON configuration (`nvmetcli restore`) onto the NVMe-oF target built from a topology
 * (default: the bundled reference system, whose SSDs are `/dev/nvme0n1`.. in enumeration order)
 * and reports what a save writes from the resulting state, every namespace's outcome (enabled,
 * `p2pmem`, the P2P provider, its error) and the kernel log. A namespace that cannot be enabled
 * stays disabled with its error; the rest of the file applies.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { VirtualClock, parseKernelMode, readSample } from "@p2pdma/pci-core";
import type { KernelMode } from "@p2pdma/pci-core";
import { SplitMix32 } from "@p2pdma/p2pdma";
import { restoreConfig, saveConfig } from "@p2pdma/nvmet";
import type { RestoreError } from "@p2pdma/nvmet";
import type { CliIo } from "../io";
import { CliError, printJson, resolvePath } from "../io";
import { buildTargetHost, referenceTopology } from "../run/target/build";

/** One namespace after the restore. */
export interface AppliedNamespace {
  readonly subsystem: string;
  readonly nsid: number;
  readonly device: string;
  readonly enabled: boolean;
  /** `p2pmem` as the attribute reads back (`0`, `1`/`auto`, or a provider BDF). */
  readonly p2pmem: string;
  /**
   * The P2P provider: the one `p2pmem` names, or for automatic selection the one
   * `pci_p2pmem_find_many(NIC, namespace device)` picks; null when none applies.
   */
  readonly provider: string | null;
  /** Why the namespace is not enabled (`<json path>: <errno> <message>`), or null. */
  readonly error: string | null;
}

/** The report of {@link applyNvmetConfig}. */
export interface ApplyReport {
  /** What `nvmetcli save` writes from the resulting state (p2pmem kept). */
  readonly config: Record<string, unknown>;
  readonly namespaces: readonly AppliedNamespace[];
  /** Every restore error with its JSON path. */
  readonly errors: readonly RestoreError[];
  /** Kernel log lines the restore produced. */
  readonly log: readonly string[];
}

/** Restores `config` onto the target built from `topologyText`. */
export function applyNvmetConfig(config: unknown, o: { topologyText: string; source: string; kernel: KernelMode; seed?: number }): ApplyReport {
  const t = buildTargetHost({ topologyText: o.topologyText, source: o.source, kernel: o.kernel, seed: o.seed ?? 1, clock: new VirtualClock() });
  const mark = t.system.log.all().length;
  const { errors } = restoreConfig(t.target.configfs, config);
  const saved = saveConfig(t.target.configfs);
  const log = t.system.log.all().slice(mark).map((l) => l.text);

  // JSON paths of the input's namespaces -> (nqn, nsid), to attach each error to its namespace.
  const input = (typeof config === "object" && config !== null ? config : {}) as { subsystems?: unknown };
  const subs = Array.isArray(input.subsystems) ? (input.subsystems as unknown[]) : [];
  const errorsByNs = new Map<string, string[]>();
  for (const e of errors) {
    const m = /^subsystems\[(\d+)\]\.namespaces\[(\d+)\]/.exec(e.path);
    if (!m) continue;
    const s = subs[Number(m[1])] as { nqn?: unknown; namespaces?: unknown } | undefined;
    const n = Array.isArray(s?.namespaces) ? (s.namespaces[Number(m[2])] as { nsid?: unknown } | undefined) : undefined;
    if (!s || typeof s.nqn !== "string" || !n || typeof n.nsid !== "number") continue;
    const k = `${s.nqn}|${n.nsid}`;
    errorsByNs.set(k, [...(errorsByNs.get(k) ?? []), `${e.path}: ${e.errno ? `${e.errno} ` : ""}${e.message}`]);
  }

  const cfs = t.target.configfs;
  const prng = new SplitMix32(o.seed ?? 1);
  const namespaces: AppliedNamespace[] = [];
  for (const nqn of lsOf(cfs.ls("subsystems"))) {
    const sub = t.target.nvmet.subsystems.get(nqn);
    for (const id of lsOf(cfs.ls(`subsystems/${nqn}/namespaces`)).sort((a, b) => Number(a) - Number(b))) {
      const nsid = Number(id);
      const ns = sub?.namespaces.get(nsid) ?? null;
      const shown = cfs.read(`subsystems/${nqn}/namespaces/${id}/p2pmem`);
      const path = cfs.read(`subsystems/${nqn}/namespaces/${id}/device_path`);
      let provider: string | null = ns?.p2pDev?.name ?? null;
      if (ns?.enabled && ns.useP2pmem && !provider) {
        const disk = t.ssds.get(ns.devicePath)?.disk;
        // What a controller on this target's NIC would get (per-controller choice at connect).
        const found = disk ? t.p2p.p2p.findMany([t.nic, disk], prng, { kernel: o.kernel }) : null;
        provider = found?.provider?.name ?? null;
      }
      const errs = errorsByNs.get(`${nqn}|${nsid}`) ?? [];
      const own = !ns?.enabled && ns?.lastError ? [`${ns.lastError.message}`] : [];
      namespaces.push({
        subsystem: nqn,
        nsid,
        device: typeof path === "string" ? path.trim() : "",
        enabled: ns?.enabled ?? false,
        p2pmem: typeof shown === "string" ? shown.trim() : "",
        provider: ns?.useP2pmem ? provider : null,
        error: errs.length ? errs.join("; ") : own.length ? own.join("; ") : null,
      });
    }
  }
  return { config: saved, namespaces, errors, log };
}

function lsOf(r: string[] | number): string[] {
  return typeof r === "number" ? [] : r;
}

function topologyText(io: CliIo, topology: string | undefined): { text: string; source: string } {
  if (topology === undefined) return { text: referenceTopology(), source: "reference" };
  if (topology.startsWith("sample:")) {
    const text = readSample(topology.slice(7));
    if (text === null) throw new CliError(`no bundled sample ${JSON.stringify(topology.slice(7))}`);
    return { text, source: `${topology.slice(7)}.yaml` };
  }
  try {
    return { text: readFileSync(resolvePath(io, topology), "utf8"), source: topology };
  } catch {
    throw new CliError(`${topology}: no such file or directory`);
  }
}

/** Renders the report for a terminal. */
export function renderApply(r: ApplyReport): string {
  const lines: string[] = [];
  const subs = (r.config["subsystems"] as { nqn: string }[] | undefined) ?? [];
  const ports = (r.config["ports"] as { portid: number; addr?: Record<string, string>; subsystems?: string[] }[] | undefined) ?? [];
  const hosts = (r.config["hosts"] as { nqn: string }[] | undefined) ?? [];
  lines.push(`hosts       ${hosts.length ? hosts.map((h) => h.nqn).join(", ") : "none"}`);
  lines.push(`subsystems  ${subs.length ? subs.map((s) => s.nqn).join(", ") : "none"}`);
  for (const p of ports) {
    const a = p.addr ?? {};
    lines.push(`port ${p.portid}      ${a["trtype"] ?? "?"} ${[a["traddr"], a["trsvcid"]].filter((x) => x).join(":") || "-"} -> ${(p.subsystems ?? []).join(", ") || "no subsystems"}`);
  }
  for (const n of r.namespaces) {
    const state = n.enabled ? "enabled " : "disabled";
    const p2p = n.p2pmem && n.p2pmem !== "0" ? `p2pmem ${n.p2pmem} -> ${n.provider ?? "no provider"}` : "p2pmem off";
    lines.push(`${n.subsystem} nsid ${n.nsid}: ${n.device || "(no device)"} ${state} ${p2p}${n.error ? `\n    error: ${n.error}` : ""}`);
  }
  const other = r.errors.filter((e) => !/\.namespaces\[/.test(e.path));
  for (const e of other) lines.push(`error ${e.path}: ${e.errno ? `${e.errno} ` : ""}${e.message}`);
  if (r.log.length) lines.push("kernel log:", ...r.log.map((l) => `  ${l}`));
  return `${lines.join("\n")}\n`;
}

/** Registers `p2pdma nvmet`. */
export function registerNvmet(program: Command, io: CliIo): void {
  const nvmet = program.command("nvmet").description("the NVMe-oF target: nvmetcli configurations on a topology's target");
  nvmet
    .command("apply")
    .description("restore an nvmetcli JSON configuration onto the target of a topology and show the result")
    .argument("<config>", "nvmetcli JSON file (as `nvmetcli save` writes it; p2pmem on namespaces kept)")
    .option("--topology <file>", "topology file or sample:NAME (default: the bundled reference system)")
    .option("--kernel <mode>", "kernel semantics: 4.20 or 6.12", "6.12")
    .option("--json", "machine output")
    .action((file: string, opts: { topology?: string; kernel: string; json?: boolean }) => {
      const kernel = parseKernelMode(opts.kernel);
      if (kernel === null) throw new CliError(`unknown kernel mode ${opts.kernel}`, 2);
      let config: unknown;
      try {
        config = JSON.parse(readFileSync(resolvePath(io, file), "utf8"));
      } catch (e) {
        throw new CliError(`${file}: ${e instanceof SyntaxError ? `not JSON: ${e.message}` : "no such file or directory"}`);
      }
      if (typeof config !== "object" || config === null || Array.isArray(config)) throw new CliError(`${file}: an nvmetcli configuration is a JSON object`);
      const topo = topologyText(io, opts.topology);
      const r = applyNvmetConfig(config, { topologyText: topo.text, source: topo.source, kernel });
      if (opts.json) printJson(io, { config: r.config, namespaces: r.namespaces, errors: r.errors, log: r.log });
      else io.out(renderApply(r));
    });
}
