/**
 * Userspace P2P memory through `mmap` of `p2pmem/allocate` (6.2+, spec 2.17.5; checked in
 * 6.12.117 `p2pmem_alloc_mmap`), and the GUP rule for such pages (`FOLL_PCI_P2PDMA`).
 * Each mmap is one contiguous pool block; each mapped page holds one reference on the block's
 * page map and returns to the pool on its own when its last user lets go.
 */
import type { LogLine, PciFunction } from "@p2pdma/pci-core";
import { devLog, EINVAL, ENODEV, ENOENT, ENOMEM, EREMOTEIO } from "@p2pdma/pci-core";
import type { P2pdmaCore } from "./core";
import type { P2pOptions } from "./options";
import type { ProviderState, UserMapping } from "./state";
import { P2pdmaError } from "./errors";
import { resolveOptions } from "./options";
import { PAGE_SIZE, PAGE_SIZE_N } from "./spec/constants";

let nextMappingId = 1;

export interface MmapRequest {
  /** VMA length in bytes (rounded up to whole pages as mmap does). */
  readonly length: number | bigint;
  /** MAP_SHARED (VM_MAYSHARE); false models MAP_PRIVATE. */
  readonly shared: boolean;
  /** `vm_pgoff` (the mmap offset in pages). */
  readonly pgoff?: number;
  /** `current->comm` for the log lines. */
  readonly comm?: string;
  /** Make `vm_insert_page` fail with this errno at this page index (fault injection). */
  readonly failInsertAt?: { readonly page: number; readonly errno: number };
}

export interface MmapResult {
  /** 0 or a negative errno. */
  readonly ret: number;
  readonly mapping: UserMapping | null;
  readonly log: readonly LogLine[];
}

function pageFree(st: ProviderState, m: UserMapping, i: number): void {
  const owner = st.pool.freeOwner(m.kaddr + BigInt(i) * PAGE_SIZE_N, PAGE_SIZE_N);
  if (owner) owner.ref.count--;
}

/** Models `p2pmem_alloc_mmap` (mode 6.12). */
export function mmapAllocate(core: P2pdmaCore, pdev: PciFunction, req: MmapRequest, opts: P2pOptions = {}): MmapResult {
  const o = resolveOptions(opts);
  const comm = req.comm ?? "p2pmem-test";
  const st0 = core.state(pdev);
  if (!o.configPciP2pdma || !st0 || !st0.allocateFile) return { ret: -ENOENT, mapping: null, log: [] }; // no such file to open
  const raw = BigInt(req.length);
  if (raw <= 0n) return { ret: -EINVAL, mapping: null, log: [] }; // mmap(2) refuses length 0
  const len = ((raw + PAGE_SIZE_N - 1n) / PAGE_SIZE_N) * PAGE_SIZE_N;
  if (!req.shared) {
    return { ret: -EINVAL, mapping: null, log: core.log([devLog(pdev, "info", `${comm}: fail, attempted private mapping`)]) };
  }
  if ((req.pgoff ?? 0) !== 0) {
    return { ret: -EINVAL, mapping: null, log: core.log([devLog(pdev, "info", `${comm}: fail, attempted mapping with non-zero offset`)]) };
  }
  const st = core.state(pdev);
  if (!st) return { ret: -ENODEV, mapping: null, log: [] };
  const { addr, owner } = st.pool.allocOwner(len);
  if (addr === 0n) return { ret: -ENOMEM, mapping: null, log: [] };
  if (!owner || owner.ref.dying) {
    st.pool.free(addr, len);
    return { ret: -ENODEV, mapping: null, log: [] };
  }
  owner.ref.count++; // the tryget held across the inserts
  const pages = Number(len / PAGE_SIZE_N);
  const m: UserMapping = { id: nextMappingId++, comm, kaddr: addr, length: len, pageRefs: [], mapped: true };
  for (let i = 0; i < pages; i++) {
    if (req.failInsertAt && req.failInsertAt.page === i) {
      const rest = len - BigInt(i) * PAGE_SIZE_N;
      st.pool.free(addr + BigInt(i) * PAGE_SIZE_N, rest);
      if (!o.quirks.mmapInsertRefLeak) owner.ref.count--; // 6.12.117 drops the tryget ref; 6.2 leaked it
      // The failed mmap tears the VMA down: the pages inserted so far go back one by one.
      for (let j = 0; j < i; j++) {
        m.pageRefs[j] = 0;
        pageFree(st, m, j);
      }
      m.mapped = false;
      st.pump();
      return { ret: -Math.abs(req.failInsertAt.errno), mapping: null, log: [] };
    }
    owner.ref.count++;
    m.pageRefs.push(1);
  }
  owner.ref.count--;
  st.userMappings.set(m.id, m);
  return { ret: 0, mapping: m, log: [] };
}

/** Drops one reference on each page in `[first, first + count)` of a mapping. */
function dropRefs(core: P2pdmaCore, st: ProviderState, m: UserMapping, first: number, count: number): void {
  for (let i = first; i < first + count; i++) {
    const r = m.pageRefs[i] ?? 0;
    if (r <= 0) continue;
    m.pageRefs[i] = r - 1;
    if (r - 1 === 0) pageFree(st, m, i);
  }
  if (m.pageRefs.every((r) => r === 0)) st.userMappings.delete(m.id);
  st.pump();
  void core;
}

/** munmap of a whole mapping: the mapping's own page references go; pinned pages stay allocated. */
export function munmapAllocate(core: P2pdmaCore, pdev: PciFunction, m: UserMapping): void {
  const st = core.state(pdev);
  if (!st || !m.mapped) return;
  m.mapped = false;
  dropRefs(core, st, m, 0, m.pageRefs.length);
}

/** Teardown: removing `allocate` unmaps every user mapping (`unmap_mapping_range`). */
export function zapUserMappings(core: P2pdmaCore, st: ProviderState): void {
  for (const m of [...st.userMappings.values()]) {
    if (!m.mapped) continue;
    m.mapped = false;
    dropRefs(core, st, m, 0, m.pageRefs.length);
  }
}

/** GUP flags that matter for P2P pages. */
export interface GupFlags {
  readonly follPciP2pdma?: boolean;
  readonly longterm?: boolean;
}

/**
 * Models pinning user pages of a mapping (`pin_user_pages*`): P2P pages need FOLL_PCI_P2PDMA
 * (else -EREMOTEIO), and FOLL_LONGTERM together with it is refused (-EINVAL). Returns 0 and
 * holds one extra reference per page.
 */
export function pinUserPages(core: P2pdmaCore, pdev: PciFunction, m: UserMapping, page: number, count: number, flags: GupFlags): number {
  if (flags.longterm && flags.follPciP2pdma) return -EINVAL;
  if (!flags.follPciP2pdma) return -EREMOTEIO;
  if (!m.mapped) return -EINVAL;
  if (page < 0 || count < 0 || page + count > m.pageRefs.length) throw new P2pdmaError("pin range outside the mapping");
  for (let i = page; i < page + count; i++) m.pageRefs[i] = (m.pageRefs[i] ?? 0) + 1;
  void core;
  void pdev;
  return 0;
}

/** Models `unpin_user_pages`. */
export function unpinUserPages(core: P2pdmaCore, pdev: PciFunction, m: UserMapping, page: number, count: number): void {
  const st = core.state(pdev);
  if (!st) return;
  dropRefs(core, st, m, page, count);
}

/** Page size of a mapping's pages (for callers computing offsets). */
export const ALLOCATE_PAGE_SIZE = PAGE_SIZE;
