/**
 * Kernel log lines as data (printk / dev_printk). Library code never prints: functions that
 * model a kernel path return or append {@link LogLine}s, and the app decides what to show.
 */
import type { KDevice } from "./device";

export type LogLevel = "emerg" | "alert" | "crit" | "err" | "warn" | "notice" | "info" | "debug";

/** One line as `dmesg` shows it (without timestamp): `text` is the whole line. */
export interface LogLine {
  readonly level: LogLevel;
  readonly text: string;
  /** Kernel name of the device the line was printed on, if any. */
  readonly device?: string;
}

/** Models `dev_printk`: `<driver or bus name> <device name>: <message>`. */
export function devLog(dev: KDevice, level: LogLevel, message: string): LogLine {
  const prefix = dev.driverString === "" ? dev.name : `${dev.driverString} ${dev.name}`;
  return { level, text: `${prefix}: ${message}`, device: dev.name };
}

/** Models `pr_*` with a `pr_fmt` prefix such as `pci-p2pdma: ` (may be empty). */
export function prLog(level: LogLevel, prefix: string, message: string): LogLine {
  return { level, text: `${prefix}${message}` };
}

/** An append-only kernel log (the ring buffer), shared by the layers of one machine. */
export class KernelLog {
  private readonly lines: LogLine[] = [];

  append(...lines: LogLine[]): void {
    this.lines.push(...lines);
  }

  /** All lines so far. */
  all(): readonly LogLine[] {
    return this.lines;
  }

  /** Lines appended since a mark taken with {@link KernelLog.mark}. */
  since(mark: number): LogLine[] {
    return this.lines.slice(mark);
  }

  mark(): number {
    return this.lines.length;
  }
}
