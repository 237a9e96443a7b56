/** A scriptable P2PDMA core for nvmet tests: distances, providers, pools and references as data. */
import { KDevice, prLog, devLog, ENODEV } from "@p2pdma/pci-core";
import type { LogLine } from "@p2pdma/pci-core";
import type { P2pDmaApi, P2pProvider, SgEntry, EnableStoreResult } from "../../src/index";

export interface FakeProvider extends P2pProvider {
  free: number;
}

export class FakeP2p implements P2pDmaApi {
  readonly providers = new Map<string, FakeProvider>();
  /** distance[provider][client] (default 4). */
  readonly dist = new Map<string, number>();
  readonly refs = new Map<string, number>();
  /** Devices that are PCI functions without P2P memory. */
  readonly plainPci = new Set<string>();
  distanceLog: LogLine[] = [];

  addProvider(name: string, bytes: number): FakeProvider {
    const p: FakeProvider = { name, device: new KDevice(name, null), free: bytes };
    this.providers.set(name, p);
    return p;
  }
  setDistance(provider: string, client: string, d: number): void {
    this.dist.set(`${provider}|${client}`, d);
  }
  private d(p: P2pProvider, c: KDevice): number {
    return this.dist.get(`${p.name}|${c.name}`) ?? 4;
  }
  enableStore(text: string): EnableStoreResult {
    const t = text.endsWith("\n") ? text.slice(0, -1) : text;
    const b = ["1", "y", "Y", "yes", "on", "true"].includes(t) ? true : ["0", "n", "N", "no", "off", "false"].includes(t) ? false : null;
    if (b !== null) return { errno: 0, use: b, provider: null, log: [] };
    const p = this.providers.get(t);
    if (p) {
      this.get(p);
      return { errno: 0, use: true, provider: p, log: [] };
    }
    if (this.plainPci.has(t)) return { errno: -ENODEV, log: [devLog(new KDevice(t, null), "err", `PCI device has no peer-to-peer memory: ${text}`)] };
    return { errno: -ENODEV, log: [prLog("err", "pci-p2pdma: ", `No such PCI device: ${t}`)] };
  }
  enableShow(p: P2pProvider | null, use: boolean): string {
    return p ? `${p.name}\n` : `${use ? 1 : 0}\n`;
  }
  distance(p: P2pProvider, c: KDevice, _v: boolean): { distance: number; log: LogLine[] } {
    const d = this.d(p, c);
    return { distance: d, log: d < 0 ? this.distanceLog : [] };
  }
  findMany(clients: readonly KDevice[]): P2pProvider | null {
    let best: FakeProvider | null = null;
    let bestD = Infinity;
    for (const p of this.providers.values()) {
      let sum = 0;
      let ok = true;
      for (const c of clients) {
        const d = this.d(p, c);
        if (d < 0) ok = false;
        sum += d;
      }
      if (ok && sum < bestD) {
        best = p;
        bestD = sum;
      }
    }
    if (best) this.get(best);
    return best;
  }
  allocSgl(p: P2pProvider, length: number): SgEntry[] | null {
    const fp = this.providers.get(p.name)!;
    if (fp.free < length) return null;
    fp.free -= length;
    return [{ buf: new Uint8Array(length), p2p: p }];
  }
  freeSgl(p: P2pProvider, sgl: readonly SgEntry[]): void {
    const fp = this.providers.get(p.name)!;
    for (const e of sgl) fp.free += e.buf.length;
  }
  get(p: P2pProvider): void {
    this.refs.set(p.name, (this.refs.get(p.name) ?? 0) + 1);
  }
  put(p: P2pProvider | null): void {
    if (p) this.refs.set(p.name, (this.refs.get(p.name) ?? 0) - 1);
  }
}
