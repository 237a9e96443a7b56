/**
 * `p2pdma nvme list` and `p2pdma nvme cmb`: the machine's NVMe controllers as the nvme-pci
 * driver of the chosen kernel mode sees them after probe (device models attached to every
 * `model.kind: nvme` function of the topology): namespaces, and the CMB registers decoded
 * with the P2P memory the driver registered and whether it published it.
 */
import type { Command } from "commander";
import { Option } from "commander";
import type { KernelMode } from "@p2pdma/pci-core";
import { parseKernelMode } from "@p2pdma/pci-core";
import { CMBLOC, CMBSZ, NVME_REG, getField } from "@p2pdma/nvme-spec";
import { attachNvme, cmbSizeUnitOf } from "@p2pdma/nvme-pci";
import type { CliIo } from "../io";
import { CliError, printJson } from "../io";
import { loadMachine } from "../load";

const collect = (value: string, prev: string[]): string[] => [...prev, value];

interface Opts {
  topology: string[];
  json?: boolean;
  kernel: string;
  cpu?: string;
}

async function machine(io: CliIo, opts: Opts) {
  const kernel: KernelMode | null = parseKernelMode(opts.kernel);
  if (kernel === null) throw new CliError(`--kernel ${JSON.stringify(opts.kernel)}: expected 4.20 or 6.12`, 2);
  const { system } = await loadMachine(io, opts.topology, opts.cpu !== undefined ? { cpu: opts.cpu } : {});
  const m = attachNvme(system, { kernel });
  if (m.devices.size === 0) throw new CliError("this input has no NVMe device models (topology files with `model: { kind: nvme }` only)");
  return { m, kernel };
}

function common(cmd: Command): Command {
  return cmd
    .option("--topology <input>", "topology file (repeatable; sample:NAME for a bundled one)", collect, [])
    .option("--json", "one JSON document on stdout")
    .addOption(new Option("--kernel <mode>", "kernel mode").choices(["4.20", "6.12"]).default("6.12"))
    .option("--cpu <vendor:family>", "the CPU, when the input does not say");
}

const hex = (v: number | bigint, w = 8) => `0x${v.toString(16).padStart(w, "0")}`;

/** Registers `nvme list` and `nvme cmb`. */
export function registerNvme(program: Command, io: CliIo): void {
  const nvme = program.command("nvme").description("NVMe controllers as nvme-pci sees them");
  common(nvme.command("list").description("controllers and namespaces after probe")).action(async (opts: Opts) => {
    const { m, kernel } = await machine(io, opts);
    const ctrls = m.ctrls().map((c) => ({
      name: c.name,
      bdf: c.pdev.name,
      vendor: hex(c.pdev.vendor, 4),
      device: hex(c.pdev.device, 4),
      model: c.id.model,
      serial: c.id.serial,
      ioQueues: c.ioqs.length,
      queueDepth: c.qDepth,
      namespaces: c.namespaces.map((n) => ({ disk: n.disk.diskName, nsid: n.nsid, lbaSize: 1 << n.lbaShift, bytes: n.disk.capacityBytes.toString(), pciP2pdma: n.disk.queue.pciP2pdma })),
    }));
    if (opts.json) return printJson(io, { kernel, controllers: ctrls });
    for (const c of ctrls) {
      io.out(`${c.name}  ${c.bdf}  ${c.vendor}:${c.device}  ${c.model}  ${c.ioQueues} I/O queue(s) x ${c.queueDepth}\n`);
      for (const n of c.namespaces) io.out(`  ${n.disk}  nsid ${n.nsid}  ${n.bytes} bytes  lba ${n.lbaSize}  PCI_P2PDMA ${n.pciP2pdma ? "yes" : "no"}\n`);
    }
  });
  common(nvme.command("cmb").description("CMBLOC/CMBSZ/CMBMSC decoded, P2P memory registered and published")).action(async (opts: Opts) => {
    const { m, kernel } = await machine(io, opts);
    const fs = m.system.sysfs;
    const rows = m.ctrls().map((c) => {
      const cmbsz = c.bar.readl(NVME_REG.CMBSZ);
      const cmbloc = c.bar.readl(NVME_REG.CMBLOC);
      const cmbmsc = c.bar.readq(NVME_REG.CMBMSC);
      const unit = cmbSizeUnitOf(cmbsz);
      const p2pDir = `/bus/pci/devices/${c.pdev.name}/p2pmem`;
      // A sysfs read answers text or a negative errno (no p2pmem/ group without a registered CMB).
      const read = (f: string): string | null => {
        const v = fs.read(`${p2pDir}/${f}`);
        return typeof v === "number" ? null : typeof v === "string" ? v.trim() : new TextDecoder().decode(v).trim();
      };
      return {
        controller: c.name,
        bdf: c.pdev.name,
        cmbloc: { raw: hex(cmbloc), bir: getField(cmbloc, CMBLOC.BIR), ofst: getField(cmbloc, CMBLOC.OFST), offsetBytes: (unit * BigInt(getField(cmbloc, CMBLOC.OFST))).toString() },
        cmbsz: {
          raw: hex(cmbsz),
          sqs: getField(cmbsz, CMBSZ.SQS) === 1,
          cqs: getField(cmbsz, CMBSZ.CQS) === 1,
          lists: getField(cmbsz, CMBSZ.LISTS) === 1,
          rds: getField(cmbsz, CMBSZ.RDS) === 1,
          wds: getField(cmbsz, CMBSZ.WDS) === 1,
          szu: getField(cmbsz, CMBSZ.SZU),
          sz: getField(cmbsz, CMBSZ.SZ),
          sizeBytes: (unit * BigInt(getField(cmbsz, CMBSZ.SZ))).toString(),
        },
        cmbmsc: { raw: hex(cmbmsc, 16), cre: (cmbmsc & 1n) === 1n, cmse: (cmbmsc & 2n) === 2n, cba: hex(cmbmsc & ~0xfffn, 16) },
        registered: c.cmb.cmbSize.toString(),
        pseudoCmbBar: c.cmb.pseudoBar,
        sqInCmb: c.ioqs.some((q) => q.sqInCmb),
        p2pmem: read("size") === null ? null : { size: read("size"), available: read("available"), published: read("published") === "1" },
      };
    });
    if (opts.json) return printJson(io, { kernel, controllers: rows });
    for (const r of rows) {
      io.out(`${r.controller} ${r.bdf}: CMBLOC ${r.cmbloc.raw} CMBSZ ${r.cmbsz.raw} CMBMSC ${r.cmbmsc.raw}\n`);
      if (r.registered === "0") io.out("  no CMB registered\n");
      else io.out(`  ${r.registered} bytes of P2P memory (BAR ${r.cmbloc.bir}), ${r.p2pmem?.published ? "published" : "not published"}, SQs in CMB: ${r.sqInCmb ? "yes" : "no"}\n`);
    }
  });
}
