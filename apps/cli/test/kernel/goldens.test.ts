/**
 * The golden records (golden/*.json, produced by make-goldens.ts on the real kernel) stay in
 * step with the scenarios that made them and hold the truths other layers test against.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { KernelRecord, StepRecord } from "../../src/kernel/record";
import { goldenRuns, P2PMEM_FORMS } from "./golden-scenarios";
import { GOLDEN_DIR } from "./kernel-env";

interface Golden {
  origin: string;
  name: string;
  record: KernelRecord;
}

const load = (name: string): Golden => JSON.parse(readFileSync(join(GOLDEN_DIR, `${name}.json`), "utf8")) as Golden;
const byNote = (g: Golden, note: string): StepRecord => g.record.steps.find((s) => s.step.note === note)!;

describe("golden records of the real 6.12.117 kernel", () => {
  it.each(goldenRuns().map((r) => [r.name, r] as const))("%s matches its scenario and names its origin", (name, run) => {
    const g = load(name);
    expect(g.origin).toContain("make-goldens.ts");
    expect(g.origin).toContain("6.12.117");
    expect(JSON.parse(JSON.stringify(g.record.steps.map((s) => s.step)))).toEqual(JSON.parse(JSON.stringify(run.scenario.steps)));
  });

  it("p2pmem write forms: errno and read-back per form", () => {
    const g = load("nvmet-p2pmem-writes");
    const result = new Map(
      P2PMEM_FORMS.map((f) => {
        const w = byNote(g, `write ${JSON.stringify(f)}`);
        const back = g.record.steps[w.index + 1]!;
        return [f, w.errno ?? back.value] as const;
      }),
    );
    for (const t of ["1\n", "yes\n", "y\n", "Y\n", "on\n", "true\n", "1", "y", "yx\n", "oN\n"]) expect(result.get(t)).toBe("1\n");
    for (const f of ["0\n", "no\n", "n\n", "N\n", "off\n", "false\n", "0", "off", "of\n"]) expect(result.get(f)).toBe("0\n");
    for (const e of ["10\n", "01\n", "2\n", "\n", " 1\n", "1 \n", "o\n", "maybe\n", "1x\n", "0x\n", "03:00.0\n", "0000:05:00.0\n", "0000:99:00.0\n"]) {
      expect(result.get(e)).toBe("ENODEV");
    }
    // a zero-byte write never reaches nvmet: configfs answers EFAULT
    expect(result.get("")).toBe("EFAULT");
    expect(result.get("0000:03:00.0")).toBe("0000:03:00.0\n");
    expect(byNote(g, 'write "0000:05:00.0\\n"').dmesg).toEqual(["nvme 0000:05:00.0: PCI device has no peer-to-peer memory: 0000:05:00.0", ""]);
  });

  it("CMB sizes: 1 MiB silently ignored, 2/64/128 MiB registered, legacy-cmb the same", () => {
    const g = load("cmb-sizes");
    const sizes = g.record.steps.filter((s) => s.step.op === "read" && s.step.path.endsWith("p2pmem/size")).map((s) => s.value ?? s.errno);
    expect(sizes).toEqual(["ENOENT", "2097152\n", "67108864\n", "134217728\n", "ENOENT", "2097152\n", "67108864\n", "134217728\n"]);
    expect(g.record.boot.dmesg.filter((l) => l.includes("added peer-to-peer DMA memory"))).toHaveLength(6);
  });
});
