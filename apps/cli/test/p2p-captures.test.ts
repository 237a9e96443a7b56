/**
 * `p2p distance` on a real capture: ROCm/rccl issue 547 (an AMD EPYC host, a Microsemi switch
 * 0000:43:00.0 fanning out to four GPUs and a ConnectX-6), lspci -tv plus an lspci -vvv
 * excerpt that shows the root port 0000:40:01.1 with `ACSCtl: SrcValid+ ReqRedir+ CmpltRedir+
 * UpstreamFwd+` and nothing about the other ports (origin in the fixture's ORIGIN.md).
 */
import { describe, expect, it } from "vitest";
import { cli } from "./run-cli";

const DIR = "packages/pci-core/test/fixtures/captures/rccl-547-microsemi";
const TOPO = ["--topology", `${DIR}/lspci-tv.txt`, "--topology", `${DIR}/lspci-vvv-excerpt.txt`];
const GPU_A = "0000:4a:00.0";
const GPU_B = "0000:50:00.0";

interface Client { client: string; distance: number; mapType: string; commonBridge: string | null; acsRedirect: { bdf: string }[] }
interface Doc { distance: number | null; mapType: string | null; dependsOn?: string[]; cases?: { assume: string; distance: number; mapType: string; clients: Client[] }[]; clients: Client[] }

async function distance(...extra: string[]): Promise<Doc> {
  const r = await cli("p2p", "distance", ...TOPO, "--provider", GPU_A, "--client", GPU_B, "--json", ...extra);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Doc;
}

describe("p2p distance on the rccl-547 capture", () => {
  it("does not guess: without root the switch ports' ACS is unknown, so both cases are given", async () => {
    const d = await distance("--cpu", "amd:0x17");
    expect(d.distance).toBeNull();
    // The ports the kernel reads on this pair (spec 2.6: the provider chain up to and including
    // the common bridge, the client chain below it) are unknown in the capture...
    expect(d.dependsOn).toEqual(expect.arrayContaining(["acs:0000:44:01.0", "acs:0000:44:02.0", "acs:0000:43:00.0"]));
    // ...while the root port's ACS, known from its ACSCtl line, sits above the common bridge
    // 0000:43:00.0 and is never read for this pair.
    expect(d.dependsOn).not.toContain("acs:0000:40:01.1");
    const off = d.cases!.find((c) => c.assume === "acs off")!;
    const on = d.cases!.find((c) => c.assume === "acs on")!;
    // Six hops up from each GPU to the switch's upstream port: 6 + 6.
    expect(off).toMatchObject({ distance: 12, mapType: "BUS_ADDR" });
    expect(off.clients[0]!.commonBridge).toBe("0000:43:00.0");
    // Redirect on the path sends it through the root complex, which the AMD family 0x17 CPU
    // rule allows in 6.12 (spec 2.17.2).
    expect(on).toMatchObject({ distance: 12, mapType: "THRU_HOST_BRIDGE" });
  });

  it("6.12 with an assumption: a single verdict", async () => {
    const d = await distance("--cpu", "amd:0x17", "--acs", "off");
    expect(d).toMatchObject({ distance: 12, mapType: "BUS_ADDR" });
  });

  it("4.20 has no host-bridge path: redirect on the path is -2 for the pair, -1 overall", async () => {
    const off = await distance("--kernel", "4.20", "--acs", "off");
    expect(off.distance).toBe(12);
    const on = await distance("--kernel", "4.20", "--acs", "on");
    expect(on.distance).toBe(-1);
    expect(on.clients[0]!.distance).toBe(-2);
    expect(on.clients[0]!.acsRedirect.map((a) => a.bdf)).toContain("0000:44:01.0");
  });
});
