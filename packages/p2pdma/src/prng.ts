/**
 * A small deterministic PRNG for the random choices the kernel makes (spec 11.3): the tie
 * break of `pci_p2pmem_find_many` (`get_random_u32_below` in 6.12, `prandom_u32_max` in 4.20).
 * SplitMix32-style mixing of a Weyl sequence; `below(n)` is unbiased (rejection sampling).
 */

/** The interface every random choice of this package takes. */
export interface Prng {
  /** A uniformly distributed 32-bit unsigned integer. */
  nextU32(): number;
  /** A uniformly distributed integer in [0, n); n must be a positive 32-bit integer. */
  below(n: number): number;
}

/** A seeded PRNG (any 32-bit seed). Same seed, same sequence. */
export class SplitMix32 implements Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  below(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) throw new RangeError(`below(${n}): n must be in [1, 2^32]`);
    // Reject the top partial bucket so every residue is equally likely.
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }
}
