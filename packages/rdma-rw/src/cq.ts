/**
 * `struct ib_cq`: completions in the order the device produced them. A CQ that overflows stops
 * taking entries, records the overrun and raises IB_EVENT_CQ_ERR (the hardware's CQ error).
 */
import type { Errno } from "./errors";
import type { IbDevice } from "./ib-device";
import type { Qp } from "./qp";
import type { WcOpcode } from "./spec/verbs";
import { EINVAL } from "@p2pdma/pci-core";

/** `struct ib_wc`. */
export interface Wc {
  readonly wrId: unknown;
  /** `enum ib_wc_status` value. */
  readonly status: number;
  readonly opcode: WcOpcode;
  readonly byteLen: number;
  readonly qpNum: number;
  /** Receive completions: the sender's QP number. */
  readonly srcQp: number | null;
  /** Why, in this model's words, for error statuses ("" on success). */
  readonly vendorErr: string;
}

export interface CqOptions {
  readonly cqe: number;
  /** Called after each completion is queued (`ib_cq` completion handler). */
  readonly onCompletion?: (cq: Cq) => void;
}

export class Cq {
  private readonly entries: Wc[] = [];
  overrun = false;
  readonly qps = new Set<Qp>();

  constructor(
    readonly device: IbDevice,
    readonly cqe: number,
    private readonly onCompletion: ((cq: Cq) => void) | undefined,
  ) {}

  /** Device side: queues a completion. */
  push(wc: Wc): void {
    if (this.entries.length >= this.cqe) {
      if (!this.overrun) this.device.raise("IB_EVENT_CQ_ERR", null);
      this.overrun = true;
      return;
    }
    this.entries.push(wc);
    this.onCompletion?.(this);
  }

  /** Models `ib_poll_cq(cq, n, wc)`: up to `n` completions, oldest first. */
  poll(n = Number.POSITIVE_INFINITY): Wc[] {
    return this.entries.splice(0, Math.min(n, this.entries.length));
  }

  get depth(): number {
    return this.entries.length;
  }
}

/** Models `ib_create_cq` (`ib_alloc_cq`): a CQ, or -EINVAL for a size the device refuses. */
export function createCq(device: IbDevice, o: CqOptions): Cq | Errno {
  if (!Number.isInteger(o.cqe) || o.cqe < 1 || o.cqe > device.attrs.maxCqe) return -EINVAL;
  return new Cq(device, o.cqe, o.onCompletion);
}
