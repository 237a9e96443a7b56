/**
 * The per-provider map-type cache (spec 2.17.2): in the kernel an xarray, a radix tree keyed by
 * `(domain << 16) | (bus << 8) | devfn`. Modelled as one: a node per key byte above the leaf,
 * each leaf a byte array of 256 slots holding a map-type code (0 = empty). Lookups are a few
 * array indexings, as an xarray walk is a few pointer hops.
 */
import type { MapType } from "./spec/map-type";

const CODES: readonly (MapType | undefined)[] = [undefined, "NOT_SUPPORTED", "BUS_ADDR", "THRU_HOST_BRIDGE"];

function codeOf(t: MapType): number {
  const i = CODES.indexOf(t);
  if (i <= 0) throw new RangeError(`no cache code for map type ${t}`);
  return i;
}

export class MapTypeXarray {
  /** domain -> bus -> devfn slot. */
  private readonly root = new Map<number, (Uint8Array | undefined)[]>();
  private count = 0;

  /** `xa_load`. */
  get(key: number): MapType | undefined {
    const buses = this.root.get(key >>> 16);
    if (buses === undefined) return undefined;
    const leaf = buses[(key >>> 8) & 0xff];
    return leaf === undefined ? undefined : CODES[leaf[key & 0xff]!];
  }

  /** `xa_store`. */
  set(key: number, t: MapType): this {
    let buses = this.root.get(key >>> 16);
    if (buses === undefined) {
      buses = new Array<Uint8Array | undefined>(256);
      this.root.set(key >>> 16, buses);
    }
    const b = (key >>> 8) & 0xff;
    let leaf = buses[b];
    if (leaf === undefined) {
      leaf = new Uint8Array(256);
      buses[b] = leaf;
    }
    if (leaf[key & 0xff] === 0) this.count++;
    leaf[key & 0xff] = codeOf(t);
    return this;
  }

  /** `xa_destroy`. */
  clear(): void {
    this.root.clear();
    this.count = 0;
  }

  /** Number of cached entries. */
  get size(): number {
    return this.count;
  }
}
