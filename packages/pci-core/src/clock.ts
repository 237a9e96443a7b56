/**
 * The virtual clock (architecture.md "Time"): a deterministic discrete-event scheduler that all
 * device models use for latency and bandwidth. Time is in nanoseconds; events at the same
 * instant run in the order they were scheduled. Never mixed with the wall clock.
 */

export interface ScheduledEvent {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** Misuse of the scheduler (scheduling in the past, a non-finite delay). */
export class ClockError extends Error {
  readonly code = "ECLOCK";
}

export class VirtualClock {
  private nowNs = 0;
  private seq = 0;
  private heap: ScheduledEvent[] = [];

  /** Current virtual time in nanoseconds. */
  get now(): number {
    return this.nowNs;
  }

  /** Schedules `run` after `delayNs` (>= 0). Returns a handle for {@link VirtualClock.cancel}. */
  schedule(delayNs: number, run: () => void): ScheduledEvent {
    if (!Number.isFinite(delayNs) || delayNs < 0) throw new ClockError(`invalid delay ${delayNs}`);
    const ev: ScheduledEvent = { at: this.nowNs + delayNs, seq: this.seq++, run, cancelled: false };
    this.push(ev);
    return ev;
  }

  /** Cancels a scheduled event; a no-op when it already ran. */
  cancel(ev: ScheduledEvent): void {
    ev.cancelled = true;
  }

  /** Number of pending (not cancelled) events. */
  get pending(): number {
    return this.heap.filter((e) => !e.cancelled).length;
  }

  /** Runs the next event, advancing time to it. Returns false when nothing is pending. */
  step(): boolean {
    for (;;) {
      const ev = this.pop();
      if (!ev) return false;
      if (ev.cancelled) continue;
      this.nowNs = ev.at;
      ev.run();
      return true;
    }
  }

  /** Runs events until none is left (or `maxEvents` ran, a guard against runaway models). */
  run(maxEvents = Number.POSITIVE_INFINITY): number {
    let n = 0;
    while (n < maxEvents && this.step()) n++;
    return n;
  }

  /** Runs every event due at or before `t`, then sets the time to `t`. */
  runUntil(t: number): void {
    if (t < this.nowNs) throw new ClockError(`cannot run back to ${t} from ${this.nowNs}`);
    for (;;) {
      const next = this.peek();
      if (!next || next.at > t) break;
      this.step();
    }
    this.nowNs = t;
  }

  private less(a: ScheduledEvent, b: ScheduledEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private peek(): ScheduledEvent | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  private push(ev: ScheduledEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): ScheduledEvent | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
