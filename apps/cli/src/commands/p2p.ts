/**
 * `p2pdma p2p distance|find|matrix|explain`: the kernel's P2PDMA verdicts for a machine
 * (architecture.md CLI contract). Topology loading is the app's (`loadMachine`); the verdicts
 * come from @p2pdma/p2pdma. P2P memory is registered from the topology's hardware models
 * (p2pmem cards, NVMe CMBs) before `find`, as their drivers would at probe.
 */
import type { Command } from "commander";
import { Option } from "commander";
import type { KernelMode, PciFunction, PciSystem } from "@p2pdma/pci-core";
import { parseKernelMode } from "@p2pdma/pci-core";
import type { Assume, P2pOptions } from "@p2pdma/p2pdma";
import { distanceJson, distanceMany, explain, findMany, P2pdmaCore, p2pMatrix, provisionFromModels, SplitMix32 } from "@p2pdma/p2pdma";
import type { CliIo } from "../io";
import { CliError, printJson } from "../io";
import { loadMachine } from "../load";

const collect = (value: string, prev: string[]): string[] => [...prev, value];

interface CommonOpts {
  topology: string[];
  kernel?: string;
  json?: boolean;
  cpu?: string;
  acs?: "on" | "off";
}

function kernelOf(text: string | undefined): KernelMode {
  if (text === undefined) return "6.12";
  const k = parseKernelMode(text);
  if (!k) throw new CliError(`--kernel ${JSON.stringify(text)}: expected 4.20 or 6.12`, 2);
  return k;
}

async function machine(io: CliIo, o: CommonOpts): Promise<{ system: PciSystem; p2p: P2pOptions }> {
  const loaded = await loadMachine(io, o.topology, { ...(o.cpu !== undefined ? { cpu: o.cpu } : {}), ...(o.acs ? { acs: o.acs } : {}) });
  const assume: Assume = {
    ...(o.acs ? { acs: o.acs } : {}),
  };
  return { system: loaded.system, p2p: { kernel: kernelOf(o.kernel), assume } };
}

function resolveDev(system: PciSystem, what: string, flag: string): PciFunction {
  const d = system.resolve(what);
  if (!d) throw new CliError(`${flag} ${what}: no such PCI function or label in this topology`);
  return d;
}

function withCommon(cmd: Command): Command {
  return cmd
    .option("--topology <input>", "topology file, lspci capture, sysfs snapshot or hwloc XML (repeatable; sample:NAME)", collect, [])
    .addOption(new Option("--kernel <mode>", "kernel semantics").choices(["4.20", "6.12"]).default("6.12"))
    .option("--json", "machine-readable output")
    .option("--cpu <vendor:family>", "the CPU, when the input does not say (amd:0x19, intel:0x6)")
    .addOption(new Option("--acs <state>", "assume this ACS state where the input does not say").choices(["on", "off"]));
}

const pad = (s: string, n: number): string => s.padEnd(n);

/** Registers `p2p` and its subcommands. */
export function registerP2p(program: Command, io: CliIo): void {
  const p2p = program.command("p2p").description("PCI peer-to-peer DMA verdicts: distance, provider choice, all pairs, explanations");

  withCommon(p2p.command("distance").description("pci_p2pdma_distance_many: can these clients use this provider's memory?"))
    .requiredOption("--provider <bdf|label>", "the P2P memory provider")
    .option("--client <bdf|label>", "a client (repeatable)", collect, [])
    .option("--verbose", "the verbose kernel call (prints the warnings)")
    .action(async (o: CommonOpts & { provider: string; client: string[]; verbose?: boolean }) => {
      const { system, p2p: opts } = await machine(io, o);
      const provider = resolveDev(system, o.provider, "--provider");
      const clients = o.client.map((c) => resolveDev(system, c, "--client"));
      const r = distanceMany(P2pdmaCore.of(system), provider, clients, o.verbose ?? false, opts);
      const j = distanceJson(r);
      if (o.json) return printJson(io, j);
      const lines: string[] = [];
      if (j.distance === null) {
        lines.push(`${provider.name} -> ${clients.map((c) => c.name).join(", ")} (kernel ${j.kernel}): depends on ${j.dependsOn?.join(", ")}`);
        for (const c of j.cases ?? []) lines.push(`  if ${c.assume}: distance ${c.distance}, ${c.mapType}`);
      } else {
        lines.push(`${provider.name} -> ${clients.map((c) => c.name).join(", ")} (kernel ${j.kernel}): distance ${j.distance}, ${j.mapType}`);
        for (const c of j.clients) {
          const acs = c.acsRedirect.length ? `; ACS redirect on ${c.acsRedirect.map((h) => `${h.bdf} (${h.bits.join(",")})`).join(", ")}` : "";
          const hb = c.hostBridge ? `; host bridge ${c.hostBridge.ids.join("/")}: ${c.hostBridge.rule}` : "";
          lines.push(`  ${pad(c.client, 14)} ${String(c.distance).padStart(3)}  ${pad(c.mapType, 16)} via ${c.commonBridge ?? "root complex"}${acs}${hb}`);
        }
      }
      for (const l of j.log) lines.push(`  log: ${l}`);
      io.out(`${lines.join("\n")}\n`);
    });

  withCommon(p2p.command("find").description("pci_p2pmem_find_many: which published provider the kernel would pick"))
    .option("--client <bdf|label>", "a client (repeatable)", collect, [])
    .option("--seed <n>", "seed of the random tie break", "1")
    .action(async (o: CommonOpts & { client: string[]; seed: string }) => {
      const { system, p2p: opts } = await machine(io, o);
      const clients = o.client.map((c) => resolveDev(system, c, "--client"));
      if (clients.length === 0) throw new CliError("p2p find needs at least one --client", 2);
      const seed = Number.parseInt(o.seed, 10);
      if (!Number.isFinite(seed)) throw new CliError(`--seed ${o.seed}: not a number`, 2);
      provisionFromModels(system, opts);
      const r = findMany(P2pdmaCore.of(system), clients, new SplitMix32(seed), opts);
      const j = {
        provider: r.provider?.name ?? null,
        distance: r.distance,
        candidates: r.candidates,
        closest: r.closest,
        ...(r.dependsOn.length ? { dependsOn: r.dependsOn, cases: r.cases.map((c) => ({ assume: c.assume, closest: c.closest, distance: c.distance, candidates: c.candidates })) } : {}),
      };
      if (o.json) return printJson(io, j);
      const out = [`provider: ${j.provider ?? "none"}${j.distance !== null ? ` (distance ${j.distance})` : ""}`];
      for (const c of r.candidates) out.push(`  ${pad(c.bdf, 14)} ${c.distance < 0 ? "unusable" : `distance ${c.distance}`}${r.closest.includes(c.bdf) ? "  *closest" : ""}`);
      for (const c of r.cases.length > 1 ? r.cases : []) out.push(`  if ${c.assume}: closest ${c.closest.join(", ") || "none"}`);
      io.out(`${out.join("\n")}\n`);
    });

  withCommon(p2p.command("matrix").description("all endpoint pairs: distance, map type and nvidia-smi topo words")).action(async (o: CommonOpts) => {
    const { system, p2p: opts } = await machine(io, o);
    const m = p2pMatrix(P2pdmaCore.of(system), opts);
    if (o.json) return printJson(io, { devices: m.devices, distance: m.distance, mapType: m.mapType, link: m.link, kernel: m.kernel, dependsOn: m.dependsOn });
    const short = (t: string | null): string => (t === null ? "?" : t === "BUS_ADDR" ? "BUS" : t === "THRU_HOST_BRIDGE" ? "HB" : "NO");
    const w = 14;
    const out = [`kernel ${m.kernel}: link word / distance / map type (provider row, client column)`];
    out.push(`${pad("", w)}${m.devices.map((d) => pad(d.slice(5), 16)).join("")}`);
    m.devices.forEach((d, i) => {
      out.push(`${pad(d, w)}${m.devices.map((_, j) => pad(`${m.link[i]![j]} ${m.distance[i]![j] ?? "?"} ${short(m.mapType[i]![j] ?? null)}`, 16)).join("")}`);
    });
    if (m.dependsOn.length) out.push(`? depends on: ${m.dependsOn.join(", ")} (use --acs / --cpu)`);
    io.out(`${out.join("\n")}\n`);
  });

  withCommon(p2p.command("explain").description("the distance verdict as prose: paths, ACS, host-bridge rule, the fix"))
    .requiredOption("--provider <bdf|label>", "the P2P memory provider")
    .option("--client <bdf|label>", "a client (repeatable)", collect, [])
    .action(async (o: CommonOpts & { provider: string; client: string[] }) => {
      const { system, p2p: opts } = await machine(io, o);
      const provider = resolveDev(system, o.provider, "--provider");
      const clients = o.client.map((c) => resolveDev(system, c, "--client"));
      const e = explain(P2pdmaCore.of(system), provider, clients, opts);
      if (o.json) return printJson(io, { kernel: e.kernel, provider: e.provider, dependsOn: e.dependsOn, cases: e.cases.map(({ verdicts: _v, ...c }) => c), prose: e.prose });
      io.out(`${e.prose.join("\n")}\n`);
    });
}
