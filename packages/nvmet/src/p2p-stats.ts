/**
 * What the kernel lacks (brief, spec 6.6): counters per namespace and per controller of SGLs
 * allocated from P2P memory vs system memory, with the reason for every fallback.
 */

/** Why `nvmet_req_alloc_sgls` did not use P2P memory. */
export type FallbackReason =
  | "p2pdma-disabled" // CONFIG_PCI_P2PDMA off
  | "no-controller"
  | "admin-queue"
  | "no-namespace"
  | "p2pmem-off" // the namespace's p2pmem is 0
  | "not-block-backed"
  | "no-p2p-client" // the transport supplied no p2p_client (loop, tcp, fc; rdma without P2P DMA)
  | "no-provider" // the per-controller choice gave up for this (ctrl, ns) pair
  | "pool-exhausted";

export const FALLBACK_REASONS: readonly FallbackReason[] = [
  "p2pdma-disabled", "no-controller", "admin-queue", "no-namespace", "p2pmem-off",
  "not-block-backed", "no-p2p-client", "no-provider", "pool-exhausted",
];

/** SGL counters of one namespace or controller. */
export interface P2pCounters {
  p2pSgls: number;
  p2pBytes: number;
  systemSgls: number;
  systemBytes: number;
  readonly fallbacks: Record<FallbackReason, number>;
}

/** A fresh counter set. */
export function newCounters(): P2pCounters {
  const fallbacks = {} as Record<FallbackReason, number>;
  for (const r of FALLBACK_REASONS) fallbacks[r] = 0;
  return { p2pSgls: 0, p2pBytes: 0, systemSgls: 0, systemBytes: 0, fallbacks };
}

/** One fallback, as recorded in the target's bounded event list. */
export interface FallbackEvent {
  readonly cntlid: number | null;
  readonly nsid: number | null;
  readonly qid: number;
  readonly length: number;
  readonly reason: FallbackReason;
}
