/**
 * Submission and completion queue state (NVMe 1.4 §4.1 Submission Queue & Completion Queue
 * Definition): circular queues of physically contiguous memory with head/tail pointers, the
 * phase tag of the completion queue (§4.6), and the completions the controller holds while
 * its completion queue is full (§4.1: a full CQ is never overwritten).
 */

/** A completion waiting to be written to its completion queue. */
export interface PendingCompletion {
  readonly dw0: number;
  readonly dw1: number;
  readonly sqid: number;
  readonly sqhd: number;
  readonly cid: number;
  /** 15-bit status (nvme-spec `nvmeStatus`). */
  readonly status: number;
}

/** A submission queue. */
export class SubmissionQueue {
  /** Next entry the controller fetches. */
  head = 0;
  /** Last tail doorbell value. */
  tail = 0;
  /** CIDs fetched and not yet completed (Command ID Conflict detection). */
  readonly inflight = new Set<number>();
  constructor(
    readonly qid: number,
    readonly base: bigint,
    /** Entries (QSIZE + 1). */
    readonly size: number,
    readonly cqid: number,
    readonly priority: number,
    readonly inCmb: boolean,
  ) {}

  /** Entries submitted and not yet fetched. */
  get pending(): number {
    return (this.tail - this.head + this.size) % this.size;
  }
}

/** A completion queue. */
export class CompletionQueue {
  /** Last head doorbell value. */
  head = 0;
  /** Next slot the controller writes. */
  tail = 0;
  /** Phase tag of the next entry written; starts at 1 (§4.6). */
  phase = 1;
  /** Commands fetched for SQs on this CQ whose completion is not yet posted. */
  reserved = 0;
  /** Completions waiting for a free slot. */
  readonly waiting: PendingCompletion[] = [];
  /** SQs that post here. */
  readonly sqs = new Set<number>();
  constructor(
    readonly qid: number,
    readonly base: bigint,
    readonly size: number,
    readonly interruptsEnabled: boolean,
    readonly vector: number,
    readonly inCmb: boolean,
  ) {}

  /** Entries written and not yet consumed by the host. */
  get used(): number {
    return (this.tail - this.head + this.size) % this.size;
  }

  /** Whether one more entry fits (a CQ holds at most size - 1 entries). */
  get full(): boolean {
    return this.used >= this.size - 1;
  }

  /** Whether another command may be fetched without risking more completions than slots. */
  get canReserve(): boolean {
    return this.used + this.reserved + this.waiting.length < this.size - 1;
  }
}
