import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ENODEV } from "@p2pdma/pci-core";
import { addResource, enableShow, enableStore, kstrtobool, P2pdmaCore, publish } from "../src/index";
import { seedMachine } from "./helpers/topo";

function machine() {
  const s = seedMachine();
  const core = P2pdmaCore.of(s.system);
  addResource(core, s.ssd, 2, 0, 0);
  publish(core, s.ssd, true);
  addResource(core, s.other, 2, 0, 0); // registered, unpublished
  return { s, core };
}

describe.each(["4.20", "6.12"] as const)("pci_p2pdma_enable_store (spec 2.14, section 12; kernel %s)", (kernel) => {
  it("booleans", () => {
    const { core } = machine();
    for (const t of ["1\n", "1", "y", "Y", "yes\n", "on", "On\n"]) expect(enableStore(core, t, { kernel })).toEqual({ ret: 0, use: true, log: [] });
    for (const t of ["0", "0\n", "off\n", "No", "n", "N\n", "oF"]) expect(enableStore(core, t, { kernel })).toEqual({ ret: 0, use: false, log: [] });
  });

  it("a published provider by name (trailing newline tolerated)", () => {
    const { s, core } = machine();
    const r = enableStore(core, "0000:04:00.0\n", { kernel });
    expect(r.ret).toBe(0);
    expect(r.use).toBe(true);
    expect(r.p2pDev).toBe(s.ssd);
    expect(enableShow(r.p2pDev!, true)).toBe("0000:04:00.0\n");
  });

  it("an existing device without published memory: -ENODEV, out-params already written, newline kept in the line", () => {
    const { s, core } = machine();
    const r = enableStore(core, "0000:07:00.0\n", { kernel });
    expect(r.ret).toBe(-ENODEV);
    expect(r.use).toBe(true);
    expect(r.p2pDev).toBe(s.other);
    expect(r.log).toEqual([{ level: "err", text: "pci 0000:07:00.0: PCI device has no peer-to-peer memory: 0000:07:00.0\n", device: "0000:07:00.0" }]);
  });

  it("no such device: 10, 01, 2, empty, ' 1', a BDF without domain, a missing BDF, maybe", () => {
    const { core } = machine();
    for (const t of ["10\n", "01\n", "2\n", "\n", "", " 1\n", "04:00.0\n", "0000:99:00.0\n", "maybe", "1x"]) {
      const r = enableStore(core, t, { kernel });
      expect(r.ret, JSON.stringify(t)).toBe(-ENODEV);
      expect(r.use).toBeUndefined();
      expect(r.log.map((l) => l.text)).toEqual([`pci-p2pdma: No such PCI device: ${t.split("\n")[0]}`]);
    }
  });

  it("enable_show", () => {
    expect(enableShow(null, false)).toBe("0\n");
    expect(enableShow(null, true)).toBe("1\n");
    expect(enableShow(null, true, { configPciP2pdma: false })).toBe("none\n");
  });
});

describe("kernel differences", () => {
  it("true/false: 6.12 kstrtobool knows t/f, 4.20 strtobool does not", () => {
    const { core } = machine();
    expect(enableStore(core, "true\n").use).toBe(true);
    expect(enableStore(core, "false\n").use).toBe(false);
    expect(enableStore(core, "true\n", { kernel: "4.20" }).ret).toBe(-ENODEV);
    expect(kstrtobool(new TextEncoder().encode("t"), "4.20")).toBeNull();
  });

  it("compiled out: any text accepted as use=false", () => {
    const { core } = machine();
    expect(enableStore(core, "garbage", { configPciP2pdma: false })).toEqual({ ret: 0, use: false, log: [] });
  });

  it("text after a NUL is invisible; a control character after 1 makes it a boolean", () => {
    const { core } = machine();
    expect(enableStore(core, "1\u0000junk").use).toBe(true);
    expect(enableStore(core, "1\t").use).toBe(true);
  });
});

describe("property: enable_store is total", () => {
  it("any string gives 0 or -ENODEV, never throws, and -ENODEV always logs one line", () => {
    const { core } = machine();
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (t) => {
        const r = enableStore(core, t);
        expect([0, -ENODEV]).toContain(r.ret);
        if (r.ret === -ENODEV) expect(r.log).toHaveLength(1);
        else expect(typeof r.use).toBe("boolean");
      }),
    );
  });
});
