/**
 * Log pages the controller keeps (NVMe 1.4 §5.14.1): the Error Information log (Figure 196,
 * newest entry first, ELPE + 1 entries), SMART / Health Information (Figure 197) and the
 * Changed Namespace List (always empty: namespaces never change here).
 */
import { writeLE, writeLE64 } from "@p2pdma/pci-core";
import { CHANGED_NS_LIST, ERROR_LOG, SMART_LOG } from "@p2pdma/nvme-spec";

/** One Error Information entry. */
export interface ErrorEntry {
  readonly count: bigint;
  readonly sqid: number;
  readonly cid: number;
  readonly status: number;
  readonly nsid: number;
  readonly lba: bigint;
}

/** The error log ring. */
export class ErrorLog {
  private count = 0n;
  private readonly entries: ErrorEntry[] = [];
  constructor(private readonly capacity: number) {}

  /** Records a failed command. */
  add(e: Omit<ErrorEntry, "count">): void {
    this.count += 1n;
    this.entries.unshift({ ...e, count: this.count });
    if (this.entries.length > this.capacity) this.entries.pop();
  }

  /** Total errors seen (SMART Number of Error Information Log Entries). */
  get total(): bigint {
    return this.count;
  }

  /** The log page bytes. */
  page(): Uint8Array {
    const out = new Uint8Array(this.capacity * ERROR_LOG.SIZE);
    this.entries.forEach((e, i) => {
      const o = i * ERROR_LOG.SIZE;
      writeLE64(out, o + ERROR_LOG.ERROR_COUNT, e.count);
      writeLE(out, o + ERROR_LOG.SQID, 2, e.sqid);
      writeLE(out, o + ERROR_LOG.CMDID, 2, e.cid);
      writeLE(out, o + ERROR_LOG.STATUS, 2, (e.status << 1) & 0xffff);
      writeLE(out, o + ERROR_LOG.PARAM_ERROR_LOCATION, 2, 0xffff);
      writeLE64(out, o + ERROR_LOG.LBA, e.lba);
      writeLE(out, o + ERROR_LOG.NSID, 4, e.nsid);
    });
    return out;
  }
}

/** SMART counters (the subset a model can know). */
export class SmartCounters {
  bytesRead = 0n;
  bytesWritten = 0n;
  readCommands = 0n;
  writeCommands = 0n;
  powerCycles = 1n;
  unsafeShutdowns = 0n;
  mediaErrors = 0n;

  /** The 512-byte page; `errors` is the error log's total. */
  page(errors: bigint): Uint8Array {
    const out = new Uint8Array(SMART_LOG.SIZE);
    writeLE(out, SMART_LOG.COMPOSITE_TEMPERATURE, 2, 313); // 40 °C in Kelvin
    out[SMART_LOG.AVAILABLE_SPARE] = 100;
    out[SMART_LOG.AVAILABLE_SPARE_THRESHOLD] = 10;
    const units = (b: bigint): bigint => (b + 512_000n - 1n) / 512_000n;
    const put128 = (off: number, v: bigint): void => {
      writeLE64(out, off, v & 0xffffffffffffffffn);
      writeLE64(out, off + 8, v >> 64n);
    };
    put128(SMART_LOG.DATA_UNITS_READ, units(this.bytesRead));
    put128(SMART_LOG.DATA_UNITS_WRITTEN, units(this.bytesWritten));
    put128(SMART_LOG.HOST_READ_COMMANDS, this.readCommands);
    put128(SMART_LOG.HOST_WRITE_COMMANDS, this.writeCommands);
    put128(SMART_LOG.POWER_CYCLES, this.powerCycles);
    put128(SMART_LOG.UNSAFE_SHUTDOWNS, this.unsafeShutdowns);
    put128(SMART_LOG.MEDIA_ERRORS, this.mediaErrors);
    put128(SMART_LOG.NUM_ERROR_LOG_ENTRIES, errors);
    writeLE(out, SMART_LOG.TEMP_SENSOR1, 2, 313);
    return out;
  }
}

/** The Changed Namespace List page: no entries. */
export function changedNsListPage(): Uint8Array {
  return new Uint8Array(CHANGED_NS_LIST.SIZE);
}
