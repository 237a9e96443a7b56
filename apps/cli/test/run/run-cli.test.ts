import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/run/scenario";
import type { RunReport } from "../../src/run/compose";
import { cli, REPO } from "../run-cli";

const SCENARIO = "apps/cli/scenarios/nic-other-root-port.scenario.yaml";

async function runJson(...args: string[]): Promise<RunReport[]> {
  const r = await cli("run", ...args, "--json");
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  return (JSON.parse(r.out) as { runs: RunReport[] }).runs;
}

describe("p2pdma run --json with the NIC on another root port", () => {
  it("shows the verdict, the fallback and its reason; the payload goes through target DRAM; data verified", async () => {
    const runs = await runJson(SCENARIO);
    expect(runs.map((r) => r.p2p)).toEqual([true, false]);
    const [on, off] = runs as [RunReport, RunReport];
    for (const r of runs) {
      expect(r.verified).toBe(true);
      expect(r.dramPayloadBytes).toBe(2 * r.payloadBytes);
      // The verdict: no provider is usable by the NIC and the SSDs, with the kernel's reason.
      expect(r.verdicts.length).toBeGreaterThan(0);
      for (const v of r.verdicts) {
        expect(v.mapType).toBe("NOT_SUPPORTED");
        expect(v.why.join("\n")).toMatch(/cannot be used for peer-to-peer DMA as the client and provider \(.*\) do not share an upstream bridge or whitelisted host bridge/);
      }
    }
    expect(on.namespaces.every((n) => n.enabled && n.provider === null && n.p2pmem === "1" && n.p2pBytes === 0)).toBe(true);
    expect(on.fallbacks.map((f) => f.nsid)).toEqual([1, 2, 3, 4]);
    expect(on.fallbacks.every((f) => f.reason === "no-provider" && f.count > 0)).toBe(true);
    expect(on.log.some((l) => /no peer-to-peer memory is available that's supported by .* and \/dev\/nvme0n1/.test(l))).toBe(true);
    expect(off.fallbacks.every((f) => f.reason === "p2pmem-off")).toBe(true);
  });

  it("the readable report shows the verdicts, the fallbacks and why", async () => {
    const r = await cli("run", SCENARIO, "--p2p", "on", "--kernel", "4.20");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/verdict 0000:\S+ +NOT_SUPPORTED/);
    expect(r.out).toMatch(/fallback nsid 1: no-provider x\d+/);
    expect(r.out).toMatch(/why: .*cannot be used for peer-to-peer DMA/);
  });
});

describe("p2pdma run --json --kernel 4.20", () => {
  it("runs the seed's system in 4.20 mode: P2P on keeps the payload off DRAM, off puts it there twice", async () => {
    const runs = await runJson("--kernel", "4.20");
    const [on, off] = runs as [RunReport, RunReport];
    expect(runs.every((r) => r.kernel === "4.20" && r.verified)).toBe(true);
    expect(on.p2p).toBe(true);
    expect(on.dramPayloadBytes).toBe(0);
    expect(on.fallbacks).toEqual([]);
    expect(on.namespaces.every((n) => n.provider !== null)).toBe(true);
    expect(on.verdicts.every((v) => v.mapType === "BUS_ADDR")).toBe(true);
    const up = on.links.find((l) => l.link === on.upstreamLink);
    expect((up?.up ?? 0) + (up?.down ?? 0)).toBe(0);
    expect(off.dramPayloadBytes).toBe(2 * off.payloadBytes);
  });
  it("and the other-root-port scenario in 4.20 mode falls back for want of a common upstream bridge", async () => {
    const [on] = (await runJson(SCENARIO, "--kernel", "4.20", "--p2p", "on")) as [RunReport];
    expect(on.kernel).toBe("4.20");
    expect(on.verified).toBe(true);
    expect(on.fallbacks.every((f) => f.reason === "no-provider")).toBe(true);
    expect(on.verdicts.every((v) => v.mapType === "NOT_SUPPORTED")).toBe(true);
  });
});

describe("the scenario example under apps/cli/scenarios", () => {
  it("parses with every field it documents and runs", async () => {
    const s = parseScenario(readFileSync(join(REPO, SCENARIO), "utf8"), SCENARIO);
    expect(s).toEqual({
      name: "nic-other-root-port",
      topology: "nic-other-root-port.yaml",
      subsystem: "nqn.2018-08.io.p2pdma:nic-other-root-port",
      namespaces: ["/dev/nvme0n1", "/dev/nvme1n1", "/dev/nvme2n1", "/dev/nvme3n1"],
      p2pmem: "1",
      workload: { blockSize: 128 << 10, queueDepth: 8, bytes: 4 << 20 },
    });
    const r = await cli("run", SCENARIO);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/P2P on \(kernel 6\.12, seed 1\) +P2P off \(kernel 6\.12, seed 1\)/);
    expect(r.out).toContain("verified           yes");
    expect(r.out.split("\n").length).toBeLessThan(40);
  });
  it("the README documents the files in the folder", () => {
    const readme = readFileSync(join(REPO, "apps/cli/scenarios/README.md"), "utf8");
    for (const f of ["nic-other-root-port.yaml", "nic-other-root-port.scenario.yaml"]) expect(readme).toContain(f);
  });
});
