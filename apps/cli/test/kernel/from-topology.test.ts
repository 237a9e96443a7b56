import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTopology, readSample } from "@p2pdma/pci-core";
import { KernelRunError } from "../../src/kernel/errors";
import { qemuMachineFromTopology } from "../../src/kernel/from-topology";
import { layoutMachine } from "../../src/kernel/machine";
import { kernelCli } from "./run-kernel-cli";

const sample = (name: string) => parseTopology(readSample(name)!, `${name}.yaml`);

describe("topology -> QEMU machine", () => {
  it("lists every part of the reference system QEMU cannot express, and refuses by default", () => {
    let err: unknown;
    try {
      qemuMachineFromTopology(sample("reference"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelRunError);
    const msg = (err as KernelRunError).message;
    expect((err as KernelRunError).code).toBe("UNSUPPORTED_PARTS");
    expect(msg).toContain("nic0");
    expect(msg).toContain("RDMA NIC");
    expect(msg).toContain("p2pmem0");
    expect(msg).toContain("p2pmem card");
    expect(msg).toContain("ACS on a switch port");
    expect(msg).toContain("host bridge 8086:2020");
    expect(msg).toContain("--drop-unsupported");
  });

  it("drops them on request and keeps the ports, so the NVMe BDFs are the model's", () => {
    const conv = qemuMachineFromTopology(sample("reference"), { dropUnsupported: true, cpu: "EPYC" });
    expect(conv.unsupported.length).toBeGreaterThanOrEqual(9);
    const layout = layoutMachine(conv.machine);
    // 00:01.0 -> 01 upstream -> 02 downstream 08..0d -> 03..08; 00:02.0 -> 09 (reference.yaml).
    expect(layout.nvme.map((n) => [n.bdf, n.nvme.label, n.nvme.cmbMiB])).toEqual([
      ["0000:04:00.0", "nvme0", 64],
      ["0000:05:00.0", "nvme1", 64],
      ["0000:06:00.0", "nvme2", undefined],
      ["0000:07:00.0", "nvme3", undefined],
      ["0000:09:00.0", "nvme4", undefined],
    ]);
    expect(layout.bridges.filter((b) => b.kind === "downstream-port").map((b) => b.bdf)).toEqual(
      ["08", "09", "0a", "0b", "0c", "0d"].map((s) => `0000:02:${s}.0`),
    );
  });

  it("maps the platform CPU to the QEMU model with the same 6.12 rule", () => {
    const amd = qemuMachineFromTopology(sample("two-root-ports-amd"), { dropUnsupported: true });
    expect(amd.machine.cpu).toBe("EPYC");
    expect(amd.unsupported.join("\n")).toContain("host bridge 1022:1450");
    const intel = qemuMachineFromTopology(sample("reference"), { dropUnsupported: true });
    expect(intel.machine.cpu).toBe("qemu64");
    expect(intel.notes.join("\n")).toContain("-cpu qemu64");
  });

  it("`topo export --format qemu` prints the command line and creates sparse namespace files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "p2pdma-export-"));
    const r = await kernelCli(dir, "topo", "export", "--topology", "sample:two-root-ports-amd", "--format", "qemu", "--drop-unsupported");
    expect(r.code).toBe(0);
    expect(r.out).toContain("# dropped (QEMU cannot express it): ");
    expect(r.out).toContain("-device nvme,id=nvme0,serial=p2pdma0,bus=rp020,addr=00.0,cmb_size_mb=64");
    const files = readdirSync(join(dir, "p2pdma-qemu"));
    expect(files.sort()).toEqual(["nvme0n1.raw", "nvme1n1.raw"]);
    const st = statSync(join(dir, "p2pdma-qemu", "nvme0n1.raw"));
    expect(st.size).toBe(2 ** 40);
    expect(st.blocks).toBe(0);
    const refused = await kernelCli(dir, "topo", "export", "--topology", "sample:reference", "--format", "qemu");
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("QEMU 7.2 cannot express");
    rmSync(dir, { recursive: true, force: true });
  });
});
