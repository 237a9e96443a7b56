import { describe, expect, it } from "vitest";
import { KDevice } from "@p2pdma/pci-core";
import { acsListText, distance, distanceMany, P2pdmaCore } from "../src/index";
import { RR_CR, seedMachine, TopoBuilder } from "./helpers/topo";

const texts = (r: { log: readonly { text: string }[] }): string[] => r.log.map((l) => l.text);

function vfMachine() {
  const t = new TopoBuilder();
  const hb = t.hostBridge();
  t.fn(hb.bus, 0, 0, { kind: "host", vendor: 0x8086, device: 0x29c0 });
  const rp = t.fn(hb.bus, 1, 0, { kind: "rp", acsCtl: 0 });
  const usp1 = t.fn(t.below(rp), 0, 0, { kind: "usp" });
  const dsp1a = t.fn(t.below(usp1), 0, 0, { kind: "dsp" });
  const dsp1b = t.fn(t.below(usp1), 1, 0, { kind: "dsp" });
  const usp2 = t.fn(t.below(dsp1a), 0, 0, { kind: "usp" });
  const dsp2a = t.fn(t.below(usp2), 0, 0, { kind: "dsp" });
  const a = t.fn(t.below(dsp2a), 0, 0, { kind: "ep" });
  const b = t.fn(t.below(dsp1b), 0, 0, { kind: "ep" });
  const fn0 = t.fn(t.below(dsp1b), 1, 0, { kind: "ep" });
  const fn1 = t.fn(t.below(dsp1b), 1, 1, { kind: "ep" });
  const pf = t.fn(t.below(dsp2a), 1, 0, { kind: "ep" });
  const vf1 = t.fn(t.below(dsp2a), 1, 1, { kind: "ep", physfn: pf });
  const vf2 = t.fn(t.below(dsp2a), 1, 2, { kind: "ep", physfn: pf });
  return { t, system: t.system, a, b, fn0, fn1, pf, vf1, vf2, rp };
}

describe.each(["4.20", "6.12"] as const)("distance vectors of spec 10 / 2.6 (kernel %s)", (kernel) => {
  it("same function 0, fn0/fn1 2, VF1/VF2 2, switch siblings 4, nested 6", () => {
    const m = vfMachine();
    const core = P2pdmaCore.of(m.system);
    const d = (p: typeof m.a, c: typeof m.a) => distance(core, p, c, false, { kernel }).distance;
    expect(d(m.a, m.a)).toBe(0);
    expect(d(m.fn0, m.fn1)).toBe(2);
    expect(d(m.vf1, m.vf2)).toBe(2);
    expect(d(m.b, m.fn0)).toBe(2);
    expect(d(m.a, m.b)).toBe(6);
    expect(distance(core, m.a, m.b, false, { kernel }).mapType).toBe("BUS_ADDR");
    const s = seedMachine();
    const sc = P2pdmaCore.of(s.system);
    expect(distance(sc, s.nic, s.ssd, false, { kernel }).distance).toBe(4);
  });
});

describe("4.20 negative results and warnings (spec 2.6, 2.7)", () => {
  it("different root ports: -1 and the 'do not share an upstream bridge' line", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    const r = distance(core, s.ssd, s.other, true, { kernel: "4.20" });
    expect(r.distance).toBe(-1);
    expect(texts(r)).toEqual([
      "pci 0000:07:00.0: cannot be used for peer-to-peer DMA as the client and provider (0000:04:00.0) do not share an upstream bridge",
    ]);
    expect(distance(core, s.ssd, s.other, false, { kernel: "4.20" }).log).toEqual([]);
  });

  it("ACS redirect on the path: -2 and the two lines with the ;-joined list", () => {
    const s = seedMachine({ dspAcs: RR_CR });
    const core = P2pdmaCore.of(s.system);
    const r = distance(core, s.card, s.nic, true, { kernel: "4.20" });
    expect(r.distance).toBe(-1);
    expect(r.clients[0]!.verdict!.distance).toBe(-2);
    expect(texts(r)).toEqual([
      "pci 0000:03:00.0: cannot be used for peer-to-peer DMA as ACS redirect is set between the client and provider (0000:06:00.0)",
      "pci 0000:03:00.0: to disable ACS redirect for this path, add the kernel parameter: pci=disable_acs_redir=0000:02:03.0;0000:02:00.0",
    ]);
  });

  it("ACS is tested on the provider chain up to and including the common node, the client chain excluding it", () => {
    const t = new TopoBuilder();
    const hb = t.hostBridge();
    const rp = t.fn(hb.bus, 1, 0, { kind: "rp", acsCtl: RR_CR });
    const usp = t.fn(t.below(rp), 0, 0, { kind: "usp", acsCtl: 0 });
    const d0 = t.fn(t.below(usp), 0, 0, { kind: "dsp", acsCtl: 0 });
    const d1 = t.fn(t.below(usp), 1, 0, { kind: "dsp", acsCtl: 0 });
    const a = t.fn(t.below(d0), 0, 0, { kind: "ep" });
    const b = t.fn(t.below(d1), 0, 0, { kind: "ep" });
    const core = P2pdmaCore.of(t.system);
    const r = distance(core, a, b, false, { kernel: "4.20" });
    expect(r.distance).toBe(4); // the root port above the common USP is never read
    expect(r.clients[0]!.verdict!.acsChecked).toEqual(["0000:03:00.0", "0000:02:00.0", "0000:01:00.0", "0000:04:00.0", "0000:02:01.0"]);
    usp.config.write16(0x106, 0x0004); // RR on the common node counts (provider side)
    expect(distance(core, a, b, false, { kernel: "4.20" }).clients[0]!.verdict!.distance).toBe(-2);
    // An endpoint's own ACS counts too.
    usp.config.write16(0x106, 0);
    expect(distance(core, a, b, false, { kernel: "4.20" }).distance).toBe(4);
  });
});

describe("6.12 map types (spec 2.17.2, section 12)", () => {
  it("q35 host bridge 8086:29c0, non-Zen CPU, across root ports: NOT_SUPPORTED, no whitelist line", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    const r = distance(core, s.ssd, s.other, true);
    expect(r.distance).toBe(-1);
    expect(r.mapType).toBe("NOT_SUPPORTED");
    expect(r.clients[0]!.verdict!.distance).toBe(6); // 4 + 2: both full chains
    expect(texts(r)).toEqual([
      "pci 0000:07:00.0: cannot be used for peer-to-peer DMA as the client and provider (0000:04:00.0) do not share an upstream bridge or whitelisted host bridge",
    ]);
  });

  it("AMD family 0x17 CPU: THRU_HOST_BRIDGE with the distance counted", () => {
    const s = seedMachine({ platform: { cpuVendor: "amd", cpuFamily: 0x17, arch: "x86" } });
    const core = P2pdmaCore.of(s.system);
    const r = distance(core, s.ssd, s.other, true);
    expect(r.distance).toBe(6);
    expect(r.mapType).toBe("THRU_HOST_BRIDGE");
    expect(r.log).toEqual([]);
    expect(r.clients[0]!.verdict!.hostBridge!.rule).toBe("amd-cpu");
    const r16 = distance(P2pdmaCore.of(seedMachine({ platform: { cpuVendor: "amd", cpuFamily: 0x16, arch: "x86" } }).system), s.ssd, s.other, false);
    void r16;
  });

  it("two endpoints on two root ports with no switch: distance 2 + 2 = 4", () => {
    const t = new TopoBuilder({ cpuVendor: "amd", cpuFamily: 0x19, arch: "x86" });
    const hb = t.hostBridge();
    t.fn(hb.bus, 0, 0, { kind: "host", vendor: 0x1022, device: 0x1480 });
    const r1 = t.fn(hb.bus, 1, 0, { kind: "rp" });
    const r2 = t.fn(hb.bus, 2, 0, { kind: "rp" });
    const a = t.fn(t.below(r1), 0, 0, { kind: "ep" });
    const b = t.fn(t.below(r2), 0, 0, { kind: "ep" });
    const r = distance(P2pdmaCore.of(t.system), a, b, false);
    expect(r.distance).toBe(4);
    expect(r.mapType).toBe("THRU_HOST_BRIDGE");
  });

  it("ACS redirect on the path, non-Zen: two ACS lines, whitelist line on 00:00.0, then the refusal", () => {
    const s = seedMachine({ dspAcs: RR_CR });
    const core = P2pdmaCore.of(s.system);
    const r = distance(core, s.card, s.nic, true);
    expect(r.distance).toBe(-1);
    expect(r.clients[0]!.verdict!.distance).toBe(4);
    expect(texts(r)).toEqual([
      "pci 0000:03:00.0: ACS redirect is set between the client and provider (0000:06:00.0)",
      "pci 0000:03:00.0: to disable ACS redirect for this path, add the kernel parameter: pci=disable_acs_redir=0000:02:03.0;0000:02:00.0",
      "pci 0000:00:00.0: Host bridge not in P2PDMA whitelist: 8086:29c0",
      "pci 0000:03:00.0: cannot be used for peer-to-peer DMA as the client and provider (0000:06:00.0) do not share an upstream bridge or whitelisted host bridge",
    ]);
    // Not verbose: the whitelist line is still printed (the ACS flag is the warn flag).
    expect(texts(distance(core, s.card, s.nic, false))).toEqual(["pci 0000:00:00.0: Host bridge not in P2PDMA whitelist: 8086:29c0"]);
  });

  it("ACS redirect with a whitelisted host bridge (Skylake-E 8086:2020): THRU_HOST_BRIDGE", () => {
    const s = seedMachine({ dspAcs: RR_CR, hostId: 0x2020 });
    const r = distance(P2pdmaCore.of(s.system), s.card, s.nic, true);
    expect(r.mapType).toBe("THRU_HOST_BRIDGE");
    expect(r.distance).toBe(4);
    expect(r.clients[0]!.verdict!.hostBridge!.rule).toBe("table-entry");
    expect(texts(r)).toHaveLength(2);
  });

  it("REQ_SAME_HOST_BRIDGE entries pass within one host bridge and fail across two", () => {
    const t = new TopoBuilder();
    const mk = (domain: number) => {
      const hb = t.hostBridge({ domain });
      t.fn(hb.bus, 0, 0, { kind: "host", vendor: 0x8086, device: 0x3c00 });
      const r = t.fn(hb.bus, 1, 0, { kind: "rp" });
      const r2 = t.fn(hb.bus, 2, 0, { kind: "rp" });
      return { a: t.fn(t.below(r), 0, 0, { kind: "ep" }), b: t.fn(t.below(r2), 0, 0, { kind: "ep" }) };
    };
    const x = mk(0);
    const y = mk(1);
    const core = P2pdmaCore.of(t.system);
    expect(distance(core, x.a, x.b, false).mapType).toBe("THRU_HOST_BRIDGE");
    const across = distance(core, x.a, y.a, false);
    expect(across.mapType).toBe("NOT_SUPPORTED");
    expect(across.clients[0]!.verdict!.hostBridge!.rule).toBe("same-host-bridge-required");
  });

  it("Skylake-SP: no 00.0 function, the first device is a whitelisted Root Port", () => {
    const t = new TopoBuilder();
    const hb = t.hostBridge({ bus: 0x17 });
    const r1 = t.fn(hb.bus, 0, 1, { kind: "rp", vendor: 0x8086, device: 0x2030 });
    const r2 = t.fn(hb.bus, 2, 0, { kind: "rp", vendor: 0x8086, device: 0x2031 });
    const a = t.fn(t.below(r1), 0, 0, { kind: "ep" });
    const b = t.fn(t.below(r2), 0, 0, { kind: "ep" });
    const r = distance(P2pdmaCore.of(t.system), a, b, false);
    expect(r.mapType).toBe("THRU_HOST_BRIDGE");
    expect(r.clients[0]!.verdict!.hostBridge!.checks[0]!.anchor).toBe("root-port");
  });

  it("provider == client is BUS_ADDR distance 0 unless its own ACS redirects", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    expect(distance(core, s.ssd, s.ssd, false).distance).toBe(0);
    expect(distance(core, s.ssd, s.ssd, false).mapType).toBe("BUS_ADDR");
  });

  it("non-PCI client: -1 at once, the warning only when verbose", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    const rxe = new KDevice("rxe0", null);
    const r = distanceMany(core, s.ssd, [rxe, s.nic], true);
    expect(r.distance).toBe(-1);
    expect(texts(r)).toEqual(["rxe0: cannot be used for peer-to-peer DMA as it is not a PCI device"]);
    expect(distanceMany(core, s.ssd, [rxe], false).log).toEqual([]);
    const disk = new KDevice("nvme0n1", new KDevice("nvme0", s.ssd));
    expect(distanceMany(core, s.card, [disk], false).distance).toBe(4);
  });
});

describe("ACS list buffer (6.12: 128 bytes)", () => {
  it("nine BDFs fit, ten are truncated to 127 characters", () => {
    const bdfs = Array.from({ length: 10 }, (_, i) => `0000:0${i}:00.0`);
    expect(acsListText(bdfs.slice(0, 9), 128)).toEqual({ text: bdfs.slice(0, 9).join(";"), truncated: false, full: bdfs.slice(0, 9).join(";") });
    const t = acsListText(bdfs, 128);
    expect(t.truncated).toBe(true);
    expect(t.text).toHaveLength(127);
    expect(t.text.endsWith(";0000:09:00")).toBe(true);
  });
});
