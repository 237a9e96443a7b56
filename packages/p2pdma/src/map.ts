/**
 * Mapping P2P scatterlists for DMA:
 * - 4.20 `pci_p2pdma_map_sg` (spec 2.12): refuses dma_virt_ops devices (0); else every entry
 *   gets `phys + bus_offset` (the historic subtraction only with `quirks.busOffsetSignBug`).
 *   Never unmapped.
 * - 6.12 `pci_p2pdma_map_segment` inside `dma_map_sg` (spec 2.17.3; kernel/dma/direct.c):
 *   the map type comes from the provider's cache (computed verbosely on a miss); BUS_ADDR
 *   segments get the bus address and the bus-address mark, THRU_HOST_BRIDGE segments are mapped
 *   like memory, NOT_SUPPORTED fails the whole mapping with -EREMOTEIO (`dma_map_sgtable`;
 *   `dma_map_sg_attrs` returns 0).
 */
import type { KDevice, LogLine, PciFunction } from "@p2pdma/pci-core";
import { EREMOTEIO } from "@p2pdma/pci-core";
import type { P2pdmaCore } from "./core";
import type { P2pOptions } from "./options";
import type { DevPagemap } from "./page";
import type { ScatterEntry } from "./alloc";
import type { MapType } from "./spec/map-type";
import { sgPhys } from "./alloc";
import { pairVerdict, verdictLines } from "./distance";
import { KernelBugError, P2pdmaError } from "./errors";
import { exploreCases } from "./facts";
import { resolveOptions } from "./options";
import { isPciP2pdmaPage } from "./page";
import { mapTypesIndex } from "./state";

/** How a device's DMA is set up (which `dma_map_ops`). */
export interface DmaDevice {
  readonly dev: KDevice;
  /** "direct" (no ops / dma-direct), "iommu" (dma-iommu), "virt" (dma_virt_ops: rxe, rdmavt, siw). */
  readonly ops?: "direct" | "iommu" | "virt";
  /** IOVA for a CPU physical address behind an IOMMU (default: identity). */
  readonly iova?: (phys: bigint) => bigint;
}

/** Models 4.20 `pci_p2pdma_map_sg(dev, sg, nents, dir)`: the mapped count, or 0. */
export function p2pdmaMapSg(
  core: P2pdmaCore,
  dma: DmaDevice,
  sgl: ScatterEntry[],
  nents: number,
  opts: P2pOptions = {},
): { ret: number; log: readonly LogLine[] } {
  const o = resolveOptions(opts);
  if (!o.configPciP2pdma) return { ret: 0, log: [] };
  if (dma.ops === "virt") {
    // WARN_ON_ONCE(dev->dma_ops == &dma_virt_ops): a backtrace, no message text.
    return { ret: 0, log: core.log([{ level: "warn", text: `WARNING: pci_p2pdma_map_sg: ${dma.dev.name} uses dma_virt_ops` }]) };
  }
  for (const sg of sgl.slice(0, nents)) {
    const pgmap = sg.page.pgmap;
    if (!pgmap) throw new KernelBugError("pci_p2pdma_map_sg on a page without a page map (NULL dereference)");
    const phys = sgPhys(sg);
    sg.dmaAddress = o.quirks.busOffsetSignBug ? phys - pgmap.busOffset : phys + pgmap.busOffset;
    sg.dmaLength = sg.length;
  }
  return { ret: nents, log: [] };
}

/** `struct pci_p2pdma_map_state`: zero-initialised before the loop. */
export interface MapState {
  pgmap: DevPagemap | null;
  map: MapType | "UNKNOWN";
  busOff: bigint;
}

export function newMapState(): MapState {
  return { pgmap: null, map: "UNKNOWN", busOff: 0n };
}

/** Models 6.12 `pci_p2pdma_map_type(pgmap, dev)` (static in p2pdma.c). */
export function p2pdmaMapType(core: P2pdmaCore, pgmap: DevPagemap, dev: KDevice, opts: P2pOptions = {}): MapType {
  const provider = pgmap.provider;
  const st = core.state(provider);
  if (!st) return "NOT_SUPPORTED";
  if (!dev.isPci) return "NOT_SUPPORTED";
  const client = dev as PciFunction;
  const cached = st.mapTypes.get(mapTypesIndex(client));
  if (cached !== undefined) return cached;
  const o = resolveOptions(opts);
  const cases = exploreCases(core.system.platform, o.assume, (scope) => pairVerdict(provider, client, "6.12", scope));
  if (cases.length !== 1) {
    throw new P2pdmaError(
      `the map type of ${provider.name} -> ${client.name} depends on unknown facts (${cases[0]?.dependsOn.join(", ") ?? ""}); pass an assumption`,
      "EP2PDMA_STATE",
    );
  }
  const v = cases[0]!.result;
  core.log(verdictLines(v, true));
  st.mapTypes.set(mapTypesIndex(client), v.mapType);
  return v.mapType;
}

/** Models `pci_p2pdma_map_segment(state, dev, sg)`. */
export function p2pdmaMapSegment(core: P2pdmaCore, state: MapState, dev: KDevice, sg: ScatterEntry, opts: P2pOptions = {}): MapType {
  const pgmap = sg.page.pgmap;
  if (!pgmap) throw new KernelBugError("pci_p2pdma_map_segment on a page that is not a P2P page");
  if (state.pgmap !== pgmap) {
    state.pgmap = pgmap;
    state.map = p2pdmaMapType(core, pgmap, dev, opts);
    state.busOff = pgmap.busOffset;
  }
  if (state.map === "BUS_ADDR") {
    sg.dmaAddress = sgPhys(sg) + state.busOff;
    sg.dmaLength = sg.length;
    sg.busAddress = true;
  }
  return state.map as MapType;
}

/**
 * Models 6.12 `dma_map_sgtable(dev, sgt, dir, 0)` on the direct / IOMMU path: 0 or a negative
 * errno (-EREMOTEIO when a P2P segment cannot be reached). On failure the segments mapped so far
 * are unmapped again (their DMA addresses cleared).
 */
export function dmaMapSgtable(core: P2pdmaCore, dma: DmaDevice, sgl: ScatterEntry[], opts: P2pOptions = {}): number {
  const o = resolveOptions(opts);
  const state = newMapState();
  const iova = dma.iova ?? ((p: bigint) => p);
  for (let i = 0; i < sgl.length; i++) {
    const sg = sgl[i]!;
    if (isPciP2pdmaPage(sg.page, o)) {
      const map = p2pdmaMapSegment(core, state, dma.dev, sg, opts);
      if (map === "BUS_ADDR") continue;
      if (map !== "THRU_HOST_BRIDGE") {
        dmaUnmapSg(sgl.slice(0, i));
        return -EREMOTEIO;
      }
    }
    sg.dmaAddress = iova(sgPhys(sg));
    sg.dmaLength = sg.length;
  }
  return 0;
}

/** Models `dma_map_sg_attrs`: the mapped count, or 0 on any error. */
export function dmaMapSg(core: P2pdmaCore, dma: DmaDevice, sgl: ScatterEntry[], opts: P2pOptions = {}): number {
  const r = dmaMapSgtable(core, dma, sgl, opts);
  return r < 0 ? 0 : sgl.length;
}

/** Models `dma_unmap_sg`: bus-address segments are only unmarked; others lose their mapping. */
export function dmaUnmapSg(sgl: ScatterEntry[]): void {
  for (const sg of sgl) {
    if (sg.busAddress) sg.busAddress = false;
    sg.dmaAddress = null;
    sg.dmaLength = 0;
  }
}

/** For tests and traces: the log line the 6.12 verbose computation of one pair prints. */
export function mapTypeLines(core: P2pdmaCore, provider: PciFunction, client: PciFunction): LogLine[] {
  const cases = exploreCases(core.system.platform, {}, (scope) => pairVerdict(provider, client, "6.12", scope));
  return cases.length === 1 ? verdictLines(cases[0]!.result, true) : [];
}

