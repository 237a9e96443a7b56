/**
 * A function's configuration space, byte-exact, with per-bit access semantics:
 * read-only (default), read-write, and write-1-to-clear. Software accesses go through
 * {@link ConfigSpace.read} / {@link ConfigSpace.write}; device models and firmware set initial
 * values and masks through {@link ConfigSpace.init} and {@link ConfigSpace.setAccess}.
 */
import { readLE, writeLE } from "./bytes";
import { PCIE_CFG_SIZE, PCI_CFG_SIZE } from "./spec/header";

/** Access width of a config cycle. */
export type ConfigWidth = 1 | 2 | 4;

/** Called after a software write has been applied (offset and width as written). */
export type ConfigWriteHook = (offset: number, width: ConfigWidth, value: number) => void;

/** Thrown for a config access with a bad width, alignment or range: API misuse. */
export class ConfigAccessError extends Error {
  readonly code = "ECONFIG_ACCESS";
}

export class ConfigSpace {
  /** 256 for conventional PCI, 4096 for PCIe extended config space. */
  readonly size: number;
  private readonly data: Uint8Array;
  /** Per-byte access masks, sparse: most of config space is read-only. */
  private readonly rw = new Map<number, number>();
  private readonly w1c = new Map<number, number>();
  private readonly hooks: { start: number; end: number; hook: ConfigWriteHook }[] = [];

  constructor(size: number = PCI_CFG_SIZE) {
    if (size !== PCI_CFG_SIZE && size !== PCIE_CFG_SIZE) {
      throw new ConfigAccessError(`config space size must be 256 or 4096, not ${size}`);
    }
    this.size = size;
    this.data = new Uint8Array(size);
  }

  /**
   * A config space holding captured bytes (a dump or sysfs `config` file), all read-only.
   * Captures shorter than 256 bytes (an `lspci -x` dump has 64) are padded with zeros;
   * longer than 256 selects the 4096-byte extended space.
   */
  static fromBytes(bytes: Uint8Array): ConfigSpace {
    if (bytes.length > PCIE_CFG_SIZE) {
      throw new ConfigAccessError(`config space capture of ${bytes.length} bytes exceeds 4096`);
    }
    const cs = new ConfigSpace(bytes.length > PCI_CFG_SIZE ? PCIE_CFG_SIZE : PCI_CFG_SIZE);
    cs.data.set(bytes);
    return cs;
  }

  private check(offset: number, width: ConfigWidth): void {
    if (width !== 1 && width !== 2 && width !== 4) {
      throw new ConfigAccessError(`config access width must be 1, 2 or 4, not ${String(width)}`);
    }
    if (!Number.isInteger(offset) || offset < 0 || offset + width > this.size) {
      throw new ConfigAccessError(`config access at 0x${offset.toString(16)} outside ${this.size} bytes`);
    }
    if (offset % width !== 0) {
      throw new ConfigAccessError(`unaligned ${width}-byte config access at 0x${offset.toString(16)}`);
    }
  }

  /** A software config read (`pci_read_config_{byte,word,dword}`). */
  read(offset: number, width: ConfigWidth): number {
    this.check(offset, width);
    return readLE(this.data, offset, width);
  }

  read8(offset: number): number {
    return this.read(offset, 1);
  }
  read16(offset: number): number {
    return this.read(offset, 2);
  }
  read32(offset: number): number {
    return this.read(offset, 4);
  }

  /**
   * A software config write (`pci_write_config_*`): read-write bits take the new value,
   * write-1-to-clear bits are cleared where the value has a 1, read-only bits are kept.
   */
  write(offset: number, width: ConfigWidth, value: number): void {
    this.check(offset, width);
    for (let i = 0; i < width; i++) {
      const at = offset + i;
      const byte = (value >>> (8 * i)) & 0xff;
      const rw = this.rw.get(at) ?? 0;
      const w1c = this.w1c.get(at) ?? 0;
      let next = (this.data[at]! & ~rw) | (byte & rw);
      next &= ~(byte & w1c);
      this.data[at] = next & 0xff;
    }
    for (const h of this.hooks) {
      if (offset < h.end && offset + width > h.start) h.hook(offset, width, value);
    }
  }

  write8(offset: number, value: number): void {
    this.write(offset, 1, value);
  }
  write16(offset: number, value: number): void {
    this.write(offset, 2, value);
  }
  write32(offset: number, value: number): void {
    this.write(offset, 4, value);
  }

  /** Sets raw register contents, ignoring access masks (device reset values, hardware status). */
  init(offset: number, width: ConfigWidth, value: number): void {
    this.check(offset, width);
    writeLE(this.data, offset, width, value);
  }

  /** Declares which bits of a register software may write, and which clear on a written 1. */
  setAccess(offset: number, width: ConfigWidth, access: { rw?: number; w1c?: number }): void {
    this.check(offset, width);
    for (let i = 0; i < width; i++) {
      const rw = ((access.rw ?? 0) >>> (8 * i)) & 0xff;
      const w1c = ((access.w1c ?? 0) >>> (8 * i)) & 0xff;
      if (rw) this.rw.set(offset + i, rw);
      else this.rw.delete(offset + i);
      if (w1c) this.w1c.set(offset + i, w1c);
      else this.w1c.delete(offset + i);
    }
  }

  /** Registers a hook run after software writes touching `[start, start + length)`. */
  onWrite(start: number, length: number, hook: ConfigWriteHook): void {
    this.hooks.push({ start, end: start + length, hook });
  }

  /** A copy of the raw bytes (what the sysfs `config` file would read as root). */
  bytes(): Uint8Array {
    return this.data.slice();
  }
}
