/**
 * Boots the real 6.12.117 kernel under QEMU (two boots, many steps each) and checks the record
 * against spec section 12. Runs under `pnpm test:kernel`; elsewhere, or without QEMU, busybox
 * or the kernel image, it prints one line and is skipped.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { KernelRunError } from "../../src/kernel/errors";
import type { GuestRunResult } from "../../src/kernel/guest-runner";
import { runGuest } from "../../src/kernel/guest-runner";
import type { StepRecord } from "../../src/kernel/record";
import type { Scenario, ScenarioStep } from "../../src/kernel/scenario";
import { ACS_CTRL_RR, cmbReads, nsEnable, nvmetNamespace, p2pmemReads, p2pmemWrite, setAcsCtl } from "../../src/kernel/steps";
import { seedMultifunctionMachine } from "./golden-scenarios";
import { kernelFiles, skipReason } from "./kernel-env";
import { kernelCli } from "./run-kernel-cli";

const reason = process.env["P2PDMA_KERNEL_TESTS"] ? skipReason() : "kernel boot tests skipped: run `pnpm test:kernel`";
if (reason !== null) console.log(reason);

const CMB = "0000:03:00.0";
const NO_CMB = "0000:05:00.0";
const RP2 = "0000:06:00.0";
const MF0 = "0000:07:00.0";
const MF1 = "0000:07:00.1";

/** Steps tagged by name so assertions read as the spec does. */
function scenario(): { scenario: Scenario; at: Map<string, number> } {
  const steps: ScenarioStep[] = [];
  const at = new Map<string, number>();
  const add = (name: string, ...s: ScenarioStep[]): void => {
    steps.push(...s);
    at.set(name, steps.length - 1);
  };
  add("p2pmem", ...p2pmemReads(CMB));
  add("cmb", ...cmbReads(CMB).slice(0, 1));
  add("ns", ...nvmetNamespace("t", 1, `{{ns ${NO_CMB} 1}}`));
  add("w10", ...p2pmemWrite("t", 1, "10\n").slice(0, 1));
  add("wNoMem", ...p2pmemWrite("t", 1, `${NO_CMB}\n`).slice(0, 1));
  add("wOn", ...p2pmemWrite("t", 1, "on\n"));
  add("wRp2", ...p2pmemWrite("t", 1, `${RP2}\n`));
  add("enableAcrossRootPorts", nsEnable("t", 1, true));
  add("wSwitch", ...p2pmemWrite("t", 1, `${CMB}\n`));
  add("enableSwitch", nsEnable("t", 1, true));
  add("busy", ...p2pmemWrite("t", 1, "0\n").slice(0, 1));
  add("disable", nsEnable("t", 1, false));
  add("rr", setAcsCtl("0000:00:03.0", ACS_CTRL_RR, ACS_CTRL_RR));
  add("mf", ...nvmetNamespace("mf", 1, `{{ns ${MF1} 1}}`), ...p2pmemWrite("mf", 1, `${MF0}\n`).slice(0, 1), nsEnable("mf", 1, true));
  add("private", { op: "p2pio", provider: CMB, length: 1 << 20, mode: "private" });
  add("oversize", { op: "p2pio", provider: CMB, length: 128 << 20, mode: "map" });
  add("switchIo", { op: "p2pio", provider: CMB, length: 65536, mode: "roundtrip", device: `{{ns ${NO_CMB} 1}}`, offset: 1 << 20 });
  add("rootPortIo", { op: "p2pio", provider: RP2, length: 65536, mode: "write", device: `{{ns ${NO_CMB} 1}}`, offset: 1 << 20 });
  return { scenario: { name: "boot-test", steps }, at };
}

describe.skipIf(reason !== null)("the real kernel under QEMU", () => {
  const files = kernelFiles();
  const { scenario: sc, at } = scenario();
  let amd0f: GuestRunResult;
  let zen: GuestRunResult;
  const step = (r: GuestRunResult, name: string): StepRecord => r.record.steps[at.get(name)!]!;

  beforeAll(async () => {
    amd0f = await runGuest({ machine: seedMultifunctionMachine("qemu64"), scenario: sc, kernel: files!.kernel, modules: files!.modules });
    zen = await runGuest({ machine: seedMultifunctionMachine("EPYC"), scenario: sc, kernel: files!.kernel, modules: files!.modules });
    console.log(`boots took ${amd0f.seconds.toFixed(1)} s (qemu64) and ${zen.seconds.toFixed(1)} s (EPYC)`);
  });

  it("returns one record per step with dmesg arrays and a boot log", () => {
    expect(amd0f.kernelRelease).toBe("6.12.117+deb12-amd64-p2pdma");
    expect(amd0f.record.steps.map((s) => s.index)).toEqual(sc.steps.map((_s, i) => i));
    for (const s of amd0f.record.steps) expect(Array.isArray(s.dmesg)).toBe(true);
    expect(amd0f.record.boot.dmesg[0]).toMatch(/^Linux version 6\.12\.117/);
    expect(amd0f.record.boot.dmesg.some((l) => /^\[\s*\d/.test(l))).toBe(false);
  });

  it("registers a 64 MiB CMB: size, published, available less the SQ, cmb text, log line (§12)", () => {
    const reads = amd0f.record.steps.slice(at.get("p2pmem")! - 2, at.get("p2pmem")! + 1).map((s) => s.value);
    expect(reads).toEqual(["67108864\n", "67043328\n", "1\n"]);
    expect(step(amd0f, "cmb").value).toBe("cmbloc : x00000062\ncmbsz  : x0004021d\n");
    expect(amd0f.record.boot.dmesg).toContain("nvme 0000:03:00.0: added peer-to-peer DMA memory " + /0x[0-9a-f]+-0x[0-9a-f]+/.exec(amd0f.record.boot.dmesg.find((l) => l.startsWith("nvme 0000:03:00.0: added"))!)![0]);
  });

  it("p2pmem writes: no such device, no P2P memory (newline kept), booleans (§12)", () => {
    expect(step(amd0f, "w10")).toMatchObject({ errno: "ENODEV", dmesg: ["pci-p2pdma: No such PCI device: 10"] });
    expect(step(amd0f, "wNoMem").errno).toBe("ENODEV");
    expect(step(amd0f, "wNoMem").dmesg[0]).toBe(`nvme ${NO_CMB}: PCI device has no peer-to-peer memory: ${NO_CMB}`);
    expect(step(amd0f, "wOn").value).toBe("1\n");
    expect(step(amd0f, "wRp2").value).toBe(`${RP2}\n`);
    expect(step(amd0f, "busy").errno).toBe("EBUSY");
  });

  it("enable across root ports: EINVAL on AMD 0xf with the no-common-bridge line, silent success on Zen (§12)", () => {
    expect(step(amd0f, "enableAcrossRootPorts")).toMatchObject({
      errno: "EINVAL",
      dmesg: [`nvme ${NO_CMB}: cannot be used for peer-to-peer DMA as the client and provider (${RP2}) do not share an upstream bridge or whitelisted host bridge`],
    });
    expect(step(zen, "enableAcrossRootPorts").errno).toBeUndefined();
    expect(step(zen, "enableAcrossRootPorts").dmesg).toEqual([]);
    expect(step(amd0f, "enableSwitch").errno).toBeUndefined();
  });

  it("ACS redirect on the root port of two functions: the two ACS lines, then the whitelist miss on AMD 0xf (§12)", () => {
    const acs = [
      `nvme ${MF1}: ACS redirect is set between the client and provider (${MF0})`,
      `nvme ${MF1}: to disable ACS redirect for this path, add the kernel parameter: pci=disable_acs_redir=0000:00:03.0`,
    ];
    expect(step(amd0f, "rr").value).toBe("0004\n");
    expect(step(amd0f, "mf").errno).toBe("EINVAL");
    expect(step(amd0f, "mf").dmesg).toEqual([
      ...acs,
      "pci 0000:00:00.0: Host bridge not in P2PDMA whitelist: 8086:29c0",
      `nvme ${MF1}: cannot be used for peer-to-peer DMA as the client and provider (${MF0}) do not share an upstream bridge or whitelisted host bridge`,
    ]);
    expect(step(zen, "mf").errno).toBeUndefined();
    expect(step(zen, "mf").dmesg).toEqual(acs);
  });

  it("userspace P2P: MAP_PRIVATE EINVAL, oversize ENOMEM, O_DIRECT in the switch works, across root ports EREMOTEIO on AMD 0xf (§12)", () => {
    expect(step(amd0f, "private")).toMatchObject({ errno: "EINVAL", dmesg: [`nvme ${CMB}: p2pkt: fail, attempted private mapping`] });
    expect(step(amd0f, "oversize").errno).toBe("ENOMEM");
    expect(step(amd0f, "switchIo").errno).toBeUndefined();
    expect(step(amd0f, "switchIo").detail).toMatchObject({ match: true, availableMapped: 67043328 - 65536, availableAfter: 67043328 });
    const across = step(amd0f, "rootPortIo");
    expect(across.errno).toBe("EREMOTEIO");
    // The pair's map type was computed (and cached) by the nvmet enable above, so the mapping
    // prints no verbose line of its own: only the block layer's.
    expect(across.dmesg).toHaveLength(1);
    expect(across.dmesg[0]).toMatch(/^critical target error, dev nvme\d+n1, sector 2048 op 0x1:\(WRITE\)/);
    expect(step(zen, "rootPortIo").errno).toBeUndefined();
  });
});

describe.skipIf(reason !== null)("runner failures", () => {
  it("kills QEMU and reports a guest that does not finish in time", async () => {
    const files = kernelFiles()!;
    const run = runGuest({ machine: { cpu: "EPYC", rootPorts: [] }, scenario: { steps: [] }, ...files, timeoutMs: 1500 });
    await expect(run).rejects.toBeInstanceOf(KernelRunError);
    await expect(run).rejects.toMatchObject({ code: "BOOT_TIMEOUT" });
  });
});

describe.skipIf(reason !== null)("p2pdma kernel run", () => {
  it("boots a bundled topology (unsupported parts dropped) and prints the kernel's record as JSON", async () => {
    const files = kernelFiles()!;
    const r = await kernelCli(process.cwd(), "kernel", "run", "--topology", "sample:two-root-ports-amd", "--drop-unsupported", "--kernel", files.kernel, "--modules", files.modules, "--json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { machine: { cpu: string }; unsupported: string[]; kernel: { steps: StepRecord[] } };
    expect(doc.machine.cpu).toBe("EPYC");
    expect(doc.unsupported.some((u) => u.includes("RDMA NIC"))).toBe(true);
    const size = doc.kernel.steps.find((s) => s.step.op === "read" && s.step.path === "/sys/bus/pci/devices/0000:02:00.0/p2pmem/size");
    expect(size?.value).toBe("67108864\n");
    const other = doc.kernel.steps.find((s) => s.step.op === "read" && s.step.path === "/sys/bus/pci/devices/0000:03:00.0/p2pmem/size");
    expect(other?.errno).toBe("ENOENT");
  });

  it("refuses a topology with unsupported parts unless told to drop them", async () => {
    const files = kernelFiles()!;
    const r = await kernelCli(process.cwd(), "kernel", "run", "--topology", "sample:reference", "--kernel", files.kernel, "--modules", files.modules);
    expect(r.code).toBe(1);
    expect(r.err).toContain("p2pmem card");
  });
});
