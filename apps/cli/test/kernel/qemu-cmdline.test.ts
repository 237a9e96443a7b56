import { describe, expect, it } from "vitest";
import { KernelRunError } from "../../src/kernel/errors";
import { layoutMachine } from "../../src/kernel/machine";
import { qemuCommand, validateMachine } from "../../src/kernel/qemu-cmdline";
import { cmbSizesMachine, seedMultifunctionMachine } from "./golden-scenarios";

const paths = { kernel: "bzImage", initrd: "initrd", diskDir: "/d", consoleLog: "c.log", resultsLog: "r.log" };

describe("QEMU 7.2 command line", () => {
  it("builds the seed machine with a switch, a second root port and a two-function device", () => {
    const cmd = qemuCommand(seedMultifunctionMachine("qemu64"), paths);
    const devices = cmd.argv.flatMap((a, i) => (cmd.argv[i - 1] === "-device" ? [a] : []));
    expect(cmd.argv.slice(0, 7)).toEqual(["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-cpu", "qemu64"]);
    expect(devices).toContain("pcie-root-port,id=rp010,bus=pcie.0,addr=01.0,chassis=1,slot=0");
    expect(devices).toContain("x3130-upstream,id=rp010up,bus=rp010,addr=00.0");
    expect(devices).toContain("xio3130-downstream,id=rp010updp00,bus=rp010up,addr=00.0,chassis=2,slot=0");
    expect(devices).toContain("nvme,id=nvme4,serial=p2pdma4,bus=rp030,addr=00.0,multifunction=on,cmb_size_mb=64");
    expect(devices).toContain("nvme,id=nvme5,serial=p2pdma5,bus=rp030,addr=00.1");
    expect(devices).toContain("nvme-ns,drive=nvme5n1,bus=nvme5,nsid=1");
    // a bus is declared before any device names it
    const ids = new Set(["pcie.0"]);
    for (const d of devices) {
      const bus = /bus=([^,]+)/.exec(d)?.[1];
      expect(ids.has(bus!)).toBe(true);
      const id = /id=([^,]+)/.exec(d)?.[1];
      if (id) ids.add(id);
    }
    expect(cmd.backingFiles).toHaveLength(6);
    expect(cmd.append).toBe("console=ttyS0 panic=-1");
  });

  it("predicts the bus numbers the kernel showed (golden seed-sysfs lspci -tv)", () => {
    const layout = layoutMachine(seedMultifunctionMachine("EPYC"));
    expect(layout.nvme.map((n) => n.bdf)).toEqual(["0000:03:00.0", "0000:04:00.0", "0000:05:00.0", "0000:06:00.0", "0000:07:00.0", "0000:07:00.1"]);
    expect(layoutMachine(cmbSizesMachine()).nvme.map((n) => n.nvme.legacyCmb ?? false)).toEqual([false, false, false, false, true, true, true, true]);
  });

  it("legacy-cmb and disable-acs", () => {
    const cmd = qemuCommand({ cpu: "EPYC", rootPorts: [{ slot: 3, acs: false, below: [{ kind: "nvme", cmbMiB: 2, legacyCmb: true, namespaces: [] }] }] }, paths);
    expect(cmd.argv).toContain("pcie-root-port,id=rp030,bus=pcie.0,addr=03.0,chassis=1,slot=0,disable-acs=on");
    expect(cmd.argv).toContain("nvme,id=nvme0,serial=p2pdma0,bus=rp030,addr=00.0,cmb_size_mb=2,legacy-cmb=on");
  });

  it.each([
    [{ cpu: "EPYC", rootPorts: [{ slot: 0x1f }] }, "slots 1..0x1e"],
    [{ cpu: "EPYC", rootPorts: [{ slot: 1 }, { slot: 1 }] }, "two root ports"],
    [{ cpu: "EPYC", rootPorts: [{ slot: 1, below: [{ kind: "nvme", cmbMiB: 3, namespaces: [] }] }] }, "power of two"],
    [{ cpu: "EPYC", rootPorts: [{ slot: 1, below: [{ kind: "nvme", function: 1, namespaces: [] }, { kind: "nvme", function: 2, namespaces: [] }] }] }, "needs function 0"],
    [{ cpu: "EPYC", rootPorts: [{ slot: 1, below: [{ kind: "nvme", namespaces: [{ size: 1000n }] }] }] }, "multiple of 4096"],
  ] as const)("refuses what QEMU would reject: %#", (spec, msg) => {
    expect(() => validateMachine(spec as never)).toThrow(KernelRunError);
    expect(() => validateMachine(spec as never)).toThrow(msg);
  });
});
