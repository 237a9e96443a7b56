import { describe, expect, it } from "vitest";
import { distance, distanceJson, P2pdmaCore } from "../src/index";
import { TopoBuilder } from "./helpers/topo";

function machine(platform = { cpuVendor: "unknown", cpuFamily: null, arch: "unknown" } as const) {
  const t = new TopoBuilder(platform);
  const hb = t.hostBridge();
  t.fn(hb.bus, 0, 0, { kind: "host", vendor: 0x8086, device: 0x29c0 });
  const rp = t.fn(hb.bus, 1, 0, { kind: "rp", acsUnknown: true, acsCtl: 0 });
  const usp = t.fn(t.below(rp), 0, 0, { kind: "usp" });
  const d0 = t.fn(t.below(usp), 0, 0, { kind: "dsp", acsUnknown: true, acsCtl: 0 });
  const d1 = t.fn(t.below(usp), 1, 0, { kind: "dsp", acsUnknown: true, acsCtl: 0 });
  const a = t.fn(t.below(d0), 0, 0, { kind: "ep" });
  const b = t.fn(t.below(d1), 0, 0, { kind: "ep" });
  const rp2 = t.fn(hb.bus, 2, 0, { kind: "rp" });
  const c = t.fn(t.below(rp2), 0, 0, { kind: "ep" });
  return { system: t.system, a, b, c };
}

describe("unknown facts are never guessed", () => {
  it("unknown ACS on the path: dependsOn lists the nodes, two cases (acs off / acs on x cpu)", () => {
    const m = machine();
    const core = P2pdmaCore.of(m.system);
    const r = distance(core, m.a, m.b, true);
    expect(r.distance).toBeNull();
    expect(r.log).toEqual([]);
    expect(r.dependsOn).toEqual(["acs:0000:02:00.0", "acs:0000:02:01.0", "cpu"]);
    expect(r.cases.map((c) => [c.assume, c.distance, c.mapType])).toEqual([
      ["acs off", 4, "BUS_ADDR"],
      ["acs on, cpu not-amd-zen", -1, "NOT_SUPPORTED"],
      ["acs on, cpu amd-zen", 4, "THRU_HOST_BRIDGE"],
    ]);
    expect(m.system.log.all()).toEqual([]);
    const j = distanceJson(r);
    expect(j.cases).toHaveLength(3);
  });

  it("assumptions settle them: --acs off, --cpu amd:0x19", () => {
    const m = machine();
    const core = P2pdmaCore.of(m.system);
    const off = distance(core, m.a, m.b, false, { assume: { acs: "off" } });
    expect(off.distance).toBe(4);
    expect(off.mapType).toBe("BUS_ADDR");
    expect(off.assumed).toEqual(["acs:0000:02:00.0", "acs:0000:02:01.0"]);
    const across = distance(core, m.a, m.c, false, { assume: { cpu: { vendor: "amd", family: 0x19 } } });
    expect(across.mapType).toBe("THRU_HOST_BRIDGE");
    expect(distance(core, m.a, m.c, false).cases.map((c) => c.assume)).toEqual(["cpu not-amd-zen", "cpu amd-zen"]);
  });

  it("4.20 does not consult the CPU; ACS nodes above the common bridge are not facts", () => {
    const m = machine();
    const core = P2pdmaCore.of(m.system);
    const r = distance(core, m.a, m.b, false, { kernel: "4.20" });
    expect(r.dependsOn).toEqual(["acs:0000:02:00.0", "acs:0000:02:01.0"]);
    expect(r.cases.map((c) => c.distance)).toEqual([4, -1]);
    expect(distance(core, m.a, m.c, false, { kernel: "4.20" }).distance).toBe(-1);
  });

  it("unknown host-bridge ids under an ACS block", () => {
    const t = new TopoBuilder();
    const hb = t.hostBridge();
    t.fn(hb.bus, 0, 0, { kind: "host", idsUnknown: true });
    const rp = t.fn(hb.bus, 1, 0, { kind: "rp", acsCtl: 0x4 });
    const a = t.fn(t.below(rp), 0, 0, { kind: "ep" });
    const b = t.fn(t.below(rp), 0, 1, { kind: "ep" });
    const r = distance(P2pdmaCore.of(t.system), a, b, false);
    expect(r.dependsOn).toEqual(["hostBridge:0000:00:00.0"]);
    expect(r.cases.map((c) => c.mapType)).toEqual(["NOT_SUPPORTED", "THRU_HOST_BRIDGE"]);
  });
});
