/**
 * The real implementation of nvmet's P2P seam ({@link P2pDmaApi}) over `@p2pdma/p2pdma`: one
 * machine's P2PDMA core (`P2pdma.of(system)`), the kernel mode, and a seeded PRNG for
 * `pci_p2pmem_find_many`'s choice among ties. P2P scatterlist entries carry a CPU view of the
 * allocated block; {@link P2pdmaAdapter.busAddressOf} gives the bus address a DMA engine must
 * use for it (`pci_p2pmem_virt_to_bus`), so the fabric routes the payload to the provider's BAR.
 */
import type { KDevice, KernelMode, LogLine, PciFunction, PciSystem } from "@p2pdma/pci-core";
import { P2pdma, SplitMix32, sgPhys, sgVirt } from "@p2pdma/p2pdma";
import type { ScatterEntry } from "@p2pdma/p2pdma";
import type { EnableStoreResult, P2pDmaApi, P2pProvider } from "../p2p";
import type { SgEntry } from "../sgl";

/** Options of {@link P2pdmaAdapter}. */
export interface P2pdmaAdapterOptions {
  readonly system: PciSystem;
  readonly kernel?: KernelMode;
  /** Seed of the PRNG that replaces `get_random_u32_below` in find_many. */
  readonly seed?: number;
}

/** Where a P2P scatterlist entry lives: its provider, kernel virtual address and bus address. */
export interface P2pBlock {
  readonly provider: PciFunction;
  readonly virt: bigint;
  readonly bus: bigint;
  readonly entry: ScatterEntry;
}

/** {@link P2pDmaApi} over `@p2pdma/p2pdma` (drivers/pci/p2pdma.c). */
export class P2pdmaAdapter implements P2pDmaApi {
  readonly p2p: P2pdma;
  private readonly kernel: KernelMode;
  private readonly prng: SplitMix32;
  private readonly providers = new Map<PciFunction, P2pProvider>();
  private readonly blocks = new WeakMap<Uint8Array, P2pBlock>();
  /** `pci_dev_get`/`put` balance per provider (the model's reference count for reports). */
  readonly refs = new Map<string, number>();

  constructor(readonly o: P2pdmaAdapterOptions) {
    this.kernel = o.kernel ?? "6.12";
    this.p2p = P2pdma.of(o.system, { kernel: this.kernel });
    this.prng = new SplitMix32(o.seed ?? 1);
  }

  /** The seam's provider object for a PCI function (one per function). */
  providerOf(dev: PciFunction): P2pProvider {
    let p = this.providers.get(dev);
    if (!p) {
      p = { name: dev.name, device: dev };
      this.providers.set(dev, p);
    }
    return p;
  }

  private fn(p: P2pProvider): PciFunction {
    const dev = this.o.system.getDeviceByName(p.name);
    if (!dev) throw new Error(`P2P provider ${p.name} is not a PCI function of this system`);
    return dev;
  }

  // @p2pdma/p2pdma already appends its lines to the machine's kernel log, which nvmet shares:
  // the adapter hands nvmet no lines of its own, or every line would be printed twice.
  enableStore(text: string): EnableStoreResult {
    const r = this.p2p.enableStore(text, { kernel: this.kernel });
    if (r.ret !== 0) return { errno: r.ret, log: [] };
    const provider = r.p2pDev ? this.providerOf(r.p2pDev) : null;
    if (provider) this.get(provider);
    return { errno: 0, use: r.use ?? false, provider, log: [] };
  }

  enableShow(provider: P2pProvider | null, use: boolean): string {
    return this.p2p.enableShow(provider ? this.fn(provider) : null, use, { kernel: this.kernel });
  }

  distance(provider: P2pProvider, client: KDevice, verbose: boolean): { readonly distance: number; readonly log: readonly LogLine[] } {
    const r = this.p2p.distanceMany(this.fn(provider), [client], verbose, { kernel: this.kernel });
    return { distance: r.distance ?? -1, log: [] };
  }

  findMany(clients: readonly KDevice[]): P2pProvider | null {
    const r = this.p2p.findMany(clients, this.prng, { kernel: this.kernel });
    if (!r.provider) return null;
    const p = this.providerOf(r.provider);
    this.get(p);
    return p;
  }

  allocSgl(provider: P2pProvider, length: number): SgEntry[] | null {
    const dev = this.fn(provider);
    const sgl = allocSgl(this.p2p, dev, length, this.kernel);
    if (!sgl) return null;
    const e = sgl[0]!;
    const buf = new Uint8Array(length);
    const bus = dev.bus.hostBridge.cpuToBus(sgPhys(e));
    this.blocks.set(buf, { provider: dev, virt: sgVirt(e), bus, entry: e });
    return [{ buf, p2p: provider }];
  }

  freeSgl(provider: P2pProvider, sgl: readonly SgEntry[]): void {
    const dev = this.fn(provider);
    const entries: ScatterEntry[] = [];
    for (const s of sgl) {
      const b = this.blocks.get(s.buf);
      if (b) entries.push(b.entry);
      this.blocks.delete(s.buf);
    }
    this.p2p.freeSgl(dev, entries, { kernel: this.kernel });
  }

  get(provider: P2pProvider): void {
    this.refs.set(provider.name, (this.refs.get(provider.name) ?? 0) + 1);
  }

  put(provider: P2pProvider | null): void {
    if (provider) this.refs.set(provider.name, (this.refs.get(provider.name) ?? 0) - 1);
  }

  /** The P2P block behind a scatterlist entry this adapter allocated, or undefined. */
  blockOf(buf: Uint8Array): P2pBlock | undefined {
    return this.blocks.get(buf);
  }

  /** The bus address of a P2P entry's first byte (`pci_p2pmem_virt_to_bus`), or null. */
  busAddressOf(buf: Uint8Array): bigint | null {
    return this.blocks.get(buf)?.bus ?? null;
  }
}

function allocSgl(p2p: P2pdma, dev: PciFunction, length: number, kernel: KernelMode): ScatterEntry[] | null {
  const r = p2p.allocSgl(dev, length, { kernel });
  return r ? r.sgl : null;
}
