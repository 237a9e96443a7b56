/**
 * NVM command set I/O commands (NVMe 1.4 §6), as a table indexed by opcode: Read, Write,
 * Flush, Write Zeroes and Dataset Management (deallocate). Checks in the order the spec's
 * statuses imply: namespace (Invalid Namespace or Format), LBA range (LBA Out of Range),
 * transfer size (MDTS: Invalid Field in Command), data pointer (PRP/SGL/CMB statuses), DMA
 * (Data Transfer Error). Opcodes outside the table are Invalid Command Opcode.
 */
import { readLE, readLE64 } from "@p2pdma/pci-core";
import { DSM, NVM_OPC, RW, SC_GENERIC, getField } from "@p2pdma/nvme-spec";
import type { Command, CommandHandler, Outcome } from "./command";
import type { NvmeController } from "./controller";
import type { Namespace } from "./namespace";
import { failWith, generic, ok } from "./command";
import { copyFromHost, copyToHost } from "./xfer";

const NSID_BROADCAST = 0xffffffff;

function namespaceOf(c: NvmeController, cmd: Command): Namespace | null {
  return c.namespaces.get(cmd.nsid) ?? null;
}

/** MDTS in bytes, or Infinity (NVMe 1.4 Figure 247: units of CAP.MPSMIN). */
function maxTransfer(c: NvmeController): number {
  return c.options.mdts === 0 ? Number.POSITIVE_INFINITY : (1 << c.options.mdts) * (4096 << c.options.mpsMin);
}

interface Range {
  readonly ns: Namespace;
  readonly slba: bigint;
  readonly nlb: number;
  readonly offset: number;
  readonly bytes: number;
}

function rwRange(c: NvmeController, cmd: Command, cls: "read" | "write"): Range | Outcome {
  const ns = namespaceOf(c, cmd);
  if (!ns) return generic(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT, cls);
  const slba = readLE64(cmd.sqe, RW.SLBA);
  const nlb = getField(cmd.cdw(12), RW.NLB) + 1;
  if (!ns.inRange(slba, BigInt(nlb))) return generic(SC_GENERIC.LBA_OUT_OF_RANGE, cls);
  return { ns, slba, nlb, offset: Number(slba) * ns.lbaSize, bytes: nlb * ns.lbaSize };
}

/** Read (NVMe 1.4 §6.9). */
function read(c: NvmeController, cmd: Command): Outcome {
  const r = rwRange(c, cmd, "read");
  if ("status" in r) return r;
  if (r.bytes > maxTransfer(c)) return generic(SC_GENERIC.INVALID_FIELD, "read");
  const m = c.mapData(cmd, r.bytes, "to-host");
  if ("status" in m) return failWith(m.status, "read");
  const st = copyToHost(c.dma, m.segs, r.ns.media.read(r.offset, r.bytes));
  if (st !== null) return failWith(st, "read");
  c.smart.readCommands += 1n;
  c.smart.bytesRead += BigInt(r.bytes);
  return ok("read", r.bytes);
}

/** Write (NVMe 1.4 §6.15); FUA writes through the volatile cache. */
function write(c: NvmeController, cmd: Command): Outcome {
  const r = rwRange(c, cmd, "write");
  if ("status" in r) return r;
  if (r.bytes > maxTransfer(c)) return generic(SC_GENERIC.INVALID_FIELD, "write");
  const m = c.mapData(cmd, r.bytes, "from-host");
  if ("status" in m) return failWith(m.status, "write");
  const d = copyFromHost(c.dma, m.segs, r.bytes);
  if (!d.ok) return failWith(d.status, "write");
  r.ns.media.write(r.offset, d.value, getField(cmd.cdw(12), RW.FUA) === 1);
  c.smart.writeCommands += 1n;
  c.smart.bytesWritten += BigInt(r.bytes);
  return ok("write", r.bytes);
}

/** Flush (NVMe 1.4 §6.8): NSID FFFFFFFFh flushes every namespace (VWC bits 2:1 = 11b). */
function flush(c: NvmeController, cmd: Command): Outcome {
  if (cmd.nsid === NSID_BROADCAST) {
    for (const ns of c.namespaces.values()) ns.media.flush();
    return ok("write", 0);
  }
  const ns = namespaceOf(c, cmd);
  if (!ns) return generic(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT, "write");
  const dirty = ns.media.dirtyBytes;
  ns.media.flush();
  return ok(dirty > 0 ? "write" : "admin", dirty);
}

/** Write Zeroes (NVMe 1.4 §6.16); the blocks read as zeros afterwards, deallocated or not. */
function writeZeroes(c: NvmeController, cmd: Command): Outcome {
  const r = rwRange(c, cmd, "write");
  if ("status" in r) return r;
  r.ns.media.discard(r.offset, r.bytes);
  return ok("admin", 0);
}

/** Dataset Management (NVMe 1.4 §6.7): Attribute – Deallocate; other attributes are hints. */
function datasetManagement(c: NvmeController, cmd: Command): Outcome {
  const ns = namespaceOf(c, cmd);
  if (!ns) return generic(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT, "write");
  const nr = getField(cmd.cdw(10), DSM.NR) + 1;
  const len = nr * DSM.RANGE_SIZE;
  const m = c.mapData(cmd, len, "from-host");
  if ("status" in m) return failWith(m.status, "write");
  const d = copyFromHost(c.dma, m.segs, len);
  if (!d.ok) return failWith(d.status, "write");
  if ((cmd.cdw(11) & DSM.AD) === 0) return ok("admin", len);
  const ranges: { slba: bigint; nlb: bigint }[] = [];
  for (let i = 0; i < nr; i++) {
    const o = i * DSM.RANGE_SIZE;
    const nlb = BigInt(readLE(d.value, o + DSM.RANGE_NLB, 4));
    const slba = readLE64(d.value, o + DSM.RANGE_SLBA);
    if (!ns.inRange(slba, nlb)) return generic(SC_GENERIC.LBA_OUT_OF_RANGE, "write");
    ranges.push({ slba, nlb });
  }
  for (const r of ranges) if (r.nlb > 0n) ns.media.discard(Number(r.slba) * ns.lbaSize, Number(r.nlb) * ns.lbaSize);
  return ok("admin", len);
}

/** Supported NVM I/O commands, indexed by opcode (NVMe 1.4 Figure 346). */
export const IO_COMMANDS: Readonly<Partial<Record<number, CommandHandler>>> = {
  [NVM_OPC.FLUSH]: flush,
  [NVM_OPC.WRITE]: write,
  [NVM_OPC.READ]: read,
  [NVM_OPC.WRITE_ZEROES]: writeZeroes,
  [NVM_OPC.DATASET_MANAGEMENT]: datasetManagement,
};
