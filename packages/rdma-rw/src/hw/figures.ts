/**
 * Default wire parameters, from ../shared/spec/hardware-figures.md section 2.3 (RDMA NIC line
 * rates and achieved payload). Each constant cites its row.
 */

/** Row 2.3.2: a 100 Gb/s line rate (ConnectX-5 EDR / 100 GbE class). */
export const DEFAULT_LINE_RATE_GBPS = 100;
/** Row 2.3.2: RoCEv2 MTU 4096, the MTU that gives the 12.25 GB/s payload ceiling. */
export const DEFAULT_MTU = 4096;
/**
 * Row 2.3.2: RoCEv2 wire overhead per packet, 82 B (preamble+IFG 20, Eth 14, FCS 4, IPv4 20,
 * UDP 8, BTH 12, ICRC 4). With MTU 4096 and 100 Gb/s this gives 12.25 GB/s of payload.
 */
export const DEFAULT_PACKET_OVERHEAD = 82;
/**
 * Row 2.3.1: `ib_send_lat` on ConnectX-5 EDR, 1.72 us for 2..256 B messages (one way, NIC to NIC,
 * both NICs' processing included). Used as the one-way latency of a wire.
 */
export const DEFAULT_ONE_WAY_LATENCY_NS = 1720;
/** Extended transport header of an RDMA READ request or WRITE's first packet (RETH), bytes. */
export const RETH_BYTES = 16;
/** ACK extended transport header (AETH), bytes. */
export const AETH_BYTES = 4;
