/**
 * Sizes and bit masks P2PDMA depends on (x86-64 defaults; include/linux/mmzone.h,
 * arch/x86/include/asm/page_64_types.h, include/uapi/linux/pci_regs.h).
 */
import { PCI_ACS_CR, PCI_ACS_EC, PCI_ACS_RR } from "@p2pdma/pci-core";

/** PAGE_SIZE / PAGE_SHIFT: the genalloc granule of a P2P pool (`min_alloc_order`). */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_SIZE_N = BigInt(PAGE_SIZE);
/** `PAGE_OFFSET` of the x86-64 direct map (4-level paging, no KASLR): `__va(phys)` = this + phys. */
export const PAGE_OFFSET = 0xffff888000000000n;
/** Memory section (SECTION_SIZE_BITS 27): what 4.20's devm_memremap_pages rounds a range out to. */
export const SECTION_SIZE = 1n << 27n;
/** Sub-section (SUBSECTION_SHIFT 21): the alignment 6.12's memory hotplug requires of ZONE_DEVICE ranges. */
export const SUBSECTION_SIZE = 1n << 21n;
/** `SZ_1T`: the advertised size of the binary `p2pmem/allocate` attribute (6.2+). */
export const SZ_1T = 2 ** 40;
/** ACS control bits that make P2PDMA treat a function as redirecting (RR | CR | EC). */
export const ACS_REDIRECT_MASK = PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC;
/** The on-stack seq_buf 6.12 collects redirecting BDFs in (`char buf[128]`). */
export const ACS_LIST_BUF_6_12 = 128;
/** The page-sized seq_buf 4.20's warn variant allocates. */
export const ACS_LIST_BUF_4_20 = PAGE_SIZE;
/** find_many's scratch array: one page of pointers (`PAGE_SIZE / sizeof(void *)`). */
export const FIND_MAX_DEVS = PAGE_SIZE / 8;
/** `pr_fmt` of drivers/pci/p2pdma.c. */
export const PR_FMT = "pci-p2pdma: ";
