import { describe, expect, it } from "vitest";
import { Fabric } from "../src/fabric";
import { systemFromFacts } from "../src/machine/from-facts";
import { SparseMemory } from "../src/sparse-memory";
import { seedFacts } from "./helpers/facts";
import type { PciSystem } from "../src/system";
import type { Route, RouteFailure } from "../src/fabric";

function setup(dspCtl = 0): { sys: PciSystem; fabric: Fabric } {
  const sys = systemFromFacts(seedFacts(dspCtl));
  const fabric = new Fabric(sys);
  fabric.addDram("ram", 0n, 0x80000000n); // 2 GiB below the 32-bit MMIO hole
  const cmbOwner = sys.getDeviceByName("0000:04:00.0")!;
  fabric.attachBar(cmbOwner, 2, new SparseMemory(0x4000000n));
  return { sys, fabric };
}

const CMB = 0x38004000000n; // 0000:04:00.0 BAR 2

function ok(r: Route | RouteFailure): Route {
  if ("error" in r) throw new Error(r.error);
  return r;
}

describe("PCIe fabric routing", () => {
  it("peer-to-peer below one switch turns at the upstream port and never crosses the root port", () => {
    const { sys, fabric } = setup();
    const nic = sys.getDeviceByName("0000:03:00.0")!;
    const r = ok(fabric.write(nic, CMB + 0x1000n, new Uint8Array(4096).fill(7)));
    expect(r.turnsAt?.name).toBe("0000:01:00.0");
    expect(r.throughRootComplex).toBe(false);
    expect(r.hops).toEqual([
      { link: "0000:02:00.0->0000:03:00", dir: "up" },
      { link: "0000:02:01.0->0000:04:00", dir: "down" },
    ]);
    expect(fabric.linkCounters()).toEqual([
      { link: "0000:02:00.0->0000:03:00", up: 4096, down: 0 },
      { link: "0000:02:01.0->0000:04:00", up: 0, down: 4096 },
    ]);
    const back = fabric.read(sys.getDeviceByName("0000:05:00.0")!, CMB + 0x1000n, 16);
    if ("error" in back) throw new Error(back.error);
    expect([...back.data]).toEqual(new Array(16).fill(7));
  });

  it("ACS P2P Request Redirect on the ingress downstream port sends the request to the root complex", () => {
    const { sys, fabric } = setup(0x04);
    const nic = sys.getDeviceByName("0000:03:00.0")!;
    const r = ok(fabric.route(nic, CMB, 64));
    expect(r.redirectedBy?.name).toBe("0000:02:00.0");
    expect(r.throughRootComplex).toBe(true);
    expect(r.hops.map((h) => `${h.dir} ${h.link}`)).toEqual([
      "up 0000:02:00.0->0000:03:00",
      "up 0000:00:01.0->0000:01:00",
      "up pci0000:00->0000:00:01",
      "down pci0000:00->0000:00:01",
      "down 0000:00:01.0->0000:01:00",
      "down 0000:02:01.0->0000:04:00",
    ]);
  });

  it("DMA to system RAM crosses the switch's upstream link and the root port", () => {
    const { sys, fabric } = setup();
    const ssd = sys.getDeviceByName("0000:05:00.0")!;
    ok(fabric.write(ssd, 0x100000n, new Uint8Array(512)));
    const c = Object.fromEntries(fabric.linkCounters().map((x) => [x.link, [x.up, x.down]]));
    expect(c["0000:00:01.0->0000:01:00"]).toEqual([512, 0]);
    expect(c["pci0000:00<->memory0"]).toEqual([0, 512]);
  });

  it("a read's payload flows back against the request's direction", () => {
    const { sys, fabric } = setup();
    const ssd = sys.getDeviceByName("0000:05:00.0")!;
    const r = fabric.read(ssd, 0x2000n, 100);
    expect("error" in r).toBe(false);
    const c = Object.fromEntries(fabric.linkCounters().map((x) => [x.link, [x.up, x.down]]));
    expect(c["0000:02:02.0->0000:05:00"]).toEqual([0, 100]);
  });

  it("endpoints on different root ports meet in the root complex", () => {
    const { sys, fabric } = setup();
    const r = ok(fabric.route(sys.getDeviceByName("0000:07:00.0")!, CMB, 8));
    expect(r.turnsAt).toBeNull();
    expect(r.throughRootComplex).toBe(true);
  });

  it("an unclaimed address is an Unsupported Request; overruns are refused", () => {
    const { sys, fabric } = setup();
    const nic = sys.getDeviceByName("0000:03:00.0")!;
    expect(fabric.route(nic, 0x7000000000000n, 4)).toEqual({ error: "unsupported-request", busAddress: 0x7000000000000n });
    expect(fabric.route(nic, CMB + 0x4000000n - 2n, 4)).toMatchObject({ error: "crosses-region-end" });
  });

  it("functions of one device share the link to their port", () => {
    const { sys, fabric } = setup();
    const f0 = sys.getDeviceByName("0000:06:00.0")!;
    fabric.attachBar(sys.getDeviceByName("0000:06:00.1")!, 0, new SparseMemory(0x4000n));
    const r = ok(fabric.route(f0, 0xf0024000n, 4));
    expect(r.hops).toEqual([
      { link: "0000:02:03.0->0000:06:00", dir: "up" },
      { link: "0000:02:03.0->0000:06:00", dir: "down" },
    ]);
  });

  it("route shapes are cached, but an ACS change on the ingress port takes effect at once", () => {
    const { sys, fabric } = setup();
    const nic = sys.getDeviceByName("0000:03:00.0")!;
    expect(ok(fabric.route(nic, CMB, 64)).throughRootComplex).toBe(false);
    const dsp = sys.getDeviceByName("0000:02:00.0")!;
    dsp.config.write16(dsp.acsCap + 6, 0x04); // setpci: P2P Request Redirect on
    const redirected = ok(fabric.route(nic, CMB, 64));
    expect(redirected.throughRootComplex).toBe(true);
    expect(redirected.redirectedBy?.name).toBe("0000:02:00.0");
    dsp.config.write16(dsp.acsCap + 6, 0);
    expect(ok(fabric.route(nic, CMB, 64)).throughRootComplex).toBe(false);
  });
});
