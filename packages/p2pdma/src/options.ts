/**
 * Options every entry point takes (spec section 11): the kernel mode, whether P2PDMA is built
 * in at all (`CONFIG_PCI_P2PDMA`, spec 2.15), historic bugs to reproduce on request, and what to
 * assume where the input left a fact unknown.
 */
import type { KernelMode } from "@p2pdma/pci-core";
import { DEFAULT_KERNEL_MODE } from "@p2pdma/pci-core";

/** Assumptions for facts a capture may lack; without one the result lists the cases instead. */
export interface Assume {
  /** ACS control of functions whose ACS state is unknown: "on" = redirecting (RR|CR|EC set). */
  readonly acs?: "on" | "off";
  /** The CPU, when the platform does not say (6.12's AMD Zen rule). */
  readonly cpu?: { readonly vendor: "amd" | "intel" | "other"; readonly family: number };
  /** Host-bridge devices whose ids are unknown: whether they would match a whitelist entry. */
  readonly hostBridge?: "whitelisted" | "not-whitelisted";
}

/** Historic kernel bugs, reproduced only when asked (spec 11.2). */
export interface Quirks {
  /** 4.20..5.15 `pci_p2pdma_map_sg` subtracted the bus offset instead of adding it (spec 2.12). */
  readonly busOffsetSignBug?: boolean;
  /** 6.12 `p2pmem_alloc_mmap` leaks the block's ref on a `vm_insert_page` failure (spec 2.17.5). */
  readonly mmapInsertRefLeak?: boolean;
}

export interface P2pOptions {
  /** Kernel semantics (default "6.12"). */
  readonly kernel?: KernelMode;
  /** `CONFIG_PCI_P2PDMA` (default true); false gives the stubs of spec 2.15. */
  readonly configPciP2pdma?: boolean;
  readonly quirks?: Quirks;
  readonly assume?: Assume;
}

/** Options with defaults applied. */
export interface ResolvedOptions {
  readonly kernel: KernelMode;
  readonly configPciP2pdma: boolean;
  readonly quirks: Quirks;
  readonly assume: Assume;
}

export function resolveOptions(opts: P2pOptions = {}): ResolvedOptions {
  return {
    kernel: opts.kernel ?? DEFAULT_KERNEL_MODE,
    configPciP2pdma: opts.configPciP2pdma ?? true,
    quirks: opts.quirks ?? {},
    assume: opts.assume ?? {},
  };
}
