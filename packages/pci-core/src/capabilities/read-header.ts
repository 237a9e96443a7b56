/**
 * Typed readers of the header and BARs (PCIe 4.0 §7.5.1): identification, header type, and
 * for bridges the bus numbers and forwarding windows decoded to addresses; BARs decoded the
 * way the kernel reads them (`pci_read_bases` / `__pci_read_base` without the sizing step).
 * Total on any bytes.
 */
import type { ConfigSpace } from "../config-space";
import { findCapability } from "../capability-walk";
import * as B from "../spec/bridge";
import * as C from "../spec/capability-ids";
import * as H from "../spec/header";
import { fits } from "./read-util";

/** A bridge forwarding window: `[base, limit]` with limit inclusive, as lspci prints it. */
export interface BridgeWindow {
  readonly base: bigint;
  readonly limit: bigint;
  /** Address width the window decodes. */
  readonly bits: 16 | 32 | 64;
  /** base <= limit (the kernel ignores a window whose base is above its limit). */
  readonly enabled: boolean;
}

/** The type 1 specific header fields. */
export interface BridgeHeader {
  readonly primaryBus: number;
  readonly secondaryBus: number;
  readonly subordinateBus: number;
  readonly secondaryLatency: number;
  readonly secondaryStatus: number;
  readonly bridgeControl: number;
  /** null when the base/limit type nibbles disagree or are reserved. */
  readonly io: BridgeWindow | null;
  readonly memory: BridgeWindow | null;
  readonly prefetchable: BridgeWindow | null;
}

/** The decoded header. */
export interface HeaderInfo {
  readonly vendor: number;
  readonly device: number;
  readonly command: number;
  readonly status: number;
  readonly revision: number;
  /** 24-bit class code: base << 16 | sub << 8 | prog-if. */
  readonly classCode: number;
  readonly cacheLineSize: number;
  readonly latencyTimer: number;
  /** Header layout (low 7 bits): 0 normal, 1 bridge, 2 CardBus. */
  readonly headerType: number;
  readonly multifunction: boolean;
  readonly interruptLine: number;
  readonly interruptPin: number;
  /** From the header (type 0), the SSVID capability (type 1) or the CardBus header; null when none. */
  readonly subsystemVendor: number | null;
  readonly subsystemDevice: number | null;
  readonly bridge: BridgeHeader | null;
}

/** Reads the header. */
export function readHeader(cs: ConfigSpace): HeaderInfo {
  const ht = cs.read8(H.PCI_HEADER_TYPE);
  const layout = ht & H.PCI_HEADER_TYPE_MASK;
  let subsystemVendor: number | null = null;
  let subsystemDevice: number | null = null;
  if (layout === H.PCI_HEADER_TYPE_NORMAL) {
    subsystemVendor = cs.read16(H.PCI_SUBSYSTEM_VENDOR_ID);
    subsystemDevice = cs.read16(H.PCI_SUBSYSTEM_ID);
  } else if (layout === H.PCI_HEADER_TYPE_BRIDGE) {
    const ss = findCapability(cs, C.PCI_CAP_ID_SSVID);
    if (ss !== 0 && fits(cs, ss, C.PCI_SSVID_SIZEOF)) {
      subsystemVendor = cs.read16(ss + C.PCI_SSVID_VENDOR_ID);
      subsystemDevice = cs.read16(ss + C.PCI_SSVID_DEVICE_ID);
    }
  } else if (layout === H.PCI_HEADER_TYPE_CARDBUS) {
    subsystemVendor = cs.read16(B.PCI_CB_SUBSYSTEM_VENDOR_ID);
    subsystemDevice = cs.read16(B.PCI_CB_SUBSYSTEM_ID);
  }
  return {
    vendor: cs.read16(H.PCI_VENDOR_ID),
    device: cs.read16(H.PCI_DEVICE_ID),
    command: cs.read16(H.PCI_COMMAND),
    status: cs.read16(H.PCI_STATUS),
    revision: cs.read8(H.PCI_REVISION_ID),
    classCode: cs.read32(H.PCI_CLASS_REVISION) >>> 8,
    cacheLineSize: cs.read8(H.PCI_CACHE_LINE_SIZE),
    latencyTimer: cs.read8(H.PCI_LATENCY_TIMER),
    headerType: layout,
    multifunction: (ht & H.PCI_HEADER_TYPE_MFD) !== 0,
    interruptLine: cs.read8(H.PCI_INTERRUPT_LINE),
    interruptPin: cs.read8(H.PCI_INTERRUPT_PIN),
    subsystemVendor,
    subsystemDevice,
    bridge: layout === H.PCI_HEADER_TYPE_BRIDGE ? readBridge(cs) : null,
  };
}

function window(base: bigint, limit: bigint, bits: 16 | 32 | 64): BridgeWindow {
  return { base, limit, bits, enabled: base <= limit };
}

function readBridge(cs: ConfigSpace): BridgeHeader {
  const ioBase = cs.read8(H.PCI_IO_BASE);
  const ioLimit = cs.read8(H.PCI_IO_LIMIT);
  const ioType = ioBase & B.PCI_IO_RANGE_TYPE_MASK;
  let io: BridgeWindow | null = null;
  if (ioType === (ioLimit & B.PCI_IO_RANGE_TYPE_MASK) && (ioType === B.PCI_IO_RANGE_TYPE_16 || ioType === B.PCI_IO_RANGE_TYPE_32)) {
    let base = (ioBase & B.PCI_IO_RANGE_MASK) << 8;
    let limit = (ioLimit & B.PCI_IO_RANGE_MASK) << 8;
    if (ioType === B.PCI_IO_RANGE_TYPE_32) {
      base += cs.read16(H.PCI_IO_BASE_UPPER16) * 0x10000;
      limit += cs.read16(H.PCI_IO_LIMIT_UPPER16) * 0x10000;
    }
    io = window(BigInt(base), BigInt(limit + 0xfff), ioType === B.PCI_IO_RANGE_TYPE_32 ? 32 : 16);
  }
  const memBase = cs.read16(H.PCI_MEMORY_BASE);
  const memLimit = cs.read16(H.PCI_MEMORY_LIMIT);
  let memory: BridgeWindow | null = null;
  if ((memBase & B.PCI_MEMORY_RANGE_TYPE_MASK) === 0 && (memLimit & B.PCI_MEMORY_RANGE_TYPE_MASK) === 0) {
    memory = window(BigInt(memBase & B.PCI_MEMORY_RANGE_MASK) << 16n, (BigInt(memLimit & B.PCI_MEMORY_RANGE_MASK) << 16n) + 0xfffffn, 32);
  }
  const prefBase = cs.read16(H.PCI_PREF_MEMORY_BASE);
  const prefLimit = cs.read16(H.PCI_PREF_MEMORY_LIMIT);
  const prefType = prefBase & B.PCI_PREF_RANGE_TYPE_MASK;
  let prefetchable: BridgeWindow | null = null;
  if (
    prefType === (prefLimit & B.PCI_PREF_RANGE_TYPE_MASK) &&
    (prefType === B.PCI_PREF_RANGE_TYPE_32 || prefType === B.PCI_PREF_RANGE_TYPE_64)
  ) {
    let base = BigInt(prefBase & B.PCI_PREF_RANGE_MASK) << 16n;
    let limit = BigInt(prefLimit & B.PCI_PREF_RANGE_MASK) << 16n;
    if (prefType === B.PCI_PREF_RANGE_TYPE_64) {
      base |= BigInt(cs.read32(H.PCI_PREF_BASE_UPPER32)) << 32n;
      limit |= BigInt(cs.read32(H.PCI_PREF_LIMIT_UPPER32)) << 32n;
    }
    prefetchable = window(base, limit + 0xfffffn, prefType === B.PCI_PREF_RANGE_TYPE_64 ? 64 : 32);
  }
  return {
    primaryBus: cs.read8(H.PCI_PRIMARY_BUS),
    secondaryBus: cs.read8(H.PCI_SECONDARY_BUS),
    subordinateBus: cs.read8(H.PCI_SUBORDINATE_BUS),
    secondaryLatency: cs.read8(H.PCI_SEC_LATENCY_TIMER),
    secondaryStatus: cs.read16(H.PCI_SEC_STATUS),
    bridgeControl: cs.read16(H.PCI_BRIDGE_CONTROL),
    io,
    memory,
    prefetchable,
  };
}

/** One decoded BAR. */
export interface BarInfo {
  /** Slot index (for a 64-bit BAR, the lower slot). */
  readonly index: number;
  readonly kind: "mem32" | "mem64" | "io";
  readonly prefetchable: boolean;
  /** Bus address the BAR holds (flag bits masked off). */
  readonly address: bigint;
  /** Raw memory type bits 2:1 (0 = 32-bit, 1 = below 1 MiB, 2 = 64-bit, 3 = reserved); 0 for I/O. */
  readonly memType: number;
  /** A 64-bit BAR in the last slot has no upper half (lspci: `<broken-64-bit-slot>`). */
  readonly broken: boolean;
  /** Raw lower dword. */
  readonly raw: number;
}

/**
 * Decodes `count` BAR slots starting at `reg` (models the decode half of `__pci_read_base`).
 * A slot reading 0 or all-ones holds no information without sizing and is skipped; the upper
 * half of a 64-bit BAR is consumed with it. Memory types 1 (below 1 MiB) and 3 (reserved)
 * are treated as 32-bit, as the kernel does.
 */
export function decodeBarSlots(cs: ConfigSpace, reg: number, count: number): BarInfo[] {
  const out: BarInfo[] = [];
  for (let i = 0; i < count; i++) {
    const at = reg + 4 * i;
    if (!fits(cs, at, 4)) break;
    const raw = cs.read32(at);
    if (raw === 0 || raw === 0xffffffff) continue;
    if ((raw & H.PCI_BASE_ADDRESS_SPACE_IO) !== 0) {
      out.push({ index: i, kind: "io", prefetchable: false, address: BigInt((raw & H.PCI_BASE_ADDRESS_IO_MASK) >>> 0), memType: 0, broken: false, raw });
      continue;
    }
    const memType = (raw & H.PCI_BASE_ADDRESS_MEM_TYPE_MASK) >> 1;
    const prefetchable = (raw & H.PCI_BASE_ADDRESS_MEM_PREFETCH) !== 0;
    const low = BigInt((raw & H.PCI_BASE_ADDRESS_MEM_MASK) >>> 0);
    if ((raw & H.PCI_BASE_ADDRESS_MEM_TYPE_MASK) === H.PCI_BASE_ADDRESS_MEM_TYPE_64) {
      const broken = i + 1 >= count || !fits(cs, at + 4, 4);
      const high = broken ? 0n : BigInt(cs.read32(at + 4));
      out.push({ index: i, kind: "mem64", prefetchable, address: (high << 32n) | low, memType, broken, raw });
      i++;
      continue;
    }
    out.push({ index: i, kind: "mem32", prefetchable, address: low, memType, broken: false, raw });
  }
  return out;
}

/** Decodes the BARs of a function: 6 for type 0, 2 for type 1, 1 for CardBus, none otherwise. */
export function readBars(cs: ConfigSpace): BarInfo[] {
  const layout = cs.read8(H.PCI_HEADER_TYPE) & H.PCI_HEADER_TYPE_MASK;
  const count =
    layout === H.PCI_HEADER_TYPE_NORMAL
      ? H.PCI_STD_NUM_BARS
      : layout === H.PCI_HEADER_TYPE_BRIDGE
        ? H.PCI_BRIDGE_NUM_BARS
        : layout === H.PCI_HEADER_TYPE_CARDBUS
          ? 1
          : 0;
  return decodeBarSlots(cs, H.PCI_BASE_ADDRESS_0, count);
}

/** The expansion ROM BAR, or null when the header has none or it reads 0 / all-ones. */
export interface RomInfo {
  readonly address: bigint;
  readonly enabled: boolean;
  readonly raw: number;
}

/** Reads the expansion ROM BAR (0x30 for type 0, 0x38 for type 1). */
export function readExpansionRom(cs: ConfigSpace): RomInfo | null {
  const layout = cs.read8(H.PCI_HEADER_TYPE) & H.PCI_HEADER_TYPE_MASK;
  const reg = layout === H.PCI_HEADER_TYPE_NORMAL ? H.PCI_ROM_ADDRESS : layout === H.PCI_HEADER_TYPE_BRIDGE ? H.PCI_ROM_ADDRESS1 : -1;
  if (reg < 0) return null;
  const raw = cs.read32(reg);
  if (raw === 0 || raw === 0xffffffff) return null;
  return { address: BigInt((raw & B.PCI_ROM_ADDRESS_MASK) >>> 0), enabled: (raw & H.PCI_ROM_ADDRESS_ENABLE) !== 0, raw };
}
