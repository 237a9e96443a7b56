/**
 * A namespace of the controller (NVMe 1.4 §6.1): its LBA format, capacity and media.
 */
import type { NamespaceOptions } from "./options";
import { Media, openStore } from "./media";

/** One active namespace. */
export class Namespace {
  readonly nsid: number;
  readonly lbaSize: number;
  /** log2 of the LBA size (LBAF0.LBADS). */
  readonly lbads: number;
  /** NSZE = NCAP = NUSE, in logical blocks. */
  readonly blocks: bigint;
  readonly media: Media;

  constructor(opts: NamespaceOptions, cacheEnabled: boolean, cacheBytes: number) {
    this.nsid = opts.nsid;
    this.lbaSize = opts.lbaSize ?? 512;
    this.lbads = this.lbaSize === 4096 ? 12 : 9;
    this.blocks = opts.sizeBytes / BigInt(this.lbaSize);
    this.media = new Media(openStore(opts.backend ?? { kind: "memory" }, opts.sizeBytes), cacheEnabled, cacheBytes);
  }

  /** Whether [slba, slba + nlb) lies inside the namespace. */
  inRange(slba: bigint, nlb: bigint): boolean {
    return slba >= 0n && nlb >= 0n && slba + nlb <= this.blocks;
  }

  /** A 64-bit EUI derived from the NSID and the controller serial hash (stable across runs). */
  eui64(serialHash: number): bigint {
    return (0x0050c2n << 40n) | (BigInt(serialHash & 0xffff) << 24n) | BigInt(this.nsid & 0xffffff);
  }
}
