/**
 * When a command completes on the virtual clock: a fixed latency per command class plus a
 * media service time (the larger of bytes / bandwidth and 1 / IOPS) on one server per
 * direction, so that queue depth buys throughput up to the configured ceilings
 * (hardware-figures.md §2.4 defaults; §5 "links as shared flows with per-I/O events").
 */
import type { TimingOptions } from "./options";

/** Timing class of a command. */
export type TimingClass = "read" | "write" | "admin";

/** The media timing model of one controller. */
export class Timing {
  private readBusyUntil = 0;
  private writeBusyUntil = 0;
  constructor(private readonly t: TimingOptions) {}

  /** Delay from `now` until a command of `cls` moving `bytes` completes. */
  delay(cls: TimingClass, bytes: number, now: number): number {
    if (cls === "admin") return this.t.adminLatencyNs;
    const read = cls === "read";
    const service = Math.max(bytes / (read ? this.t.readBytesPerNs : this.t.writeBytesPerNs), 1e9 / (read ? this.t.readIops : this.t.writeIops));
    const start = Math.max(now, read ? this.readBusyUntil : this.writeBusyUntil);
    const end = start + service;
    if (read) this.readBusyUntil = end;
    else this.writeBusyUntil = end;
    return Math.ceil(end - now + (read ? this.t.readLatencyNs : this.t.writeLatencyNs));
  }

  /** Forgets queued work (controller reset). */
  reset(): void {
    this.readBusyUntil = 0;
    this.writeBusyUntil = 0;
  }
}
