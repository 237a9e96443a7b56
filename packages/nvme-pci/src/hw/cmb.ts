/**
 * The Controller Memory Buffer (NVMe 1.4 §8.7; registers §3.1.11-12 and §3.1.16-17), in both
 * schemes: NVMe 1.3 (CMBLOC/CMBSZ always readable, the CMB decoded wherever its BAR is) and
 * NVMe 1.4 (CAP.CMBS = 1: CMBLOC/CMBSZ read 0 until CMBMSC.CRE; the memory space is decoded
 * only while CMBMSC.CMSE = 1 with a controller base address equal to the BAR's bus address
 * plus the offset, else CMBSTS.CBAI). The memory is sparse and is claimed on the Fabric as
 * the BAR's memory while it is decoded.
 */
import type { Fabric, MemoryHandler, MemoryRegion, PciFunction } from "@p2pdma/pci-core";
import { SparseMemory, resourceSize } from "@p2pdma/pci-core";
import { CMBLOC, CMBMSC_BITS, CMBSZ, CMBSZ_BITS, cmbSizeUnit, setField } from "@p2pdma/nvme-spec";
import type { CmbOptions } from "./options";
import { pickSizeUnit } from "./options";
import { barBusAddress } from "./pci";

/** A CMB capability bit an access needs (CMBSZ.SQS/CQS/LISTS/RDS/WDS). */
export type CmbUse = "sqs" | "cqs" | "lists" | "rds" | "wds";

/** The CMB of one controller. */
export class Cmb {
  readonly szu: number;
  readonly unit: bigint;
  /** Raw CMBLOC / CMBSZ values (what the 1.3 scheme always shows). */
  readonly cmbloc: number;
  readonly cmbsz: number;
  /** CMBMSC (1.4 scheme), 64-bit. */
  cmbmsc = 0n;
  /** CMBSTS (1.4 scheme). */
  cmbsts = 0;
  private memory: SparseMemory | null = null;
  private region: MemoryRegion | null = null;
  private barSize = 0n;

  constructor(
    readonly opts: CmbOptions,
    private readonly fabric: Fabric,
    private readonly dev: PciFunction,
  ) {
    this.szu = opts.szu ?? pickSizeUnit(opts.size, opts.offset) ?? 0;
    this.unit = cmbSizeUnit(this.szu);
    let loc = setField(0, CMBLOC.BIR, opts.bar);
    loc = setField(loc, CMBLOC.OFST, Number(opts.offset / this.unit));
    const f = opts.locFlags ?? {};
    if (f.cqmms) loc = setField(loc, CMBLOC.CQMMS, 1);
    if (f.cqpds) loc = setField(loc, CMBLOC.CQPDS, 1);
    if (f.cdpmls) loc = setField(loc, CMBLOC.CDPMLS, 1);
    if (f.cdpcils) loc = setField(loc, CMBLOC.CDPCILS, 1);
    if (f.cdmmms) loc = setField(loc, CMBLOC.CDMMMS, 1);
    if (f.cqda) loc = setField(loc, CMBLOC.CQDA, 1);
    this.cmbloc = loc;
    let sz = (opts.sqs ? CMBSZ_BITS.SQS : 0) | (opts.cqs ? CMBSZ_BITS.CQS : 0) | (opts.lists ? CMBSZ_BITS.LISTS : 0);
    sz |= (opts.rds ? CMBSZ_BITS.RDS : 0) | (opts.wds ? CMBSZ_BITS.WDS : 0);
    sz = setField(sz, CMBSZ.SZU, this.szu);
    sz = setField(sz, CMBSZ.SZ, Number(opts.size / this.unit));
    this.cmbsz = sz;
  }

  /** Whether the capability registers show their values (always in 1.3; CMBMSC.CRE in 1.4). */
  get registersEnabled(): boolean {
    return this.opts.scheme === "1.3" || (this.cmbmsc & CMBMSC_BITS.CRE) !== 0n;
  }

  /** CMBLOC as software reads it. */
  readCmbloc(): number {
    return this.registersEnabled ? this.cmbloc : 0;
  }

  /** CMBSZ as software reads it. */
  readCmbsz(): number {
    return this.registersEnabled ? this.cmbsz : 0;
  }

  /** Bytes of CMB the BAR actually holds (advertised size clipped to the BAR). */
  get backedSize(): bigint {
    const avail = this.barSize - this.opts.offset;
    return avail <= 0n ? 0n : avail < this.opts.size ? avail : this.opts.size;
  }

  /** Models the BAR being decoded; called when the controller is attached. */
  attach(): void {
    const res = this.dev.resources[this.opts.bar];
    this.barSize = res ? resourceSize(res) : 0n;
    this.memory = new SparseMemory(this.backedSize > 0n ? this.backedSize : 1n);
    if (this.opts.scheme === "1.3") this.claim();
  }

  /** Stops decoding (device removal). */
  detach(): void {
    this.unclaim();
  }

  /**
   * A software write of CMBMSC (1.4 scheme; ignored in 1.3 where CAP.CMBS = 0). Enables the
   * controller memory space when CMSE = 1 and CBA is the CMB's bus address; sets CMBSTS.CBAI
   * when CMSE = 1 with any other address.
   */
  writeCmbmsc(value: bigint): void {
    if (this.opts.scheme !== "1.4") return;
    this.cmbmsc = value & (CMBMSC_BITS.CRE | CMBMSC_BITS.CMSE | CMBMSC_BITS.CBA_MASK);
    if ((this.cmbmsc & CMBMSC_BITS.CMSE) === 0n) {
      this.cmbsts = 0;
      this.unclaim();
      return;
    }
    const expected = this.expectedBase();
    const cba = this.cmbmsc & CMBMSC_BITS.CBA_MASK;
    if (expected === null || cba !== expected || this.backedSize === 0n) {
      this.cmbsts = 1;
      this.unclaim();
      return;
    }
    this.cmbsts = 0;
    this.claim();
  }

  /** Bus address the CMB is decoded at by BAR and OFST, or null when the BAR is not assigned. */
  private expectedBase(): bigint | null {
    const bar = barBusAddress(this.dev, this.opts.bar);
    return bar === null ? null : bar + this.opts.offset;
  }

  /** The CMB's current bus address, or null when its memory space is not decoded. */
  busBase(): bigint | null {
    if (this.region === null) return null;
    return this.opts.scheme === "1.4" ? this.cmbmsc & CMBMSC_BITS.CBA_MASK : this.expectedBase();
  }

  /** Whether [addr, addr + len) touches the decoded CMB. */
  touches(addr: bigint, len: number): boolean {
    const base = this.busBase();
    if (base === null) return false;
    return addr < base + this.backedSize && addr + BigInt(Math.max(len, 1)) > base;
  }

  /** Whether CMBSZ allows `use`. */
  allows(use: CmbUse): boolean {
    const bit = { sqs: CMBSZ_BITS.SQS, cqs: CMBSZ_BITS.CQS, lists: CMBSZ_BITS.LISTS, rds: CMBSZ_BITS.RDS, wds: CMBSZ_BITS.WDS }[use];
    return (this.cmbsz & bit) !== 0;
  }

  /** Whether the memory space is being decoded on the fabric. */
  get decoded(): boolean {
    return this.region !== null;
  }

  /** Power-on / NVM subsystem reset value of CMBMSC and CMBSTS. */
  reset(): void {
    this.cmbmsc = 0n;
    this.cmbsts = 0;
    if (this.opts.scheme === "1.4") this.unclaim();
  }

  private claim(): void {
    if (this.region !== null || this.backedSize === 0n) return;
    const mem = this.memory!;
    const start = this.opts.offset;
    const end = start + this.backedSize;
    const handler: MemoryHandler = {
      read(offset, length) {
        if (offset >= start && offset + BigInt(length) <= end) return mem.read(offset - start, length);
        return new Uint8Array(length);
      },
      write(offset, data) {
        if (offset >= start && offset + BigInt(data.length) <= end) mem.write(offset - start, data);
      },
    };
    this.region = this.fabric.attachBar(this.dev, this.opts.bar, handler);
  }

  private unclaim(): void {
    if (this.region === null) return;
    this.fabric.detach(this.region);
    this.region = null;
  }
}
