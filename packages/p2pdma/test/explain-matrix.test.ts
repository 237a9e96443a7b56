import { describe, expect, it } from "vitest";
import { loadTopologyFile, readSample } from "@p2pdma/pci-core";
import { distanceJson, distanceMany, explain, linkWord, P2pdmaCore, p2pMatrix, provisionFromModels, findMany, SplitMix32 } from "../src/index";
import { RR_CR, seedMachine, TopoBuilder } from "./helpers/topo";

describe("explain (spec 11.5)", () => {
  it("names both chains, the common bridge, each redirecting port with its bits, the rule and the fix", () => {
    const s = seedMachine({ dspAcs: RR_CR });
    const core = P2pdmaCore.of(s.system);
    const e = explain(core, s.card, [s.nic]);
    const c = e.cases[0]!.clients[0]!;
    expect(c.commonBridge).toBe("0000:01:00.0");
    expect(c.acsRedirect.map((h) => [h.bdf, h.bits, h.side])).toEqual([
      ["0000:02:03.0", ["RR", "CR"], "provider"],
      ["0000:02:00.0", ["RR", "CR"], "client"],
    ]);
    expect(c.disableAcsRedir).toBe("0000:02:03.0;0000:02:00.0");
    expect(c.hostBridge).toEqual({ ids: ["8086:29c0"], whitelisted: false, rule: "not-in-table", sameHostBridge: true });
    expect(e.prose.join("\n")).toContain("pci=disable_acs_redir=0000:02:03.0;0000:02:00.0");
    expect(s.system.log.all()).toEqual([]); // explaining is pure
  });

  it("distanceJson follows the CLI contract", () => {
    const s = seedMachine();
    const j = distanceJson(distanceMany(P2pdmaCore.of(s.system), s.ssd, [s.nic], false));
    expect(Object.keys(j)).toEqual(["kernel", "provider", "distance", "mapType", "clients", "log"]);
    expect(j.clients[0]).toMatchObject({ client: "0000:03:00.0", distance: 4, mapType: "BUS_ADDR", commonBridge: "0000:01:00.0", acsRedirect: [], hostBridge: null });
  });
});

describe("matrix and nvidia-smi words", () => {
  it("X, PIX (one switch or one port), PXB (nested), PHB (same host bridge), NODE/SYS across host bridges", () => {
    const t = new TopoBuilder();
    const hb0 = t.hostBridge({ domain: 0, numaNode: 0 });
    const hb1 = t.hostBridge({ domain: 1, numaNode: 0 });
    const hb2 = t.hostBridge({ domain: 2, numaNode: 1 });
    const rp = t.fn(hb0.bus, 1, 0, { kind: "rp" });
    const usp = t.fn(t.below(rp), 0, 0, { kind: "usp" });
    const d0 = t.fn(t.below(usp), 0, 0, { kind: "dsp" });
    const d1 = t.fn(t.below(usp), 1, 0, { kind: "dsp" });
    const a = t.fn(t.below(d0), 0, 0, { kind: "ep" });
    const a1 = t.fn(t.below(d0), 0, 1, { kind: "ep" });
    const usp2 = t.fn(t.below(d1), 0, 0, { kind: "usp" });
    const b = t.fn(t.below(t.fn(t.below(usp2), 0, 0, { kind: "dsp" })), 0, 0, { kind: "ep" });
    const c = t.fn(t.below(t.fn(t.below(usp), 2, 0, { kind: "dsp" })), 0, 0, { kind: "ep" });
    const rp2 = t.fn(hb0.bus, 2, 0, { kind: "rp" });
    const e = t.fn(t.below(rp2), 0, 0, { kind: "ep" });
    const f = t.fn(t.below(t.fn(hb1.bus, 1, 0, { kind: "rp" })), 0, 0, { kind: "ep" });
    const g = t.fn(t.below(t.fn(hb2.bus, 1, 0, { kind: "rp" })), 0, 0, { kind: "ep" });
    expect(linkWord(a, a)).toBe("X");
    expect(linkWord(a, a1)).toBe("PIX");
    expect(linkWord(a, c)).toBe("PIX");
    expect(linkWord(a, b)).toBe("PXB");
    expect(linkWord(a, e)).toBe("PHB");
    expect(linkWord(a, f)).toBe("NODE");
    expect(linkWord(a, g)).toBe("SYS");
    const m = p2pMatrix(P2pdmaCore.of(t.system), { kernel: "4.20" });
    expect(m.devices).toHaveLength(7);
    expect(m.distance[0]![0]).toBe(0);
    expect(m.mapType[0]![4]).toBe("NOT_SUPPORTED");
  });
});

describe("bundled samples (pci-core topology files)", () => {
  it("switch-acs-redirect: the cmdline cleared the NIC and nvme0 ports, so that pair is direct", () => {
    const { system } = loadTopologyFile(readSample("switch-acs-redirect")!, "switch-acs-redirect.yaml");
    const core = P2pdmaCore.of(system);
    const nic = system.resolve("nic0")!;
    const nvme0 = system.resolve("nvme0")!;
    const nvme1 = system.resolve("nvme1")!;
    expect(distanceMany(core, nvme0, [nic], false).mapType).toBe("BUS_ADDR");
    const r = distanceMany(core, nvme1, [nic], false);
    expect(r.mapType).toBe("THRU_HOST_BRIDGE"); // 8086:2020 is whitelisted
    const prov = provisionFromModels(system);
    expect(prov.filter((p) => p.ret === 0).length).toBeGreaterThanOrEqual(3);
    expect(findMany(core, [nic], new SplitMix32(1)).provider).toBe(nvme0);
  });
});
