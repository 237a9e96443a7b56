/**
 * Adapters from nvmet's seams to the real layers: the P2P core over `@p2pdma/p2pdma`.
 * (The block backend over `@p2pdma/block` gendisks and the rdma transport over
 * `@p2pdma/rdma-rw` follow when those packages export what they need.)
 */
export type { P2pdmaAdapterOptions, P2pBlock } from "./p2p-core";
export { P2pdmaAdapter } from "./p2p-core";
export { blockOpOf, blockFlagsOf, nvmetBlockStatus } from "./block-bio";
