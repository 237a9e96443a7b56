import { describe, expect, it } from "vitest";
import { applyAcsKernelParams, parsePciParams } from "../src/acs-params";
import { systemFromFacts } from "../src/machine/from-facts";
import { seedFacts } from "./helpers/facts";
import type { KernelMode } from "../src/kernel-mode";

const RR_CR = 0x0c;

function boot(cmdline: string[], mode: KernelMode, opts: { iommu?: boolean; dspCtl?: number } = {}) {
  const sys = systemFromFacts(seedFacts(opts.dspCtl ?? RR_CR));
  const lines = applyAcsKernelParams(sys, cmdline, { mode, iommu: opts.iommu ?? false });
  const ctl = (bdf: string) => {
    const acs = sys.getDeviceByName(bdf)!.acs();
    return acs === null || acs === "unknown" ? acs : acs.ctl;
  };
  return { sys, lines: lines.map((l) => l.text), ctl };
}

describe("pci=disable_acs_redir= (spec 1.4)", () => {
  it("pci_setup splits pci= options at commas; later values win; 4.20 has no config_acs", () => {
    expect(parsePciParams(["pci=disable_acs_redir=0000:02:00.0;0000:02:01.0,noaer"], "6.12")).toEqual({
      disableAcsRedir: "0000:02:00.0;0000:02:01.0",
      unknown: ["noaer"],
    });
    expect(parsePciParams(["pci=config_acs=xx1@0000:02:00.0"], "4.20").unknown).toEqual(["config_acs=xx1@0000:02:00.0"]);
  });

  for (const mode of ["4.20", "6.12"] as const) {
    it(`${mode}: clears RR, CR and EC on the matched ports only`, () => {
      const { ctl } = boot(["pci=disable_acs_redir=0000:02:00.0;02:01.0"], mode);
      expect(ctl("0000:02:00.0")).toBe(0);
      expect(ctl("0000:02:01.0")).toBe(0);
      expect(ctl("0000:02:02.0")).toBe(RR_CR);
    });

    it(`${mode}: a path spec (lspci -t style) and a pci:vendor:device spec match`, () => {
      const path = boot(["pci=disable_acs_redir=0000:00:01.0/00.0/02.0"], mode);
      expect(path.ctl("0000:02:02.0")).toBe(0);
      expect(path.ctl("0000:02:00.0")).toBe(RR_CR);
      const ids = boot(["pci=disable_acs_redir=pci:10b5:8796"], mode);
      expect(["0000:02:00.0", "0000:02:01.0", "0000:02:02.0", "0000:02:03.0"].map(ids.ctl)).toEqual([0, 0, 0, 0]);
    });
  }

  it("4.20 logs `disabled ACS redirect` and warns on a matched function without ACS", () => {
    const { lines } = boot(["pci=disable_acs_redir=0000:02:00.0;0000:04:00.0"], "4.20");
    expect(lines).toEqual([
      "pci 0000:02:00.0: disabled ACS redirect",
      "pci 0000:04:00.0: cannot disable ACS redirect for this hardware as it does not have ACS capabilities",
    ]);
  });

  it("6.12 logs `Configured ACS to %#06x` and skips a function without ACS silently", () => {
    const { lines } = boot(["pci=disable_acs_redir=0000:02:00.0;0000:04:00.0"], "6.12");
    expect(lines).toEqual(["pci 0000:02:00.0: Configured ACS to 0x0000"]);
  });

  it("unparseable specs log once per boot (4.20 names the parameter)", () => {
    expect(boot(["pci=disable_acs_redir=bogus"], "4.20").lines).toEqual([
      "PCI: Can't parse disable_acs_redir parameter: bogus",
    ]);
    expect(boot(["pci=disable_acs_redir=bogus"], "6.12").lines).toEqual(["PCI: Can't parse ACS command line parameter"]);
  });

  it("with an IOMMU the kernel enables SV/RR/CR/UF first; 4.20 then clears only RR/CR/EC", () => {
    const b = boot(["pci=disable_acs_redir=0000:02:00.0"], "4.20", { iommu: true, dspCtl: 0 });
    expect(b.ctl("0000:02:00.0")).toBe(0x11); // SV | UF stay
    expect(b.ctl("0000:02:01.0")).toBe(0x1d); // SV RR CR UF
  });

  it("6.12.117 recomputes from the firmware value, dropping the IOMMU-enabled SV/UF too", () => {
    const b = boot(["pci=disable_acs_redir=0000:02:00.0"], "6.12", { iommu: true, dspCtl: 0 });
    expect(b.ctl("0000:02:00.0")).toBe(0x00);
    expect(b.ctl("0000:02:01.0")).toBe(0x1d);
  });

  it("6.12 config_acs: bit strings, x keeps the firmware bit, applied after disable_acs_redir", () => {
    const b = boot(["pci=config_acs=1x0x1@0000:02:00.0"], "6.12");
    // mask: bits 4, 2, 0; flags: bit 4 and bit 0 set, bit 2 (RR) cleared; CR (bit 3) from firmware.
    expect(b.ctl("0000:02:00.0")).toBe(0x19);
    expect(b.lines).toEqual(["pci 0000:02:00.0: Configured ACS to 0x0019"]);
    expect(boot(["pci=config_acs=12@0000:02:00.0"], "6.12").lines).toContain("pci 0000:02:00.0: Invalid ACS flags... Ignoring");
    expect(boot(["pci=config_acs=0000:02:00.0"], "6.12").lines).toContain("pci 0000:00:01.0: ACS Flags missing"); // first function that has ACS
  });
});
