/**
 * Data pointers for a mapped request (`nvme_pci_setup_prps`): PRP1 is the first DMA address,
 * PRP2 the second page or a PRP list page in host memory. Every segment but the first must
 * start on a controller page and every one but the last must end on one, else the kernel
 * warns "Invalid SGL for payload" and fails the request with BLK_STS_IOERR.
 */
import type { HostMemory } from "@p2pdma/block";
import type { ScatterEntry } from "@p2pdma/p2pdma";

const PAGE = 4096n;

export type PrpResult = { readonly prp1: bigint; readonly prp2: bigint; readonly list: bigint | null } | "IOERR" | "RESOURCE";

export function setupPrps(mem: HostMemory, sgl: readonly ScatterEntry[]): PrpResult {
  const addrs: bigint[] = [];
  for (let i = 0; i < sgl.length; i++) {
    const sg = sgl[i]!;
    if (sg.dmaAddress === null) return "IOERR";
    let a = sg.dmaAddress;
    let left = BigInt(sg.dmaLength);
    if (i > 0 && a % PAGE !== 0n) return "IOERR";
    if (i < sgl.length - 1 && (a + left) % PAGE !== 0n) return "IOERR";
    while (left > 0n) {
      addrs.push(a);
      const inPage = PAGE - (a % PAGE);
      const take = left < inPage ? left : inPage;
      a += take;
      left -= take;
    }
  }
  if (addrs.length === 0) return "IOERR";
  if (addrs.length === 1) return { prp1: addrs[0]!, prp2: 0n, list: null };
  if (addrs.length === 2) return { prp1: addrs[0]!, prp2: addrs[1]!, list: null };
  const rest = addrs.slice(1);
  if (rest.length > 512) return "IOERR"; // limits keep requests within one list page (see README)
  const list = mem.alloc(4096);
  if (list === null) return "RESOURCE";
  const b = new Uint8Array(rest.length * 8);
  const v = new DataView(b.buffer);
  rest.forEach((x, i) => v.setBigUint64(i * 8, x, true));
  mem.write(list, b);
  return { prp1: addrs[0]!, prp2: list, list };
}
