/**
 * The model builds the machine QEMU builds: the same functions at the same addresses with the
 * same ids as the real kernel's `lspci -nn` in golden/seed-sysfs.json, the root ports' ACS
 * capability 0x5f, no ACS on the x3130 ports.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSystem, findExtCapability, pciCapIds } from "@p2pdma/pci-core";
import { topologyOfMachine } from "../../../src/kernel/model";
import { compareRecords, controllerNames, normaliseNames } from "../../../src/kernel/compare";
import type { KernelRecord } from "../../../src/kernel/record";
import { seedMachine } from "../golden-scenarios";
import { GOLDEN_DIR } from "../kernel-env";

const seed = (JSON.parse(readFileSync(join(GOLDEN_DIR, "seed-sysfs.json"), "utf8")) as { record: KernelRecord }).record;

describe("topologyOfMachine", () => {
  const { system } = buildSystem(topologyOfMachine(seedMachine("EPYC")));

  it("has the functions and ids of the real kernel's lspci -nn", () => {
    const lspci = seed.steps[1]!.value!;
    const real = [...lspci.matchAll(/^(\S+) .*\[([0-9a-f]{4}):([0-9a-f]{4})\]/gm)].map((m) => `0000:${m[1]} ${m[2]}:${m[3]}`);
    const model = system.devices.map((d) => `${d.name} ${d.config.read(0, 2).toString(16).padStart(4, "0")}:${d.config.read(2, 2).toString(16).padStart(4, "0")}`);
    expect(model).toEqual(real);
  });

  it("gives root ports ACS capability 0x5f and the switch ports none", () => {
    const acs = (bdf: string): number | null => {
      const d = system.getDeviceByName(bdf)!;
      const cap = findExtCapability(d.config, pciCapIds.PCI_EXT_CAP_ID_ACS);
      return cap ? d.config.read(cap + 4, 2) : null;
    };
    expect([acs("0000:00:01.0"), acs("0000:00:02.0"), acs("0000:01:00.0"), acs("0000:02:00.0")]).toEqual([0x5f, 0x5f, null, null]);
  });
});

describe("name normalisation", () => {
  it("keys nvmeN and nvmeNnM by PCI address from the boot log", () => {
    const names = controllerNames(seed.boot.dmesg);
    expect(names["nvme3"]).toBe("0000:06:00.0");
    expect(normaliseNames("critical target error, dev nvme2n1, sector 2048", names)).toBe("critical target error, dev nvme[0000:05:00.0]n1, sector 2048");
    expect(normaliseNames("nvme nvme0: 1/0/0 default/read/poll queues", names)).toBe("nvme nvme[0000:03:00.0]: 1/0/0 default/read/poll queues");
  });

  it("reports each differing field and log line with its step", () => {
    const k: KernelRecord = { boot: { dmesg: [] }, steps: [{ index: 0, step: { op: "read", path: "/x" }, errno: "ENODEV", dmesg: ["a", "b"] }] };
    const c = compareRecords(k, { boot: { dmesg: [] }, gaps: [], controllers: {}, steps: [{ index: 0, step: { op: "read", path: "/x" }, value: "1\n", dmesg: ["a"] }] });
    expect(c.differences).toEqual([
      { step: 0, field: "value", kernel: undefined, model: "1\n" },
      { step: 0, field: "errno", kernel: "ENODEV", model: undefined },
      { step: 0, field: "dmesg[1]", kernel: "b", model: undefined },
    ]);
  });
});
