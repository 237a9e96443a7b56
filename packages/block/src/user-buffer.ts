/**
 * User memory an O_DIRECT read or write names (the iov of `pread`/`pwrite`): anonymous RAM, or
 * an `mmap` of `p2pmem/allocate` (6.2+, spec 2.17.5) whose pages are P2P pages. Pinning models
 * `iov_iter_extract_pages` / `pin_user_pages_fast`: P2P pages pin only with FOLL_PCI_P2PDMA
 * (`ITER_ALLOW_P2PDMA`), else -EREMOTEIO.
 */
import type { Fabric, PciFunction } from "@p2pdma/pci-core";
import type { P2pdma, Page, UserMapping } from "@p2pdma/p2pdma";
import { pinUserPages, unpinUserPages, virtToPhys } from "@p2pdma/p2pdma";
import type { HostMemory } from "./host-memory";
import { BlockError } from "./errors";

const PAGE = 4096;

/** A user buffer. Offsets are bytes from its start. */
export interface UserBuffer {
  readonly kind: "ram" | "p2pmem";
  readonly length: number;
  /** Pins pages covering `[offset, offset + length)`: the pages, or a negative errno. */
  pin(offset: number, length: number, flags: { readonly allowP2pdma: boolean }): Page[] | number;
  unpin(offset: number, length: number): void;
  /** Offset of byte `offset` within its page. */
  pageOffset(offset: number): number;
  /** CPU load / store of the buffer's bytes (what the process does with its mapping). */
  read(offset: number, length: number): Uint8Array;
  write(offset: number, data: Uint8Array): void;
}

function check(buf: UserBuffer, offset: number, length: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > buf.length) {
    throw new BlockError(`range ${offset}+${length} outside a ${buf.length}-byte buffer`);
  }
}

/** Anonymous RAM of `length` bytes (page aligned, as `posix_memalign(4096)` gives). */
export function ramBuffer(mem: HostMemory, length: number): UserBuffer & { readonly phys: bigint; free(): void } {
  const phys = mem.alloc(Math.max(length, 1));
  if (phys === null) throw new BlockError("out of system RAM for a user buffer", "EBLOCK_STATE");
  const buf = {
    kind: "ram" as const,
    length,
    phys,
    pin(offset: number, len: number): Page[] | number {
      check(buf, offset, len);
      const pages: Page[] = [];
      const first = Math.floor(offset / PAGE);
      const last = Math.floor((offset + len - 1) / PAGE);
      for (let i = first; i <= last; i++) pages.push(mem.page(phys + BigInt(i * PAGE)));
      return pages;
    },
    unpin(): void {},
    pageOffset: (offset: number) => offset % PAGE,
    read: (offset: number, len: number) => {
      check(buf, offset, len);
      return mem.read(phys + BigInt(offset), len);
    },
    write: (offset: number, data: Uint8Array) => {
      check(buf, offset, data.length);
      mem.write(phys + BigInt(offset), data);
    },
    free: () => mem.release(phys),
  };
  return buf;
}

/**
 * A `p2pmem/allocate` mapping of `pdev` (from `P2pdma.mmapAllocate`). CPU accesses go through
 * `fabric` to the provider's BAR (and are counted on the links they cross).
 */
export function p2pmemBuffer(p2p: P2pdma, fabric: Fabric, pdev: PciFunction, mapping: UserMapping): UserBuffer {
  const length = Number(mapping.length);
  const busOf = (offset: number): bigint => pdev.bus.hostBridge.cpuToBus(virtToPhys(mapping.kaddr + BigInt(offset)));
  const buf: UserBuffer = {
    kind: "p2pmem",
    length,
    pin(offset, len, flags) {
      check(buf, offset, len);
      const first = Math.floor(offset / PAGE);
      const count = Math.floor((offset + len - 1) / PAGE) - first + 1;
      const r = pinUserPages(p2p.core, pdev, mapping, first, count, { follPciP2pdma: flags.allowP2pdma });
      if (r < 0) return r;
      const pages: Page[] = [];
      for (let i = first; i < first + count; i++) pages.push(p2p.virtToPage(mapping.kaddr + BigInt(i * PAGE)));
      return pages;
    },
    unpin(offset, len) {
      const first = Math.floor(offset / PAGE);
      const count = Math.floor((offset + len - 1) / PAGE) - first + 1;
      unpinUserPages(p2p.core, pdev, mapping, first, count);
    },
    pageOffset: (offset) => offset % PAGE,
    read(offset, len) {
      check(buf, offset, len);
      const r = fabric.read(null, busOf(offset), len);
      if ("error" in r) throw new BlockError(`CPU read of the mapping: ${r.error}`, "EBLOCK_STATE");
      return r.data;
    },
    write(offset, data) {
      check(buf, offset, data.length);
      const r = fabric.write(null, busOf(offset), data);
      if ("error" in r) throw new BlockError(`CPU write of the mapping: ${r.error}`, "EBLOCK_STATE");
    },
  };
  return buf;
}
