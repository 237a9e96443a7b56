/**
 * A fetched command and the outcome of executing it (NVMe 1.4 §4.2 SQE, §4.6 CQE), plus the
 * handler type of the opcode-indexed command tables (admin-cmd.ts, io-cmd.ts).
 */
import { readLE, readLE64 } from "@p2pdma/pci-core";
import { CDW0, SCT, SQE, getField, nvmeStatus } from "@p2pdma/nvme-spec";
import type { NvmeController } from "./controller";
import type { TimingClass } from "./timing";

/** A submission queue entry as the controller decoded it. */
export class Command {
  readonly opcode: number;
  readonly fuse: number;
  readonly psdt: number;
  readonly cid: number;
  readonly nsid: number;
  constructor(
    readonly sqe: Uint8Array,
    readonly sqid: number,
  ) {
    const dw0 = readLE(sqe, SQE.CDW0, 4);
    this.opcode = getField(dw0, CDW0.OPC);
    this.fuse = getField(dw0, CDW0.FUSE);
    this.psdt = getField(dw0, CDW0.PSDT);
    this.cid = getField(dw0, CDW0.CID);
    this.nsid = readLE(sqe, SQE.NSID, 4);
  }

  /** Command dword `n` (2, 3, 10-15). */
  cdw(n: 2 | 3 | 10 | 11 | 12 | 13 | 14 | 15): number {
    const at = n === 2 ? SQE.CDW2 : n === 3 ? SQE.CDW3 : SQE.CDW10 + 4 * (n - 10);
    return readLE(this.sqe, at, 4);
  }

  get prp1(): bigint {
    return readLE64(this.sqe, SQE.PRP1);
  }
  get prp2(): bigint {
    return readLE64(this.sqe, SQE.PRP2);
  }
  /** The 16-byte data pointer (PRP1/PRP2 or the first SGL descriptor). */
  get dptr(): Uint8Array {
    return this.sqe.subarray(SQE.DPTR, SQE.DPTR + 16);
  }
}

/** What executing a command produced: its status, result dwords and timing class. */
export interface Outcome {
  readonly status: number;
  readonly dw0?: number;
  readonly dw1?: number;
  readonly cls: TimingClass;
  /** Payload bytes moved (for the timing model and SMART counters). */
  readonly bytes: number;
}

/** A command handler; `"deferred"` means the controller completes it later (AER). */
export type CommandHandler = (ctrl: NvmeController, cmd: Command) => Outcome | "deferred";

/** Success with optional result dwords. */
export function ok(cls: TimingClass = "admin", bytes = 0, dw0 = 0, dw1 = 0): Outcome {
  return { status: 0, dw0, dw1, cls, bytes };
}

/** A failure: generic or command-specific status with DNR set. */
export function fail(sct: number, sc: number, cls: TimingClass = "admin"): Outcome {
  return { status: nvmeStatus(sct, sc, { dnr: true }), cls, bytes: 0 };
}

/** A failure carrying an already built status value. */
export function failWith(status: number, cls: TimingClass = "admin"): Outcome {
  return { status, cls, bytes: 0 };
}

/** Generic status failure shorthand. */
export function generic(sc: number, cls: TimingClass = "admin"): Outcome {
  return fail(SCT.GENERIC, sc, cls);
}

/** Command specific status failure shorthand. */
export function specific(sc: number, cls: TimingClass = "admin"): Outcome {
  return fail(SCT.COMMAND_SPECIFIC, sc, cls);
}
