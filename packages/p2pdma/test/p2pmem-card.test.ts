import { describe, expect, it } from "vitest";
import { addP2pmemCard, allocP2pmem, P2pdma, p2pmemPciDriver, teardownStatus } from "../src/index";
import { TopoBuilder } from "./helpers/topo";

describe("p2pmem card and p2pmem_pci driver", () => {
  it("probe registers the whole memory BAR and publishes it; unbind tears it down", () => {
    const t = new TopoBuilder();
    const hb = t.hostBridge();
    const rp = t.fn(hb.bus, 1, 0, { kind: "rp" });
    t.system.registerDriver(p2pmemPciDriver(t.system));
    const card = addP2pmemCard(t.system, { bus: t.below(rp), devfn: 0, memSize: 1n << 30n, memStart: 0x4000000000n, regStart: 0xe0000000n });
    expect(card.classCode).toBe(0x058000);
    expect(card.driver?.name).toBe("p2pmem_pci");
    const p2p = P2pdma.of(t.system);
    expect(p2p.hasP2pmem(card)).toBe(true);
    expect(t.system.sysfs.read(`${t.system.devicePath(card)}/p2pmem/size`)).toBe(`${1 << 30}\n`);
    expect(t.system.log.all().map((l) => l.text)).toEqual(["p2pmem_pci 0000:01:00.0: added peer-to-peer DMA memory 0x4000000000-0x403fffffff"]);
    const a = allocP2pmem(p2p.core, card, 4096);
    t.system.unbind(card);
    expect(teardownStatus(p2p.core, card)?.pendingSteps).toEqual(["devm_memremap_pages_release", "pci_p2pdma_release"]);
    p2p.free(card, a, 4096);
    expect(p2p.hasP2pmem(card)).toBe(false);
  });
});
