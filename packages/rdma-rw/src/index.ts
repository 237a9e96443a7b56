/**
 * @p2pdma/rdma-rw: drivers/infiniband/core modelled (spec section 4): an RDMA NIC as a PCI
 * function whose DMA crosses the PCIe fabric, a wire between hosts, verbs (PD, MR, RC QP, CQ,
 * SEND/RECV, RDMA READ/WRITE) with their error semantics, and `rdma_rw_ctx` with the P2P
 * mapping rules of kernels 4.20 and 6.12. Errnos are returned as negative numbers, completion
 * statuses are `ib_wc_status` values; API misuse throws {@link RdmaError}.
 */

// Spec constants
/** include/rdma/ib_verbs.h: QP states, attribute mask bits, access flags, WC statuses and texts, send flags, DMA directions, RNR timers. */
export * from "./spec/verbs";
/** Mellanox vendor/device ids and the network class codes RNICs report. */
export * from "./spec/rnic-ids";
/** Wire defaults from hardware-figures 2.3 (line rate, MTU, per-packet overhead, latency). */
export * from "./hw/figures";

// Errors
export type { Errno, RdmaErrorCode } from "./errors";
/** API misuse (typed, with `code`), and `IS_ERR` for results that may be an errno. */
export { RdmaError, isErrno } from "./errors";

// Hardware
export type { DmaEngine, DmaFault } from "./hw/dma-engine";
/** Bus-master DMA through the fabric (a PCI NIC) and CPU copies at kernel virtual addresses (rxe/siw). */
export { PciDmaEngine, CpuCopyEngine, cpuPhysToBus, isDmaFault } from "./hw/dma-engine";
export type { RnicFunctionOptions } from "./hw/rnic";
/** The RNIC device model: its PCI function (ConnectX-5 by default) and its BAR/DMA on the fabric. */
export { addRnicFunction, Rnic } from "./hw/rnic";
export type { WireOptions, WireEndpoint, WireStats } from "./hw/wire";
/** A full-duplex wire with latency and line rate on the virtual clock. */
export { Wire } from "./hw/wire";

// Machines
export type { HostOptions } from "./host";
/** One host: PCI system, fabric with DRAM, P2PDMA state, `kmalloc` / `sgl_alloc`, CPU access. */
export { Host } from "./host";
export type { RdmaHost, HostInit, TwoHosts } from "./testbed";
/** Ready-made hosts: plain, the seed's reference system, two hosts cabled. */
export { plainHost, referenceHost, cable, twoHosts } from "./testbed";

// Verbs
export type { IbDeviceAttrs, IbDeviceOptions, SoftIbDeviceOptions, DmaTraceEvent, AsyncEvent } from "./ib-device";
/** `struct ib_device` (hardware: `IbDevice.hardware`, software rxe/siw: `IbDevice.software`) and cabling of port 1. */
export { IbDevice, connectPorts, DEFAULT_HW_ATTRS, DEFAULT_SOFT_ATTRS } from "./ib-device";
/**
 * `ib_dma_map_sg`, `ib_dma_map_sgtable_attrs`, `ib_dma_unmap_sg`, 4.20 `pci_p2pdma_map_sg` on
 * an ib_device, `ib_uses_virt_dma`, `ib_dma_pci_p2p_dma_supported`.
 */
export { ibDmaMapSg, ibDmaMapSgtable, ibDmaUnmapSg, p2pdmaMapSgForIb, ibUsesVirtDma, ibDmaPciP2pDmaSupported } from "./dma";
/** `ib_alloc_pd`, `ib_dealloc_pd` and `struct ib_pd`. */
export { Pd, allocPd, deallocPd } from "./pd";
export type { MrSegment } from "./mr";
/**
 * `struct ib_mr`, `ib_alloc_mr`, `ib_dereg_mr`, `ib_map_mr_sg`, `ib_inc_rkey`,
 * `ib_update_fast_reg_key`, `ib_check_mr_access`, and `regMr` (alloc + map + REG_MR in one step).
 */
export { Mr, allocMr, deregMr, mapMrSg, incRkey, updateFastRegKey, checkMrAccess, regMr } from "./mr";
/** drivers/infiniband/core/mr_pool.c. */
export { MrPool } from "./mr-pool";
export type { Wc, CqOptions } from "./cq";
/** `struct ib_cq`, `ib_create_cq` and `ib_poll_cq` (`Cq.poll`). */
export { Cq, createCq } from "./cq";
export type { Sge, SendWr, SendOnlyWr, RdmaWr, LocalInvWr, RegMrWr, RecvWr } from "./wr";
/** A WR chain as an array. */
export { chainToArray } from "./wr";
export type { QpCap, QpInitAttr, QpAttr, QpAttrInput, AhAttr, SqEntry, ParkedRequest, PostResult } from "./qp";
/** `ib_create_qp` (with rdma_rw sizing), `ib_modify_qp`, `ib_query_qp`, `ib_destroy_qp`, `ib_post_send`, `ib_post_recv`. */
export { Qp, createQp, modifyQp, queryQp, destroyQp, postSend, postRecv } from "./qp";
/** `qp_state_table` (RC) and `ib_modify_qp_is_ok`. */
export { RC_QP_STATE_TABLE, modifyQpIsOk } from "./qp-table";
export type { ConnectOptions } from "./verbs";
/** The modify_qp sequence a connection manager runs (RESET -> INIT -> RTR -> RTS). */
export { bringUp, connectQps } from "./verbs";

// rdma_rw
/** `rdma_rw_can_use_mr`, `rdma_rw_io_needs_mr`, `rdma_rw_fr_page_list_len`, `rdma_cap_read_inv`. */
export { rwCanUseMr, rwIoNeedsMr, rwFrPageListLen, rdmaCapReadInv } from "./rw-caps";
export type { RwCtx, RwCtxType, RwRegCtx, RwOptions, RwInitResult } from "./rw";
/** `rdma_rw_ctx_init`, `rdma_rw_ctx_wrs`, `rdma_rw_ctx_post`, `rdma_rw_ctx_destroy`. */
export { rwCtxInit, rwCtxWrs, rwCtxPost, rwCtxDestroy } from "./rw";
/** `rdma_rw_ctx_signature_init`, `rdma_rw_ctx_destroy_signature` (P2P-unaware). */
export { rwCtxSignatureInit, rwCtxDestroySignature } from "./rw-sig";
