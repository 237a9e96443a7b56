/**
 * Per-provider state (`struct pci_p2pdma`, spec 2.1 / 2.17.2) and the teardown sequencer that
 * stands in for the kernel's sleeping waits: devres actions run synchronously at unbind, so a
 * step that would block (memremap teardown, 4.20's release) is queued; the queue drains as
 * allocations are freed, and the caller can observe what it is waiting for.
 */
import type { KernelMode, PciFunction } from "@p2pdma/pci-core";
import { MapTypeXarray } from "./xarray";
import type { DevPagemap, PercpuRef } from "./page";
import { GenPool } from "./pool";
import { PAGE_SHIFT } from "./spec/constants";

/** One queued teardown step. */
export interface TeardownStep {
  readonly name: string;
  /** Null when the step may run now; otherwise what it waits for. */
  readonly blockedOn: () => string | null;
  readonly run: () => void;
}

/** A userspace mapping of `p2pmem/allocate` (6.2+, spec 2.17.5). */
export interface UserMapping {
  readonly id: number;
  readonly comm: string;
  /** Kernel virtual address of the block and its length. */
  readonly kaddr: bigint;
  readonly length: bigint;
  /** Pages still referenced by this mapping or by pins (page index -> references). */
  readonly pageRefs: number[];
  mapped: boolean;
}

export class ProviderState {
  readonly pool: GenPool<DevPagemap>;
  published = false;
  /** 6.12 `map_types` xarray: client index -> cached map type. */
  readonly mapTypes = new MapTypeXarray();
  readonly pagemaps: DevPagemap[] = [];
  /** 4.20 `devmap_ref` (one per provider); unused in 6.12 where each page map has its own. */
  readonly ref: PercpuRef = { count: 0, dying: false };
  /** Whether `p2pmem/allocate` is present (6.12; removed first at teardown). */
  allocateFile = false;
  readonly userMappings = new Map<number, UserMapping>();
  readonly teardown: TeardownStep[] = [];
  /** What the sequencer waits for, null when idle or done. */
  waitingFor: string | null = null;
  /** True once the release step ran (the pointer is cleared). */
  released = false;

  constructor(
    readonly pdev: PciFunction,
    readonly mode: KernelMode,
    readonly sysfsDir: string,
  ) {
    this.pool = new GenPool<DevPagemap>(PAGE_SHIFT, pdev.numaNode);
  }

  /** Queues a teardown step and runs what can run. */
  enqueue(step: TeardownStep): void {
    this.teardown.push(step);
    this.pump();
  }

  /** Runs queued steps in order until one is blocked. */
  pump(): void {
    while (this.teardown.length > 0) {
      const step = this.teardown[0]!;
      const blocked = step.blockedOn();
      if (blocked !== null) {
        this.waitingFor = `${step.name}: ${blocked}`;
        return;
      }
      this.teardown.shift();
      step.run();
    }
    this.waitingFor = null;
  }
}

/** `map_types_idx(client)`: `(domain << 16) | (bus << 8) | devfn`. */
export function mapTypesIndex(client: PciFunction): number {
  return client.domain * 0x10000 + ((client.busNumber << 8) | client.devfn);
}
