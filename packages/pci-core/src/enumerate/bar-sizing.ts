/**
 * BAR sizing through config cycles, as firmware and `__pci_read_base` do it: with memory and
 * I/O decode turned off, save the BAR, write all ones, read back the sizing mask, restore; a
 * 64-bit BAR does the same on its upper dword. The size is the lowest set bit of the mask
 * (`pci_size`). SR-IOV VF BARs are sized the same way in the SR-IOV capability; the PF reserves
 * per-VF size times TotalVFs (`sriov_init`).
 */
import type { ConfigSpace } from "../config-space";
import type { PlanNode, SizedBar } from "./plan";
import { findExtCapability } from "../capability-walk";
import {
  PCI_BASE_ADDRESS_0,
  PCI_BASE_ADDRESS_MEM_MASK,
  PCI_BASE_ADDRESS_MEM_PREFETCH,
  PCI_BASE_ADDRESS_MEM_TYPE_64,
  PCI_BASE_ADDRESS_MEM_TYPE_MASK,
  PCI_BASE_ADDRESS_SPACE_IO,
  PCI_COMMAND,
  PCI_COMMAND_IO,
  PCI_COMMAND_MEMORY,
} from "../spec/header";
import { PCI_EXT_CAP_ID_SRIOV } from "../spec/capability-ids";
import { PCI_SRIOV_BAR, PCI_SRIOV_NUM_BARS, PCI_SRIOV_TOTAL_VF } from "../spec/sriov";
import { isBridgeRole } from "./device-config";

const U64 = (1n << 64n) - 1n;

/** What one BAR register pair says when probed. */
export interface BarProbe {
  /** The BAR value before probing (low dword, with its type bits). */
  readonly low: number;
  /** The 64-bit address programmed (type bits masked off). */
  readonly address: bigint;
  /** Size from the read-back mask; 0n for an unimplemented BAR. */
  readonly size: bigint;
  readonly io: boolean;
  readonly is64: boolean;
  readonly prefetchable: boolean;
}

/** Writes all ones to the dword at `reg`, returns the read-back mask and restores it. */
function probeDword(cs: ConfigSpace, reg: number): { orig: number; mask: number } {
  const orig = cs.read32(reg);
  cs.write32(reg, 0xffffffff);
  const mask = cs.read32(reg);
  cs.write32(reg, orig);
  return { orig, mask };
}

/** Probes the BAR at `reg` (and its upper half when 64-bit). Decode must be off. */
export function probeBar(cs: ConfigSpace, reg: number): BarProbe {
  const { orig, mask } = probeDword(cs, reg);
  const io = (orig & PCI_BASE_ADDRESS_SPACE_IO) !== 0;
  if (mask === 0 || mask === 0xffffffff || io) {
    return { low: orig, address: 0n, size: 0n, io, is64: false, prefetchable: false };
  }
  const is64 = (orig & PCI_BASE_ADDRESS_MEM_TYPE_MASK) === PCI_BASE_ADDRESS_MEM_TYPE_64;
  let address = BigInt((orig & PCI_BASE_ADDRESS_MEM_MASK) >>> 0);
  let sizing = BigInt((mask & PCI_BASE_ADDRESS_MEM_MASK) >>> 0);
  if (is64) {
    const hi = probeDword(cs, reg + 4);
    address |= BigInt(hi.orig >>> 0) << 32n;
    sizing |= BigInt(hi.mask >>> 0) << 32n;
  } else {
    sizing |= 0xffffffff00000000n;
  }
  const size = sizing === 0n ? 0n : sizing & (~sizing + 1n) & U64;
  return { low: orig, address, size, io, is64, prefetchable: (orig & PCI_BASE_ADDRESS_MEM_PREFETCH) !== 0 };
}

/** Runs `fn` with memory and I/O decode off, as BAR sizing requires. */
export function withDecodeOff<T>(cs: ConfigSpace, fn: () => T): T {
  const cmd = cs.read16(PCI_COMMAND);
  if (cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO)) cs.write16(PCI_COMMAND, cmd & ~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO));
  try {
    return fn();
  } finally {
    if (cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO)) cs.write16(PCI_COMMAND, cmd);
  }
}

/** Sizes the memory BARs and VF BARs of one function; I/O BARs are not modelled. */
export function sizeBars(n: PlanNode): SizedBar[] {
  const cs = n.config;
  const out: SizedBar[] = [];
  withDecodeOff(cs, () => {
    const count = isBridgeRole(n.role) ? 2 : 6;
    for (let i = 0; i < count; i++) {
      const reg = PCI_BASE_ADDRESS_0 + 4 * i;
      const p = probeBar(cs, reg);
      if (p.size > 0n && !p.io) {
        out.push({ resource: i, reg, size: p.size, align: p.size, is64: p.is64, prefetchable: p.prefetchable, address: null });
      }
      if (p.is64) i++;
    }
    const pos = cs.size > 256 ? findExtCapability(cs, PCI_EXT_CAP_ID_SRIOV) : 0;
    if (pos) {
      const total = BigInt(cs.read16(pos + PCI_SRIOV_TOTAL_VF));
      for (let i = 0; i < PCI_SRIOV_NUM_BARS && total > 0n; i++) {
        const reg = pos + PCI_SRIOV_BAR + 4 * i;
        const p = probeBar(cs, reg);
        if (p.size > 0n && !p.io) {
          out.push({ resource: 7 + i, reg, size: p.size * total, align: p.size, is64: p.is64, prefetchable: p.prefetchable, address: null });
        }
        if (p.is64) i++;
      }
    }
  });
  n.bars = out;
  return out;
}
