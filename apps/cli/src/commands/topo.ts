/**
 * `p2pdma topo show`: the machine as an lspci -tv shaped tree, the JSON of the CLI contract,
 * or Graphviz DOT.
 */
import type { Command } from "commander";
import { Option } from "commander";
import { renderSystemTree, topologyDot, topologyJson } from "@p2pdma/pci-core";
import type { CliIo } from "../io";
import { printJson } from "../io";
import { loadMachine } from "../load";
import { registerTopoExport } from "./topo-export";

const collect = (value: string, prev: string[]): string[] => [...prev, value];

/** Registers `topo` and its subcommands. */
export function registerTopo(program: Command, io: CliIo): void {
  const topo = program.command("topo").description("show and export PCI topologies");
  topo
    .command("show")
    .description("print the PCI hierarchy of a machine (default: the bundled reference system)")
    .option("--topology <input>", "topology file, lspci capture, sysfs snapshot or hwloc XML (repeatable; sample:NAME for a bundled one)", collect, [])
    .addOption(new Option("--format <format>", "output format").choices(["tree", "json", "dot"]).default("tree"))
    .option("--json", "same as --format json")
    .option("--cpu <vendor:family>", "the CPU, when the input does not say (amd:0x19, intel:0x6)")
    .action(async (opts: { topology: string[]; format: string; json?: boolean; cpu?: string }) => {
      const { system } = await loadMachine(io, opts.topology, opts.cpu !== undefined ? { cpu: opts.cpu } : {});
      const format = opts.json ? "json" : opts.format;
      if (format === "json") printJson(io, topologyJson(system));
      else if (format === "dot") io.out(topologyDot(system));
      else io.out(renderSystemTree(system));
    });
  registerTopoExport(topo, io);
}
