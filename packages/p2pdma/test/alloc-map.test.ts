import { describe, expect, it } from "vitest";
import { EREMOTEIO } from "@p2pdma/pci-core";
import {
  addResource,
  allocP2pmem,
  dmaMapSgtable,
  dmaUnmapSg,
  freeP2pmem,
  isPciP2pdmaPage,
  newMapState,
  p2pdmaMapSegment,
  p2pdmaMapSg,
  p2pmemAllocSgl,
  p2pmemFreeSgl,
  p2pmemVirtToBus,
  P2pdmaCore,
  PAGE_OFFSET,
  PHYS_ALL_ONES,
  publish,
  sgFromBuf,
} from "../src/index";
import { RR_CR, seedMachine } from "./helpers/topo";

const OFF = 0x100000000n; // host bridge bus offset in these tests

describe.each(["4.20", "6.12"] as const)("alloc / virt_to_bus / SGLs (kernel %s)", (kernel) => {
  it("virt_to_bus is bus(BAR) + offset + delta; NULL and no-state give 0; outside gives all-ones", () => {
    const s = seedMachine({ busOffset: OFF });
    const core = P2pdmaCore.of(s.system);
    expect(allocP2pmem(core, s.ssd, 4096, { kernel })).toBe(0n);
    expect(p2pmemVirtToBus(core, s.ssd, 0x1234n)).toBe(0n);
    expect(addResource(core, s.ssd, 2, 32n << 20n, 32n << 20n, { kernel }).ret).toBe(0);
    const a = allocP2pmem(core, s.ssd, 10000, { kernel });
    expect(a).toBe(PAGE_OFFSET + 0x4000000000n + (32n << 20n));
    expect(p2pmemVirtToBus(core, s.ssd, a + 5n)).toBe(0x4000000000n + OFF + (32n << 20n) + 5n);
    expect(p2pmemVirtToBus(core, s.ssd, 0n)).toBe(0n);
    expect(p2pmemVirtToBus(core, s.ssd, 0x1000n)).toBe(PHYS_ALL_ONES);
    expect(allocP2pmem(core, s.ssd, 0, { kernel })).toBe(0n);
    expect(allocP2pmem(core, s.ssd, 64n << 20n, { kernel })).toBe(0n);
    freeP2pmem(core, s.ssd, a, 10000, { kernel });
    expect(core.state(s.ssd)!.pool.avail()).toBe(32n << 20n);
  });

  it("alloc_sgl gives one contiguous segment; free_sgl returns it", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    addResource(core, s.ssd, 2, 0, 0, { kernel });
    const r = p2pmemAllocSgl(core, s.ssd, 128 * 1024, { kernel });
    expect(r?.nents).toBe(1);
    expect(r?.sgl).toHaveLength(1);
    expect(r?.sgl[0]!.length).toBe(128 * 1024);
    expect(isPciP2pdmaPage(r?.sgl[0]!.page)).toBe(true);
    expect(isPciP2pdmaPage(r?.sgl[0]!.page, { configPciP2pdma: false })).toBe(false);
    expect(isPciP2pdmaPage(core.virtToPage(PAGE_OFFSET + 0x1000n))).toBe(false);
    p2pmemFreeSgl(core, s.ssd, r!.sgl, { kernel });
    expect(core.state(s.ssd)!.pool.avail()).toBe(64n << 20n);
    expect(p2pmemAllocSgl(core, s.ssd, 0, { kernel })).toBeNull();
  });
});

describe("4.20 pci_p2pdma_map_sg (spec 2.12)", () => {
  it("adds the bus offset; the sign bug only on request; dma_virt_ops refused", () => {
    const s = seedMachine({ busOffset: OFF });
    const core = P2pdmaCore.of(s.system);
    addResource(core, s.ssd, 2, 0, 0, { kernel: "4.20" });
    const sg = p2pmemAllocSgl(core, s.ssd, 8192, { kernel: "4.20" })!.sgl;
    expect(p2pdmaMapSg(core, { dev: s.nic }, sg, 1, { kernel: "4.20" }).ret).toBe(1);
    expect(sg[0]!.dmaAddress).toBe(0x4000000000n + OFF);
    expect(p2pdmaMapSg(core, { dev: s.nic }, sg, 1, { kernel: "4.20", quirks: { busOffsetSignBug: true } }).ret).toBe(1);
    expect(sg[0]!.dmaAddress).toBe(0x4000000000n - OFF);
    expect(p2pdmaMapSg(core, { dev: s.nic, ops: "virt" }, sg, 1, { kernel: "4.20" }).ret).toBe(0);
  });
});

describe("6.12 DMA-API mapping (spec 2.17.3)", () => {
  it("BUS_ADDR: bus address + mark; unmap only unmarks", () => {
    const s = seedMachine({ busOffset: OFF });
    const core = P2pdmaCore.of(s.system);
    addResource(core, s.ssd, 2, 0, 0);
    const sg = p2pmemAllocSgl(core, s.ssd, 8192)!.sgl;
    expect(dmaMapSgtable(core, { dev: s.nic }, sg)).toBe(0);
    expect(sg[0]!.dmaAddress).toBe(0x4000000000n + OFF);
    expect(sg[0]!.busAddress).toBe(true);
    dmaUnmapSg(sg);
    expect(sg[0]!.busAddress).toBe(false);
  });

  it("THRU_HOST_BRIDGE (AMD Zen, other root port): mapped like memory (CPU physical / IOVA)", () => {
    const s = seedMachine({ platform: { cpuVendor: "amd", cpuFamily: 0x19, arch: "x86" } });
    const core = P2pdmaCore.of(s.system);
    addResource(core, s.ssd, 2, 0, 0);
    const sg = p2pmemAllocSgl(core, s.ssd, 4096)!.sgl;
    expect(dmaMapSgtable(core, { dev: s.other }, sg)).toBe(0);
    expect(sg[0]!.dmaAddress).toBe(0x4000000000n);
    expect(sg[0]!.busAddress).toBe(false);
  });

  it("NOT_SUPPORTED: -EREMOTEIO with the verbose lines of the first computation; non-PCI device refused", () => {
    const s = seedMachine({ dspAcs: RR_CR });
    const core = P2pdmaCore.of(s.system);
    addResource(core, s.ssd, 2, 0, 0);
    const sg = p2pmemAllocSgl(core, s.ssd, 4096)!.sgl;
    const mark = s.system.log.mark();
    expect(dmaMapSgtable(core, { dev: s.nic }, sg)).toBe(-EREMOTEIO);
    expect(s.system.log.since(mark).map((l) => l.text)).toEqual([
      "pci 0000:03:00.0: ACS redirect is set between the client and provider (0000:04:00.0)",
      "pci 0000:03:00.0: to disable ACS redirect for this path, add the kernel parameter: pci=disable_acs_redir=0000:02:01.0;0000:02:00.0",
      "pci 0000:00:00.0: Host bridge not in P2PDMA whitelist: 8086:29c0",
      "pci 0000:03:00.0: cannot be used for peer-to-peer DMA as the client and provider (0000:04:00.0) do not share an upstream bridge or whitelisted host bridge",
    ]);
    const state = newMapState();
    const disk = { name: "nvme1n1", parent: s.nic, isPci: false } as never;
    expect(p2pdmaMapSegment(core, state, disk, sgFromBuf(core, PAGE_OFFSET + 0x4000000000n, 4096))).toBe("NOT_SUPPORTED");
  });

  it("the map type is cached per (provider, client): an ACS change is not seen until recomputed (section 12)", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    addResource(core, s.ssd, 2, 0, 0);
    publish(core, s.ssd, true);
    const sg = p2pmemAllocSgl(core, s.ssd, 4096)!.sgl;
    expect(dmaMapSgtable(core, { dev: s.nic }, sg)).toBe(0);
    s.dsp[0]!.config.write16(0x106, RR_CR);
    expect(dmaMapSgtable(core, { dev: s.nic }, sg)).toBe(0); // still BUS_ADDR from the cache
    const key = (0 << 16) | (3 << 8) | 0;
    expect(core.state(s.ssd)!.mapTypes.get(key)).toBe("BUS_ADDR");
  });
});
