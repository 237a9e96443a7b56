/**
 * The P2PDMA state of one machine: `pdev->p2pdma` of every provider, the page-map registry
 * (ZONE_DEVICE ranges), and fault injection for the allocation failures the kernel can hit.
 * One instance per {@link PciSystem}, shared by every layer ({@link P2pdmaCore.of}).
 */
import type { LogLine, PciFunction, PciSystem } from "@p2pdma/pci-core";
import type { RamRange } from "./memremap";
import type { Page } from "./page";
import type { ProviderState } from "./state";
import { P2pdmaError } from "./errors";
import { PagemapRegistry } from "./memremap";
import { virtToPhys } from "./page";

/** Allocation failures a test can inject (each fires once; models failslab / -ENOMEM paths). */
export type FaultPoint =
  | "setup-alloc" // devm_kzalloc of struct pci_p2pdma
  | "pool-create" // gen_pool_create
  | "ref-init" // 4.20 percpu_ref_init
  | "release-action" // devm_add_action_or_reset(pci_p2pdma_release)
  | "sysfs-group" // sysfs_create_group
  | "pgmap-alloc" // devm_kzalloc of the page map
  | "unmap-action" // 6.12 devm_add_action_or_reset(pci_p2pdma_unmap_mappings)
  | "pool-add" // gen_pool_add_owner / gen_pool_add_virt
  | "kill-action"; // 4.20 devm_add_action_or_reset(pci_p2pdma_percpu_kill)

const CORES = new WeakMap<PciSystem, P2pdmaCore>();

export class P2pdmaCore {
  readonly pagemaps: PagemapRegistry;
  private readonly states = new Map<PciFunction, ProviderState>();
  private readonly faults = new Map<FaultPoint, number>();

  private constructor(
    readonly system: PciSystem,
    systemRam: readonly RamRange[],
  ) {
    this.pagemaps = new PagemapRegistry(systemRam);
  }

  /** The P2PDMA state of `system` (created on first use; `systemRam` only counts then). */
  static of(system: PciSystem, init: { systemRam?: readonly RamRange[] } = {}): P2pdmaCore {
    let core = CORES.get(system);
    if (!core) {
      core = new P2pdmaCore(system, init.systemRam ?? []);
      CORES.set(system, core);
    }
    return core;
  }

  /** `pdev->p2pdma`: null when the device has no (or no more) P2PDMA state. */
  state(pdev: PciFunction): ProviderState | null {
    return this.states.get(pdev) ?? null;
  }

  setState(pdev: PciFunction, st: ProviderState | null): void {
    if (st) this.states.set(pdev, st);
    else this.states.delete(pdev);
  }

  /** Every provider that currently has state, in no particular order. */
  providers(): ProviderState[] {
    return [...this.states.values()];
  }

  /** Makes the next `count` hits of `point` fail. */
  injectFault(point: FaultPoint, count = 1): void {
    this.faults.set(point, (this.faults.get(point) ?? 0) + count);
  }

  /** Consumes one injected failure at `point`. */
  fault(point: FaultPoint): boolean {
    const n = this.faults.get(point) ?? 0;
    if (n <= 0) return false;
    this.faults.set(point, n - 1);
    return true;
  }

  /** Appends lines to the machine's kernel log and returns them. */
  log(lines: readonly LogLine[]): LogLine[] {
    this.system.log.append(...lines);
    return [...lines];
  }

  /** `virt_to_page` for a direct-map address. */
  virtToPage(virt: bigint): Page {
    return this.pagemaps.page(virtToPhys(virt));
  }

  /** Refuses a function of another system (API misuse). */
  own(pdev: PciFunction): void {
    if (!this.system.devices.includes(pdev) && !this.states.has(pdev)) {
      throw new P2pdmaError(`${pdev.name} is not a function of this system`);
    }
  }
}
