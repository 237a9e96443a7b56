/** P2P memory on the reference target: the p2pmem card's BAR 4 claimed on the fabric and registered. */
import type { PciFunction } from "@p2pdma/pci-core";
import type { RdmaHost } from "../../src/index";
import { SparseMemory } from "@p2pdma/pci-core";

export const P2P_SIZE = 64n << 20n;

export function provisionP2pmem(t: RdmaHost & { built: { labels: Map<string, PciFunction> } }): PciFunction {
  const card = t.built.labels.get("p2pmem0")!;
  const bar = card.resources[4]!;
  t.host.fabric.attachBar(card, 4, new SparseMemory(bar.end - bar.start + 1n));
  const r = t.host.p2p.addResource(card, 4, P2P_SIZE, 0);
  if (r !== 0) throw new Error(`pci_p2pdma_add_resource: ${r}`);
  t.host.p2p.publish(card, true);
  return card;
}
