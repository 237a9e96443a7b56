/** Building submission queue entries (`struct nvme_command`) for the host driver. */
import { SQE, SQE_SIZE } from "@p2pdma/nvme-spec";

export interface SqeFields {
  readonly opc: number;
  readonly cid: number;
  readonly nsid?: number;
  readonly prp1?: bigint;
  readonly prp2?: bigint;
  readonly cdw10?: number;
  readonly cdw11?: number;
  readonly cdw12?: number;
  readonly cdw13?: number;
}

export function buildSqe(f: SqeFields): Uint8Array {
  const b = new Uint8Array(SQE_SIZE);
  const v = new DataView(b.buffer);
  v.setUint8(SQE.OPC, f.opc);
  v.setUint16(SQE.CID, f.cid, true);
  v.setUint32(SQE.NSID, f.nsid ?? 0, true);
  v.setBigUint64(SQE.PRP1, f.prp1 ?? 0n, true);
  v.setBigUint64(SQE.PRP2, f.prp2 ?? 0n, true);
  v.setUint32(SQE.CDW10, (f.cdw10 ?? 0) >>> 0, true);
  v.setUint32(SQE.CDW11, (f.cdw11 ?? 0) >>> 0, true);
  v.setUint32(SQE.CDW12, (f.cdw12 ?? 0) >>> 0, true);
  v.setUint32(SQE.CDW13, (f.cdw13 ?? 0) >>> 0, true);
  return b;
}
