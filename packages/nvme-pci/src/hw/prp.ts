/**
 * PRP walking (NVMe 1.4 §4.3, Figures 108-110): PRP1 may carry a dword-aligned offset into its
 * memory page; PRP2 is the second page (offset 0) when the transfer ends in it, else a PRP
 * list pointer (dword aligned); list entries have offset 0 and the last entry of a full list
 * page points to the next list page. A violation is PRP Offset Invalid; a list that cannot be
 * fetched is Data Transfer Error; a list in the CMB without CMBSZ.LISTS is Invalid Use of CMB.
 */
import { readLE64 } from "@p2pdma/pci-core";
import { PRP_ENTRY_SIZE, PRP_OFFSET_RESERVED_MASK, SC_GENERIC } from "@p2pdma/nvme-spec";
import type { Result, Segment, XferContext } from "./xfer";
import { genericError, readList } from "./xfer";

function push(segs: Segment[], addr: bigint, len: number): void {
  const last = segs[segs.length - 1];
  if (last && last.addr + BigInt(last.len) === addr) segs[segs.length - 1] = { addr: last.addr, len: last.len + len, bucket: false };
  else segs.push({ addr, len, bucket: false });
}

/** The segments PRP1/PRP2 describe for a transfer of `len` (> 0) bytes. */
export function prpSegments(ctx: XferContext, prp1: bigint, prp2: bigint, len: number): Result<Segment[]> {
  const ps = ctx.pageSize;
  const psn = BigInt(ps);
  if ((prp1 & PRP_OFFSET_RESERVED_MASK) !== 0n) return genericError(SC_GENERIC.PRP_OFFSET_INVALID);
  const first = Math.min(len, ps - Number(prp1 % psn));
  const segs: Segment[] = [{ addr: prp1, len: first, bucket: false }];
  let rem = len - first;
  if (rem === 0) return { ok: true, value: segs };
  if (rem <= ps) {
    if (prp2 % psn !== 0n) return genericError(SC_GENERIC.PRP_OFFSET_INVALID);
    push(segs, prp2, rem);
    return { ok: true, value: segs };
  }
  if ((prp2 & PRP_OFFSET_RESERVED_MASK) !== 0n) return genericError(SC_GENERIC.PRP_OFFSET_INVALID);
  let list = prp2;
  let entriesNeeded = Math.ceil(rem / ps);
  for (let guard = 0; guard < 1 << 20; guard++) {
    const inPage = (ps - Number(list % psn)) / PRP_ENTRY_SIZE;
    const chained = entriesNeeded > inPage;
    const count = chained ? inPage : entriesNeeded;
    const r = readList(ctx, list, count * PRP_ENTRY_SIZE);
    if (!r.ok) return r;
    const data = r.value;
    const dataEntries = chained ? count - 1 : count;
    for (let i = 0; i < dataEntries; i++) {
      const e = readLE64(data, i * PRP_ENTRY_SIZE);
      if (e % psn !== 0n) return genericError(SC_GENERIC.PRP_OFFSET_INVALID);
      const n = Math.min(ps, rem);
      push(segs, e, n);
      rem -= n;
    }
    entriesNeeded -= dataEntries;
    if (!chained) return { ok: true, value: segs };
    const next = readLE64(data, (count - 1) * PRP_ENTRY_SIZE);
    if (next % psn !== 0n) return genericError(SC_GENERIC.PRP_OFFSET_INVALID);
    list = next;
  }
  return genericError(SC_GENERIC.DATA_TRANSFER_ERROR);
}

/** Whether a queue base address (PRP1 of Create I/O SQ/CQ with PC = 1) is page aligned. */
export function pageAligned(addr: bigint, pageSize: number): boolean {
  return addr % BigInt(pageSize) === 0n;
}
