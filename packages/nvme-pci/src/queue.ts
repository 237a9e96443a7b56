/**
 * One submission/completion queue pair as the driver keeps it (`struct nvme_queue`): SQ memory
 * in host RAM or in the CMB (NVMEQ_SQ_CMB, spec 5.3), CQ memory in host RAM, tail/head/phase,
 * doorbells at `0x1000 + (2 * qid + n) * (4 << CAP.DSTRD)`.
 */
import type { PciFunction } from "@p2pdma/pci-core";
import { CQE, CQE_SIZE, SQE_SIZE } from "@p2pdma/nvme-spec";
import type { NvmeEnv } from "./env";
import type { Bar0 } from "./mmio";

/** A completion as read from the CQ. */
export interface Cqe {
  readonly dw0: number;
  readonly sqHead: number;
  readonly sqId: number;
  readonly cid: number;
  /** The 15-bit status (without the phase tag). */
  readonly status: number;
}

export class NvmeQueue {
  sqTail = 0;
  cqHead = 0;
  cqPhase = 1;
  /** SQ memory: kernel virtual address of a P2P block (CMB) or 0n. */
  sqCmbVirt = 0n;
  private readonly sqDbOff: number;
  private readonly cqDbOff: number;

  constructor(
    private readonly env: NvmeEnv,
    private readonly pdev: PciFunction,
    private readonly bar: Bar0,
    readonly qid: number,
    readonly depth: number,
    /** DMA (bus) address of the SQ the controller fetches from. */
    readonly sqDma: bigint,
    /** True when the SQ lives in the CMB. */
    readonly sqInCmb: boolean,
    readonly cqDma: bigint,
    dstrd: number,
  ) {
    const stride = 4 << dstrd;
    this.sqDbOff = 0x1000 + 2 * qid * stride;
    this.cqDbOff = 0x1000 + (2 * qid + 1) * stride;
  }

  get sqBytes(): number {
    return this.depth * SQE_SIZE;
  }

  /** Copies a command into the SQ at the tail (`nvme_sq_copy_cmd`); `ring` writes the doorbell. */
  submit(cmd: Uint8Array, ring: boolean): void {
    const at = this.sqDma + BigInt(this.sqTail * SQE_SIZE);
    if (this.sqInCmb) this.env.fabric.write(null, at, cmd);
    else this.env.mem.write(at, cmd);
    this.sqTail = (this.sqTail + 1) % this.depth;
    if (ring) this.ring();
  }

  /** `nvme_write_sq_db`. */
  ring(): void {
    this.bar.writel(this.sqDbOff, this.sqTail);
  }

  /** Entries the SQ can still take (one slot stays empty). */
  get full(): boolean {
    return (this.sqTail + 1) % this.depth === this.sqHeadSeen;
  }

  sqHeadSeen = 0;

  /** Reaps new completions (`nvme_poll_cq`), updating the CQ head doorbell once. */
  reap(): Cqe[] {
    const out: Cqe[] = [];
    for (;;) {
      const e = this.env.mem.read(this.cqDma + BigInt(this.cqHead * CQE_SIZE), CQE_SIZE);
      const sf = e[CQE.STATUS]! | (e[CQE.STATUS + 1]! << 8);
      if ((sf & 1) !== this.cqPhase) break;
      const dv = new DataView(e.buffer, e.byteOffset, e.byteLength);
      const cqe: Cqe = {
        dw0: dv.getUint32(CQE.DW0, true),
        sqHead: dv.getUint16(CQE.SQHD, true),
        sqId: dv.getUint16(CQE.SQID, true),
        cid: dv.getUint16(CQE.CID, true),
        status: sf >>> 1,
      };
      this.sqHeadSeen = cqe.sqHead;
      out.push(cqe);
      this.cqHead++;
      if (this.cqHead === this.depth) {
        this.cqHead = 0;
        this.cqPhase ^= 1;
      }
    }
    if (out.length > 0) this.bar.writel(this.cqDbOff, this.cqHead);
    return out;
  }

  get pdevName(): string {
    return this.pdev.name;
  }
}
