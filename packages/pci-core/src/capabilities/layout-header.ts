/**
 * Header layout (PCIe 4.0 §7.5.1): identification, command/status with their real access
 * masks, and for bridges the bus numbers and forwarding windows, read-write as on real
 * bridges. Absent windows are left closed (base above limit), the way firmware leaves a
 * window it did not assign.
 */
import type { ConfigSpace } from "../config-space";
import * as B from "../spec/bridge";
import * as H from "../spec/header";
import { ConfigBuildError } from "./errors";
import { layoutBars, layoutRom } from "./layout-bars";
import { defineRegister } from "./register";
import type { BarSpec, HeaderSpec, RomSpec, Type1HeaderSpec, WindowSpec } from "./types";

function checkField(name: string, v: number | undefined, max: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > max)) {
    throw new ConfigBuildError("EHEADER_FIELD", `${name} ${v} outside 0..0x${max.toString(16)}`);
  }
}

/** What the rest of the description implies for the header. */
export interface HeaderContext {
  readonly hasCapabilities: boolean;
  readonly firstCapability: number;
  readonly bars: readonly BarSpec[];
  readonly rom: RomSpec | undefined;
}

/** Lays out the header, BARs and expansion ROM. */
export function layoutHeader(cs: ConfigSpace, h: HeaderSpec, ctx: HeaderContext): void {
  checkField("vendor", h.vendor, 0xffff);
  checkField("device", h.device, 0xffff);
  checkField("classCode", h.classCode, 0xffffff);
  checkField("revision", h.revision, 0xff);
  checkField("interruptPin", h.interruptPin, 4);
  checkField("command", h.command, 0xffff);
  defineRegister(cs, H.PCI_VENDOR_ID, 2, h.vendor);
  defineRegister(cs, H.PCI_DEVICE_ID, 2, h.device);
  defineRegister(cs, H.PCI_CLASS_REVISION, 4, (h.classCode << 8) | (h.revision ?? 0));
  defineRegister(cs, H.PCI_HEADER_TYPE, 1, h.type | (h.multifunction === true ? H.PCI_HEADER_TYPE_MFD : 0));
  defineRegister(cs, H.PCI_CACHE_LINE_SIZE, 1, 0, { rw: 0xff });
  defineRegister(cs, H.PCI_INTERRUPT_LINE, 1, 0, { rw: 0xff });
  defineRegister(cs, H.PCI_INTERRUPT_PIN, 1, h.interruptPin ?? 0);

  const hasIo = h.type === 1 ? h.ioDecode !== "none" : ctx.bars.some((b) => b.kind === "io");
  const hasMem = h.type === 1 || ctx.rom !== undefined || ctx.bars.some((b) => b.kind !== "io");
  const cmdRw =
    (hasIo ? H.PCI_COMMAND_IO : 0) |
    (hasMem ? H.PCI_COMMAND_MEMORY : 0) |
    H.PCI_COMMAND_MASTER |
    B.PCI_COMMAND_PARITY |
    H.PCI_COMMAND_SERR |
    H.PCI_COMMAND_INTX_DISABLE;
  defineRegister(cs, H.PCI_COMMAND, 2, (h.command ?? 0) & cmdRw, { rw: cmdRw });
  defineRegister(cs, H.PCI_STATUS, 2, ctx.hasCapabilities ? H.PCI_STATUS_CAP_LIST : 0, { w1c: H.PCI_STATUS_W1C });
  defineRegister(cs, H.PCI_CAPABILITY_LIST, 1, ctx.hasCapabilities ? ctx.firstCapability : 0);

  if (h.type === 0) {
    checkField("subsystemVendor", h.subsystemVendor, 0xffff);
    checkField("subsystemDevice", h.subsystemDevice, 0xffff);
    defineRegister(cs, H.PCI_SUBSYSTEM_VENDOR_ID, 2, h.subsystemVendor ?? 0);
    defineRegister(cs, H.PCI_SUBSYSTEM_ID, 2, h.subsystemDevice ?? 0);
    layoutBars(cs, ctx.bars, H.PCI_BASE_ADDRESS_0, H.PCI_STD_NUM_BARS, "BAR");
    if (ctx.rom !== undefined) layoutRom(cs, H.PCI_ROM_ADDRESS, ctx.rom);
  } else {
    layoutBridge(cs, h);
    layoutBars(cs, ctx.bars, H.PCI_BASE_ADDRESS_0, H.PCI_BRIDGE_NUM_BARS, "BAR");
    if (ctx.rom !== undefined) layoutRom(cs, H.PCI_ROM_ADDRESS1, ctx.rom);
  }
}

function checkWindow(name: string, w: WindowSpec, granule: bigint, top: bigint): void {
  if (w.base < 0n || w.base % granule !== 0n || (w.limit + 1n) % granule !== 0n || w.limit < w.base || w.limit >= top) {
    throw new ConfigBuildError("EHEADER_FIELD", `${name} window 0x${w.base.toString(16)}-0x${w.limit.toString(16)} is not ${granule}-aligned below 0x${top.toString(16)}`);
  }
}

function layoutBridge(cs: ConfigSpace, h: Type1HeaderSpec): void {
  checkField("primaryBus", h.primaryBus, 0xff);
  checkField("secondaryBus", h.secondaryBus, 0xff);
  checkField("subordinateBus", h.subordinateBus, 0xff);
  checkField("bridgeControl", h.bridgeControl, 0xffff);
  defineRegister(cs, H.PCI_PRIMARY_BUS, 1, h.primaryBus ?? 0, { rw: 0xff });
  defineRegister(cs, H.PCI_SECONDARY_BUS, 1, h.secondaryBus ?? 0, { rw: 0xff });
  defineRegister(cs, H.PCI_SUBORDINATE_BUS, 1, h.subordinateBus ?? 0, { rw: 0xff });
  defineRegister(cs, H.PCI_SEC_STATUS, 2, 0, { w1c: B.PCI_SEC_STATUS_W1C });
  defineRegister(cs, H.PCI_BRIDGE_CONTROL, 2, (h.bridgeControl ?? 0) & B.PCI_BRIDGE_CTL_PCIE_RW, { rw: B.PCI_BRIDGE_CTL_PCIE_RW });

  // I/O window: bits 15:12 in the high nibble, bits 31:16 in the UPPER16 registers.
  const io = h.ioDecode ?? "16";
  if (io !== "none") {
    const type = io === "32" ? B.PCI_IO_RANGE_TYPE_32 : B.PCI_IO_RANGE_TYPE_16;
    const w = h.io;
    if (w !== undefined) checkWindow("I/O", w, BigInt(B.PCI_IO_WINDOW_GRANULARITY), io === "32" ? 1n << 32n : 1n << 16n);
    const base = w === undefined ? 0xf000 : Number(w.base);
    const limit = w === undefined ? 0 : Number(w.limit);
    defineRegister(cs, H.PCI_IO_BASE, 1, ((base >> 8) & B.PCI_IO_RANGE_MASK) | type, { rw: B.PCI_IO_RANGE_MASK });
    defineRegister(cs, H.PCI_IO_LIMIT, 1, ((limit >> 8) & B.PCI_IO_RANGE_MASK) | type, { rw: B.PCI_IO_RANGE_MASK });
    if (io === "32") {
      defineRegister(cs, H.PCI_IO_BASE_UPPER16, 2, base >>> 16, { rw: 0xffff });
      defineRegister(cs, H.PCI_IO_LIMIT_UPPER16, 2, limit >>> 16, { rw: 0xffff });
    }
  }

  // Memory window: address bits 31:20 in bits 15:4.
  const gran = BigInt(B.PCI_MEMORY_WINDOW_GRANULARITY);
  if (h.memory !== undefined) checkWindow("memory", h.memory, gran, 1n << 32n);
  const memBase = h.memory === undefined ? 0xfff00000 : Number(h.memory.base);
  const memLimit = h.memory === undefined ? 0 : Number(h.memory.limit);
  defineRegister(cs, H.PCI_MEMORY_BASE, 2, (memBase >>> 16) & B.PCI_MEMORY_RANGE_MASK, { rw: B.PCI_MEMORY_RANGE_MASK });
  defineRegister(cs, H.PCI_MEMORY_LIMIT, 2, (memLimit >>> 16) & B.PCI_MEMORY_RANGE_MASK, { rw: B.PCI_MEMORY_RANGE_MASK });

  // Prefetchable window: bits 31:20 in bits 15:4, bits 63:32 in the UPPER32 registers.
  const pref = h.prefetchDecode ?? "64";
  if (pref !== "none") {
    const type = pref === "64" ? B.PCI_PREF_RANGE_TYPE_64 : B.PCI_PREF_RANGE_TYPE_32;
    const w = h.prefetchable;
    if (w !== undefined) checkWindow("prefetchable", w, gran, pref === "64" ? 1n << 64n : 1n << 32n);
    const base = w === undefined ? 0xfff00000n : w.base;
    const limit = w === undefined ? 0n : w.limit;
    const lo = (v: bigint): number => (Number(v & 0xffffffffn) >>> 16) & B.PCI_PREF_RANGE_MASK;
    defineRegister(cs, H.PCI_PREF_MEMORY_BASE, 2, lo(base) | type, { rw: B.PCI_PREF_RANGE_MASK });
    defineRegister(cs, H.PCI_PREF_MEMORY_LIMIT, 2, lo(limit) | type, { rw: B.PCI_PREF_RANGE_MASK });
    if (pref === "64") {
      defineRegister(cs, H.PCI_PREF_BASE_UPPER32, 4, Number(base >> 32n), { rw: 0xffffffff });
      defineRegister(cs, H.PCI_PREF_LIMIT_UPPER32, 4, Number(limit >> 32n), { rw: 0xffffffff });
    }
  }
}
