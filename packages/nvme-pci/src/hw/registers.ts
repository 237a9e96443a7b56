/**
 * BAR0 register file semantics (NVMe 1.4 §3.1, Figure 68): which registers are read-only,
 * read-write or write-1-to-clear, how 32- and 64-bit accesses combine (64-bit registers may be
 * written as two dwords in either order, as `lo_hi_writeq` / `hi_lo_writeq` do), and the
 * doorbell decode with stride 4 << CAP.DSTRD. Reserved and unimplemented registers read 0 and
 * ignore writes; accesses narrower than a dword to a register are ignored (registers are
 * accessed in their native width).
 */
import { readLE, writeLE } from "@p2pdma/pci-core";
import { CSTS, NVME_REG, NVME_REG_BLOCK_SIZE, NVME_VERSION, setField } from "@p2pdma/nvme-spec";
import type { NvmeController } from "./controller";

const LO = 0xffffffffn;

function hi32(v: bigint): number {
  return Number((v >> 32n) & LO);
}
function lo32(v: bigint): number {
  return Number(v & LO);
}
function withLo(v: bigint, lo: number): bigint {
  return (v & ~LO) | BigInt(lo >>> 0);
}
function withHi(v: bigint, hi: number): bigint {
  return (v & LO) | (BigInt(hi >>> 0) << 32n);
}

/** The dword at a 4-aligned register offset, as software reads it. */
export function readDword(c: NvmeController, offset: number): number {
  const cmb = c.cmb;
  switch (offset) {
    case NVME_REG.CAP:
      return lo32(c.capValue);
    case NVME_REG.CAP + 4:
      return hi32(c.capValue);
    case NVME_REG.VS:
      return c.options.version;
    case NVME_REG.INTMS:
    case NVME_REG.INTMC:
      return c.intMask >>> 0;
    case NVME_REG.CC:
      return c.cc;
    case NVME_REG.CSTS:
      return c.csts;
    case NVME_REG.AQA:
      return c.aqa;
    case NVME_REG.ASQ:
      return lo32(c.asq);
    case NVME_REG.ASQ + 4:
      return hi32(c.asq);
    case NVME_REG.ACQ:
      return lo32(c.acq);
    case NVME_REG.ACQ + 4:
      return hi32(c.acq);
    case NVME_REG.CMBLOC:
      return c.options.version >= NVME_VERSION.V1_2 && cmb ? cmb.readCmbloc() : 0;
    case NVME_REG.CMBSZ:
      return cmb ? cmb.readCmbsz() : 0;
    case NVME_REG.CMBMSC:
      return cmb?.opts.scheme === "1.4" ? lo32(cmb.cmbmsc) : 0;
    case NVME_REG.CMBMSC + 4:
      return cmb?.opts.scheme === "1.4" ? hi32(cmb.cmbmsc) : 0;
    case NVME_REG.CMBSTS:
      return cmb?.opts.scheme === "1.4" ? cmb.cmbsts : 0;
    default:
      // NSSR reads 0; BPINFO/BPRSEL/BPMBL (CAP.BPS = 0), PMR (CAP.PMRS = 0), reserved space and
      // doorbells (whose reads are undefined) read 0.
      return 0;
  }
}

/** A software write of the dword at a 4-aligned register offset. */
export function writeDword(c: NvmeController, offset: number, value: number): void {
  const v = value >>> 0;
  const cmb = c.cmb;
  switch (offset) {
    case NVME_REG.INTMS:
      c.intMask = (c.intMask | v) >>> 0;
      return;
    case NVME_REG.INTMC:
      c.intMask = (c.intMask & ~v) >>> 0;
      return;
    case NVME_REG.CC:
      c.writeCc(v);
      return;
    case NVME_REG.CSTS:
      // NSSRO is RW1C; everything else is read-only.
      if (v & (1 << CSTS.NSSRO.shift)) c.csts = setField(c.csts, CSTS.NSSRO, 0);
      return;
    case NVME_REG.NSSR:
      c.writeNssr(v);
      return;
    case NVME_REG.AQA:
      c.aqa = v & 0x0fff0fff;
      return;
    case NVME_REG.ASQ:
      c.asq = withLo(c.asq, v);
      return;
    case NVME_REG.ASQ + 4:
      c.asq = withHi(c.asq, v);
      return;
    case NVME_REG.ACQ:
      c.acq = withLo(c.acq, v);
      return;
    case NVME_REG.ACQ + 4:
      c.acq = withHi(c.acq, v);
      return;
    case NVME_REG.CMBMSC:
      if (cmb) cmb.writeCmbmsc(withLo(cmb.cmbmsc, v));
      return;
    case NVME_REG.CMBMSC + 4:
      if (cmb) cmb.writeCmbmsc(withHi(cmb.cmbmsc, v));
      return;
    default:
      if (offset >= NVME_REG.DBS) {
        const stride = 4 << c.options.doorbellStride;
        const rel = offset - NVME_REG.DBS;
        if (rel % stride !== 0) return;
        const idx = rel / stride;
        c.doorbell(idx >> 1, (idx & 1) === 1, v);
      }
      // CAP, VS, CMBLOC, CMBSZ, CMBSTS and reserved registers are read-only.
      return;
  }
}

/** A CPU read of `length` bytes of BAR0 register space at `offset`. */
export function readRegisters(c: NvmeController, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const first = offset & ~3;
  const end = offset + length;
  const tmp = new Uint8Array(4);
  for (let at = first; at < end; at += 4) {
    writeLE(tmp, 0, 4, readDword(c, at));
    for (let i = 0; i < 4; i++) {
      const b = at + i;
      if (b >= offset && b < end) out[b - offset] = tmp[i]!;
    }
  }
  return out;
}

/** A CPU write of BAR0 register space: dword or qword accesses, naturally aligned. */
export function writeRegisters(c: NvmeController, offset: number, data: Uint8Array): void {
  const ignored = (): void => c.trace({ kind: "register", offset, value: 0n, width: data.length, ignored: true });
  if (offset % 4 !== 0 || (data.length !== 4 && data.length !== 8)) return ignored();
  if (data.length === 8 && offset < NVME_REG_BLOCK_SIZE && offset % 8 !== 0) return ignored();
  const lo = readLE(data, 0, 4);
  if (data.length === 4) return writeDword(c, offset, lo);
  const hi = readLE(data, 4, 4);
  if (offset === NVME_REG.CMBMSC && c.cmb) {
    c.cmb.writeCmbmsc((BigInt(hi) << 32n) | BigInt(lo));
    return;
  }
  writeDword(c, offset, lo);
  writeDword(c, offset + 4, hi);
}
