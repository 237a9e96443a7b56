/**
 * @p2pdma/p2pdma: drivers/pci/p2pdma.c modelled in kernel modes 4.20 and 6.12 (spec section 2).
 * Kernel return conventions are kept: errnos are negative numbers, NULL is `0n` or `null`;
 * API misuse throws {@link P2pdmaError}; where the kernel would BUG() a {@link KernelBugError}.
 */

// Options, errors, randomness
export type { Assume, Quirks, P2pOptions, ResolvedOptions } from "./options";
/** Applies the defaults of {@link P2pOptions} (kernel "6.12", CONFIG_PCI_P2PDMA on). */
export { resolveOptions } from "./options";
export { P2pdmaError, KernelBugError } from "./errors";
export type { Prng } from "./prng";
/** A seeded deterministic PRNG with an unbiased `below(n)` (replaces `get_random_u32_below`). */
export { SplitMix32 } from "./prng";

// Spec constants
export type { MapType } from "./spec/map-type";
/** `enum pci_p2pdma_map_type` values. */
export { MAP_TYPE, mapTypeValue } from "./spec/map-type";
export type { WhitelistEntry } from "./spec/whitelist";
/** `pci_p2pdma_whitelist[]` of 6.12.117 and the AMD Zen family threshold of `cpu_supports_p2pdma`. */
export { HOST_BRIDGE_WHITELIST_6_12, AMD_ZEN_MIN_FAMILY } from "./spec/whitelist";
/** Page, section and buffer sizes the model uses (x86-64). */
export {
  PAGE_SIZE,
  PAGE_SHIFT,
  PAGE_OFFSET,
  SECTION_SIZE,
  SUBSECTION_SIZE,
  SZ_1T,
  ACS_REDIRECT_MASK,
  ACS_LIST_BUF_6_12,
  FIND_MAX_DEVS,
  PR_FMT,
} from "./spec/constants";

// State
export type { FaultPoint } from "./core";
/** One machine's P2PDMA state (`pdev->p2pdma` of each provider, page maps, fault injection). */
export { P2pdmaCore } from "./core";
/** The object API: `P2pdma.of(system)`. */
export { P2pdma } from "./p2pdma";
export type { ProviderState, UserMapping, TeardownStep } from "./state";
/** `map_types_idx(client)`: `(domain << 16) | (bus << 8) | devfn`. */
export { mapTypesIndex } from "./state";
/** lib/genalloc.c: `gen_pool_*` with first fit, head-inserted chunks, all-ones virt_to_phys miss. */
export { GenPool, PoolChunk, PHYS_ALL_ONES } from "./pool";
export type { RamRange } from "./memremap";
/** The ZONE_DEVICE page-map registry and devm_memremap_pages' checks per mode. */
export { PagemapRegistry } from "./memremap";

// Pages
export type { Page, DevPagemap, PercpuRef } from "./page";
/** `is_pci_p2pdma_page`, `__va`, `__pa`. */
export { isPciP2pdmaPage, physToVirt, virtToPhys } from "./page";

// Providers
export type { AddResourceResult } from "./provider";
/**
 * `pci_p2pdma_add_resource`, `pci_p2pmem_publish`, `pci_has_p2pmem`; `teardownStatus` shows
 * what a device-managed teardown waits for; `formatResourcePR` is printk's `%pR`.
 */
export { addResource, publish, hasP2pmem, teardownStatus, formatResourcePR } from "./provider";
/** The `p2pmem/` sysfs group name and directory. */
export { P2PMEM_GROUP, p2pmemDir } from "./sysfs";

// Distance, map type, whitelist
export type { FactDimension, CaseValues, ExploredCase } from "./facts";
/** Unknown facts: the scope verdicts read them through, and the case exploration. */
export { FactScope, NeedFact, exploreCases, describeCase } from "./facts";
export type { AcsHop, PairVerdict, TaggedLine } from "./distance";
/** 4.20 `upstream_bridge_distance(_warn)` / 6.12 `calc_map_type_and_dist` for one pair (pure). */
export { pairVerdict, verdictLines } from "./distance";
export type { HostBridgeRule, HostBridgeCheck, HostBridgeDecision } from "./whitelist";
/** 6.12 `host_bridge_whitelist` (with `cpu_supports_p2pdma` first) and `pci_host_bridge_dev`. */
export { hostBridgeWhitelist, hostBridgeDevice } from "./whitelist";
/** ACS decoding and the seq_buf list text (with the 6.12 128-byte truncation). */
export { decodeAcs, redirectBits, acsListText } from "./acs";
export type { ClientResult, DistanceCase, DistanceManyResult } from "./distance-many";
/** `pci_p2pdma_distance_many`, `pci_p2pdma_distance`. */
export { distanceMany, distance, evalDistanceMany, worstMapType } from "./distance-many";
export type { FindCandidate, FindCase, FindResult } from "./find";
/** `pci_p2pmem_find_many`, `pci_p2pmem_find` (seeded choice among the closest). */
export { findMany, find } from "./find";

// Allocation, scatterlists, mapping
export type { ScatterEntry, P2pSgl } from "./alloc";
/**
 * `pci_alloc_p2pmem`, `pci_free_p2pmem`, `pci_p2pmem_virt_to_bus`, `pci_p2pmem_alloc_sgl`,
 * `pci_p2pmem_free_sgl`, and `sg_virt` / `sg_phys` / `sg_set_buf`.
 */
export { allocP2pmem, freeP2pmem, p2pmemVirtToBus, p2pmemAllocSgl, p2pmemFreeSgl, sgVirt, sgPhys, sgFromBuf } from "./alloc";
export type { DmaDevice, MapState } from "./map";
/**
 * 4.20 `pci_p2pdma_map_sg`; 6.12 `pci_p2pdma_map_segment`, `pci_p2pdma_map_type`, and the
 * DMA-API paths `dma_map_sgtable` / `dma_map_sg_attrs` / `dma_unmap_sg`.
 */
export { p2pdmaMapSg, p2pdmaMapSegment, p2pdmaMapType, newMapState, dmaMapSgtable, dmaMapSg, dmaUnmapSg } from "./map";
export type { MmapRequest, MmapResult, GupFlags } from "./allocate";
/** 6.2+ `p2pmem_alloc_mmap` (userspace `p2pmem/allocate`), munmap, and GUP pins with FOLL_PCI_P2PDMA. */
export { mmapAllocate, munmapAllocate, pinUserPages, unpinUserPages } from "./allocate";

// Attribute parsing
export type { EnableStoreResult } from "./enable";
/** `pci_p2pdma_enable_store`, `pci_p2pdma_enable_show`, and `kstrtobool` per mode. */
export { enableStore, enableShow, kstrtobool } from "./enable";

// Explanations and the matrix
export type { ClientJson, DistanceJson, Explanation } from "./explain";
/** Structured explanations, the CLI contract's distance JSON, and prose. */
export { explain, distanceJson } from "./explain";
export type { LinkWord, MatrixResult } from "./matrix";
/** All-pairs distance / map type / nvidia-smi link words. */
export { p2pMatrix, linkWord, matrixDevices } from "./matrix";

// Hardware and driver
export type { P2pmemCardOptions } from "./hw/p2pmem-card";
/** A p2pmem card device model (class 0x0580, a BAR of plain memory). */
export { addP2pmemCard, P2PMEM_CARD_VENDOR, P2PMEM_CARD_DEVICE, P2PMEM_CARD_CLASS } from "./hw/p2pmem-card";
export type { P2pmemDriverOptions } from "./drivers/p2pmem-pci";
/** The p2pmem_pci driver: registers the whole memory BAR and publishes it. */
export { p2pmemPciDriver } from "./drivers/p2pmem-pci";

// Tools
export type { Provisioned } from "./provision";
/** Registers the P2P memory of a topology's p2pmem / NVMe CMB models (what their drivers would do). */
export { provisionFromModels } from "./provision";
