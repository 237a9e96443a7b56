/**
 * The object API other layers use: `P2pdma.of(system)` bundles the functions of this package
 * over one machine's state with default options (per-call options still win).
 */
import type { KDevice, PciFunction, PciSystem } from "@p2pdma/pci-core";
import type { RamRange } from "./memremap";
import type { P2pOptions } from "./options";
import type { Prng } from "./prng";
import type { ScatterEntry } from "./alloc";
import type { DmaDevice, MapState } from "./map";
import type { MmapRequest } from "./allocate";
import type { UserMapping } from "./state";
import type { DevPagemap, Page } from "./page";
import { P2pdmaCore } from "./core";
import { addResource, hasP2pmem, publish, teardownStatus } from "./provider";
import { distance, distanceMany } from "./distance-many";
import { find, findMany } from "./find";
import { allocP2pmem, freeP2pmem, p2pmemAllocSgl, p2pmemFreeSgl, p2pmemVirtToBus } from "./alloc";
import { dmaMapSg, dmaMapSgtable, p2pdmaMapSegment, p2pdmaMapSg, p2pdmaMapType } from "./map";
import { enableShow, enableStore } from "./enable";
import { mmapAllocate, munmapAllocate } from "./allocate";
import { explain } from "./explain";
import { p2pMatrix } from "./matrix";
import { isPciP2pdmaPage } from "./page";

export class P2pdma {
  private static readonly cache = new WeakMap<PciSystem, P2pdma>();
  readonly core: P2pdmaCore;

  private constructor(
    readonly system: PciSystem,
    readonly defaults: P2pOptions,
    init: { systemRam?: readonly RamRange[] },
  ) {
    this.core = P2pdmaCore.of(system, init);
  }

  /** The shared instance for `system` (options given on first use become its defaults). */
  static of(system: PciSystem, defaults: P2pOptions = {}, init: { systemRam?: readonly RamRange[] } = {}): P2pdma {
    let p = P2pdma.cache.get(system);
    if (!p) {
      p = new P2pdma(system, defaults, init);
      P2pdma.cache.set(system, p);
    }
    return p;
  }

  private o(opts?: P2pOptions): P2pOptions {
    return { ...this.defaults, ...opts };
  }

  /** {@link addResource}: `pci_p2pdma_add_resource`. */
  addResource(pdev: PciFunction, bar: number, size: number | bigint = 0, offset: number | bigint = 0, opts?: P2pOptions): number {
    return addResource(this.core, pdev, bar, size, offset, this.o(opts)).ret;
  }
  /** `pci_p2pmem_publish`. */
  publish(pdev: PciFunction, value: boolean, opts?: P2pOptions): void {
    publish(this.core, pdev, value, this.o(opts));
  }
  /** `pci_has_p2pmem`. */
  hasP2pmem(pdev: PciFunction, opts?: P2pOptions): boolean {
    return hasP2pmem(this.core, pdev, this.o(opts));
  }
  /** `pci_p2pdma_distance_many` (full result). */
  distanceMany(provider: PciFunction, clients: readonly KDevice[], verbose: boolean, opts?: P2pOptions) {
    return distanceMany(this.core, provider, clients, verbose, this.o(opts));
  }
  /** `pci_p2pdma_distance`. */
  distance(provider: PciFunction, client: KDevice, verbose: boolean, opts?: P2pOptions) {
    return distance(this.core, provider, client, verbose, this.o(opts));
  }
  /** `pci_p2pmem_find_many`. */
  findMany(clients: readonly KDevice[], prng: Prng, opts?: P2pOptions) {
    return findMany(this.core, clients, prng, this.o(opts));
  }
  /** `pci_p2pmem_find`. */
  find(client: KDevice, prng: Prng, opts?: P2pOptions) {
    return find(this.core, client, prng, this.o(opts));
  }
  /** `pci_alloc_p2pmem`: 0n on failure. */
  alloc(pdev: PciFunction, size: number | bigint, opts?: P2pOptions): bigint {
    return allocP2pmem(this.core, pdev, size, this.o(opts));
  }
  /** `pci_free_p2pmem`. */
  free(pdev: PciFunction, addr: bigint, size: number | bigint, opts?: P2pOptions): void {
    freeP2pmem(this.core, pdev, addr, size, this.o(opts));
  }
  /** `pci_p2pmem_virt_to_bus`. */
  virtToBus(pdev: PciFunction, addr: bigint, opts?: P2pOptions): bigint {
    return p2pmemVirtToBus(this.core, pdev, addr, this.o(opts));
  }
  /** `pci_p2pmem_alloc_sgl`. */
  allocSgl(pdev: PciFunction, length: number, opts?: P2pOptions) {
    return p2pmemAllocSgl(this.core, pdev, length, this.o(opts));
  }
  /** `pci_p2pmem_free_sgl`. */
  freeSgl(pdev: PciFunction, sgl: readonly ScatterEntry[] | null, opts?: P2pOptions): void {
    p2pmemFreeSgl(this.core, pdev, sgl, this.o(opts));
  }
  /** 4.20 `pci_p2pdma_map_sg`. */
  mapSg(dma: DmaDevice, sgl: ScatterEntry[], nents: number, opts?: P2pOptions): number {
    return p2pdmaMapSg(this.core, dma, sgl, nents, this.o(opts)).ret;
  }
  /** 6.12 `pci_p2pdma_map_segment`. */
  mapSegment(state: MapState, dev: KDevice, sg: ScatterEntry, opts?: P2pOptions) {
    return p2pdmaMapSegment(this.core, state, dev, sg, this.o(opts));
  }
  /** 6.12 `pci_p2pdma_map_type` (cached). */
  mapType(pgmap: DevPagemap, dev: KDevice, opts?: P2pOptions) {
    return p2pdmaMapType(this.core, pgmap, dev, this.o(opts));
  }
  /** 6.12 `dma_map_sgtable`: 0 or -errno (-EREMOTEIO). */
  dmaMapSgtable(dma: DmaDevice, sgl: ScatterEntry[], opts?: P2pOptions): number {
    return dmaMapSgtable(this.core, dma, sgl, this.o(opts));
  }
  /** 6.12 `dma_map_sg_attrs`: count or 0. */
  dmaMapSg(dma: DmaDevice, sgl: ScatterEntry[], opts?: P2pOptions): number {
    return dmaMapSg(this.core, dma, sgl, this.o(opts));
  }
  /** `virt_to_page`. */
  virtToPage(virt: bigint): Page {
    return this.core.virtToPage(virt);
  }
  /** `is_pci_p2pdma_page`. */
  isP2pdmaPage(page: Page | null | undefined, opts?: P2pOptions): boolean {
    return isPciP2pdmaPage(page, this.o(opts));
  }
  /** `pci_p2pdma_enable_store`. */
  enableStore(text: string, opts?: P2pOptions) {
    return enableStore(this.core, text, this.o(opts));
  }
  /** `pci_p2pdma_enable_show`. */
  enableShow(p2pDev: PciFunction | null, use: boolean, opts?: P2pOptions): string {
    return enableShow(p2pDev, use, this.o(opts));
  }
  /** mmap of `p2pmem/allocate`. */
  mmapAllocate(pdev: PciFunction, req: MmapRequest, opts?: P2pOptions) {
    return mmapAllocate(this.core, pdev, req, this.o(opts));
  }
  /** munmap of such a mapping. */
  munmapAllocate(pdev: PciFunction, m: UserMapping): void {
    munmapAllocate(this.core, pdev, m);
  }
  /** Structured explanation (pure). */
  explain(provider: PciFunction, clients: readonly KDevice[], opts?: P2pOptions) {
    return explain(this.core, provider, clients, this.o(opts));
  }
  /** All-pairs matrix (pure). */
  matrix(opts?: P2pOptions) {
    return p2pMatrix(this.core, this.o(opts));
  }
  /** What a provider's teardown waits for. */
  teardownStatus(pdev: PciFunction) {
    return teardownStatus(this.core, pdev);
  }
}
