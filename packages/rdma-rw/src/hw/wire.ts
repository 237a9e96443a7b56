/**
 * A full-duplex wire (cable or switch port pair) between two RDMA ports on the virtual clock.
 * Each direction serialises frames one after another at the line rate; a message of N payload
 * bytes occupies ceil(N / MTU) packets (at least one), each with the per-packet overhead; it
 * arrives one latency after its last bit left. Defaults come from hardware-figures 2.3 (see
 * `figures.ts`).
 */
import type { VirtualClock } from "@p2pdma/pci-core";
import { RdmaError } from "../errors";
import { DEFAULT_LINE_RATE_GBPS, DEFAULT_MTU, DEFAULT_ONE_WAY_LATENCY_NS, DEFAULT_PACKET_OVERHEAD } from "./figures";

export interface WireOptions {
  /** Line rate in Gb/s (default 100, row 2.3.2). */
  readonly lineRateGbps?: number;
  /** Path MTU in bytes (default 4096, row 2.3.2). */
  readonly mtu?: number;
  /** Bytes of framing and headers per packet (default 82, RoCEv2, row 2.3.2). */
  readonly packetOverhead?: number;
  /** One-way latency in ns (default 1720, row 2.3.1). */
  readonly latencyNs?: number;
}

/** Something with a port to plug in (an ib_device). */
export interface WireEndpoint {
  readonly name: string;
}

/** Traffic of one direction. */
export interface WireStats {
  frames: number;
  packets: number;
  payloadBytes: number;
  wireBytes: number;
}

export class Wire {
  readonly lineRateGbps: number;
  readonly mtu: number;
  readonly packetOverhead: number;
  readonly latencyNs: number;
  private readonly ends: WireEndpoint[] = [];
  private readonly busyUntil = [0, 0];
  private readonly dirStats: [WireStats, WireStats] = [
    { frames: 0, packets: 0, payloadBytes: 0, wireBytes: 0 },
    { frames: 0, packets: 0, payloadBytes: 0, wireBytes: 0 },
  ];

  constructor(
    readonly clock: VirtualClock,
    o: WireOptions = {},
  ) {
    this.lineRateGbps = o.lineRateGbps ?? DEFAULT_LINE_RATE_GBPS;
    this.mtu = o.mtu ?? DEFAULT_MTU;
    this.packetOverhead = o.packetOverhead ?? DEFAULT_PACKET_OVERHEAD;
    this.latencyNs = o.latencyNs ?? DEFAULT_ONE_WAY_LATENCY_NS;
    if (!(this.lineRateGbps > 0) || !(this.mtu > 0) || this.packetOverhead < 0 || this.latencyNs < 0) {
      throw new RdmaError("wire parameters must be positive");
    }
  }

  /** Plugs `a` and `b` into the two ends. */
  connect(a: WireEndpoint, b: WireEndpoint): void {
    if (this.ends.length !== 0) throw new RdmaError("wire already connected", "ERDMA_STATE");
    if (a === b) throw new RdmaError("a wire needs two different ends");
    this.ends.push(a, b);
  }

  /** The endpoint at the other end from `from`, or null. */
  peer(from: WireEndpoint): WireEndpoint | null {
    const i = this.ends.indexOf(from);
    return i < 0 ? null : (this.ends[1 - i] ?? null);
  }

  /** Payload rate in bytes per ns for messages that fill whole packets. */
  get payloadBytesPerNs(): number {
    return (this.lineRateGbps / 8) * (this.mtu / (this.mtu + this.packetOverhead));
  }

  /** Serialisation time of a message of `payload` bytes with `header` extra bytes. */
  serializationNs(payload: number, header = 0): number {
    const packets = Math.max(1, Math.ceil(payload / this.mtu));
    return ((payload + header + packets * this.packetOverhead) * 8) / this.lineRateGbps;
  }

  /**
   * Sends a message from `from`: `deliver` runs at the far end on arrival. Returns the arrival
   * time (ns).
   */
  send(from: WireEndpoint, payload: number, header: number, deliver: () => void): number {
    const dir = this.ends.indexOf(from);
    if (dir < 0) throw new RdmaError(`${from.name} is not plugged into this wire`, "ERDMA_STATE");
    const ser = this.serializationNs(payload, header);
    const start = Math.max(this.clock.now, this.busyUntil[dir]!);
    this.busyUntil[dir] = start + ser;
    const arrival = start + ser + this.latencyNs;
    const st = this.dirStats[dir as 0 | 1];
    const packets = Math.max(1, Math.ceil(payload / this.mtu));
    st.frames++;
    st.packets += packets;
    st.payloadBytes += payload;
    st.wireBytes += payload + header + packets * this.packetOverhead;
    this.clock.schedule(arrival - this.clock.now, deliver);
    return arrival;
  }

  /** Traffic sent by `from` so far. */
  stats(from: WireEndpoint): WireStats {
    const dir = this.ends.indexOf(from);
    if (dir < 0) throw new RdmaError(`${from.name} is not plugged into this wire`, "ERDMA_STATE");
    return { ...this.dirStats[dir as 0 | 1] };
  }
}
