import { describe, expect, it } from "vitest";
import { KernelRunError } from "../../src/kernel/errors";
import { MARK } from "../../src/kernel/guest-init";
import { parseResults, stripTimestamp } from "../../src/kernel/record";
import type { ScenarioStep } from "../../src/kernel/scenario";
import { compileScenario, parseScenario, shellWord } from "../../src/kernel/scenario";

describe("scenario compilation", () => {
  it("quotes literals exactly and expands device placeholders at run time", () => {
    expect(shellWord("1\n")).toBe("'1\n'");
    expect(shellWord("")).toBe("''");
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(shellWord("/sys/class/nvme/{{ctrl 0000:03:00.0}}/cmb")).toBe(`'/sys/class/nvme/'"$(nvmectrl 0000:03:00.0)"'/cmb'`);
    expect(shellWord("{{ns 0000:05:00.0 1}}")).toBe(`"$(nsdev 0000:05:00.0 1)"`);
    expect(() => shellWord("{{ns 05:00.0 1}}")).toThrow(KernelRunError);
  });

  it("frames every step with markers and a dmesg capture", () => {
    const script = compileScenario({ steps: [{ op: "read", path: "/a" }, { op: "setpci", bdf: "0000:00:01.0", reg: "ECAP_ACS+6.w", value: "0004:0004" }] }, 3);
    expect(script).toContain("EXPECT_NAMESPACES=3");
    expect(script).toContain(`echo "${MARK} STEP 0"\np2pkt read '/a'\nstep_dmesg 0`);
    expect(script).toContain("setpci -s 0000:00:01.0 ECAP_ACS+6.w=0004:0004 && setpci -s 0000:00:01.0 ECAP_ACS+6.w");
  });

  it("validates scenario files", () => {
    expect(parseScenario([{ op: "ls", path: "/" }], "x").steps).toHaveLength(1);
    expect(() => parseScenario({ steps: [{ op: "format-disk" }] }, "x.json")).toThrow(/unknown op/);
    expect(() => parseScenario({ steps: [{ op: "write", path: "/p" }] }, "x.json")).toThrow(/"value" must be a string/);
    expect(() => parseScenario({ steps: [{ op: "p2pio", provider: "0000:03:00.0", length: 4096, mode: "write" }] }, "x")).toThrow(/needs a device/);
  });
});

describe("results parsing", () => {
  const steps: ScenarioStep[] = [
    { op: "write", path: "/p", value: "10\n" },
    { op: "shell", command: "true" },
  ];
  const text = [
    "noise",
    `${MARK} BEGIN`,
    `${MARK} BOOT`,
    "[    0.000000] Linux version 6.12.117",
    `${MARK} ENDBOOT`,
    `${MARK} STEP 0`,
    `{"errno":"ENODEV","written":-1}`,
    `${MARK} DMESG 0`,
    "[   12.345678] pci-p2pdma: No such PCI device: 10",
    `${MARK} ENDSTEP 0`,
    `${MARK} STEP 1`,
    `{"value":"out\\n"}`,
    `${MARK} RC 0`,
    `${MARK} DMESG 1`,
    `${MARK} ENDSTEP 1`,
    `${MARK} END`,
  ].join("\r\n");

  it("returns values, errnos and per-step dmesg without timestamps", () => {
    const r = parseResults(text, steps);
    expect(r.boot.dmesg).toEqual(["Linux version 6.12.117"]);
    expect(r.steps[0]).toEqual({ index: 0, step: steps[0], errno: "ENODEV", detail: { written: -1 }, dmesg: ["pci-p2pdma: No such PCI device: 10"] });
    expect(r.steps[1]).toEqual({ index: 1, step: steps[1], value: "out\n", exitCode: 0, dmesg: [] });
  });

  it("says where a guest stopped", () => {
    expect(() => parseResults("", steps)).toThrow(/never printed its results/);
    const cut = text.split(`${MARK} STEP 1`)[0]!;
    expect(() => parseResults(cut, steps)).toThrow(/after step 0 of 2/);
  });

  it("strips only the timestamp", () => {
    expect(stripTimestamp("[    5.000001] nvme 0000:03:00.0: x")).toBe("nvme 0000:03:00.0: x");
    expect(stripTimestamp("[    5.000001] ")).toBe("");
  });
});
