/**
 * The one seam between nvmet and the P2PDMA core (drivers/pci/p2pdma.c). Every P2P call nvmet
 * makes goes through {@link P2pDmaApi}; an adapter over `@p2pdma/p2pdma` implements it, and a
 * target built with `p2p: null` behaves as a kernel with `CONFIG_PCI_P2PDMA=n` (no `p2pmem`
 * attribute, no P2P SGLs).
 */
import type { KDevice, LogLine } from "@p2pdma/pci-core";
import type { SgEntry } from "./sgl";

/** A P2P memory provider (`struct pci_dev` with a p2pdma pool). */
export interface P2pProvider {
  /** `pci_name()`: the BDF. */
  readonly name: string;
  /** The provider's generic device. */
  readonly device: KDevice;
}

/** Result of `pci_p2pdma_enable_store`. */
export type EnableStoreResult =
  | { readonly errno: 0; readonly use: boolean; readonly provider: P2pProvider | null; readonly log: readonly LogLine[] }
  | { readonly errno: number; readonly log: readonly LogLine[] };

/** What nvmet needs from the P2PDMA core. */
export interface P2pDmaApi {
  /** Models `pci_p2pdma_enable_store(page, &p2p_dev, &use)`; the provider comes back referenced. */
  enableStore(text: string): EnableStoreResult;
  /** Models `pci_p2pdma_enable_show(page, p2p_dev, use)`: `0\n`, `1\n` or `<bdf>\n`. */
  enableShow(provider: P2pProvider | null, use: boolean): string;
  /** Models `pci_p2pdma_distance(provider, client, verbose)` with its warning lines. */
  distance(provider: P2pProvider, client: KDevice, verbose: boolean): { readonly distance: number; readonly log: readonly LogLine[] };
  /** Models `pci_p2pmem_find_many(clients, n)`: a referenced provider or null. */
  findMany(clients: readonly KDevice[]): P2pProvider | null;
  /** Models `pci_p2pmem_alloc_sgl(provider, &nents, length)`: one contiguous entry, or null. */
  allocSgl(provider: P2pProvider, length: number): SgEntry[] | null;
  /** Models `pci_p2pmem_free_sgl`. */
  freeSgl(provider: P2pProvider, sgl: readonly SgEntry[]): void;
  /** Models `pci_dev_get`. */
  get(provider: P2pProvider): void;
  /** Models `pci_dev_put` (a no-op on null). */
  put(provider: P2pProvider | null): void;
}

/** Models `is_pci_p2pdma_page(sg_page(sg))` on a scatterlist entry. */
export function isP2pdmaEntry(entry: SgEntry | undefined): boolean {
  return entry !== undefined && entry.p2p !== null;
}

/** Models `pci_p2pmem_find(client)` = find_many over one client. */
export function p2pmemFind(api: P2pDmaApi, client: KDevice): P2pProvider | null {
  return api.findMany([client]);
}
