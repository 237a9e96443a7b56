/**
 * The kernel's side of enumeration: `pci_read_bases` and `sriov_init` read each BAR back
 * through config cycles (`__pci_read_base` with `decode_bar`'s flags: the BAR's low type bits,
 * IORESOURCE_MEM, PREFETCH, MEM_64, plus SIZEALIGN), and `pci_read_bridge_windows` reads a
 * bridge's memory and prefetchable base/limit registers into resources 14 and 15 (flags: the
 * register's low type bits, MEM, PREFETCH and MEM_64 for a 64-bit prefetchable window; PCI
 * bridge windows carry no IORESOURCE_WINDOW, only host-bridge windows do). Addresses are
 * converted from bus to CPU addresses through the host bridge's offset
 * (`pcibios_bus_to_resource`). A VF's BARs are slices of its PF's VF BAR resources
 * (`pci_iov_add_virtfn`).
 */
import type { PciFunction } from "../pci-function";
import type { Resource } from "../resource";
import { findExtCapability } from "../capability-walk";
import {
  IORESOURCE_MEM,
  IORESOURCE_MEM_64,
  IORESOURCE_PREFETCH,
  IORESOURCE_SIZEALIGN,
  PCI_BRIDGE_MEM_WINDOW,
  PCI_BRIDGE_PREF_MEM_WINDOW,
  PCI_IOV_RESOURCES,
  resourceSize,
} from "../resource";
import {
  PCI_BASE_ADDRESS_0,
  PCI_BASE_ADDRESS_MEM_PREFETCH,
  PCI_MEMORY_BASE,
  PCI_MEMORY_LIMIT,
  PCI_PREF_BASE_UPPER32,
  PCI_PREF_LIMIT_UPPER32,
  PCI_PREF_MEMORY_BASE,
  PCI_PREF_MEMORY_LIMIT,
} from "../spec/header";
import { PCI_EXT_CAP_ID_SRIOV } from "../spec/capability-ids";
import { PCI_SRIOV_BAR, PCI_SRIOV_NUM_BARS, PCI_SRIOV_TOTAL_VF } from "../spec/sriov";
import { PCI_PREF_RANGE_TYPE_64 } from "../spec/bridge";
import { probeBar, withDecodeOff } from "./bar-sizing";

/** Models `decode_bar` for a memory BAR value: its type bits plus the resource flags. */
export function decodeMemBarFlags(low: number, is64: boolean): number {
  let flags = (low & 0xf) | IORESOURCE_MEM;
  if (low & PCI_BASE_ADDRESS_MEM_PREFETCH) flags |= IORESOURCE_PREFETCH;
  if (is64) flags |= IORESOURCE_MEM_64;
  return flags;
}

function readBarResource(dev: PciFunction, reg: number, count: bigint): { res: Resource; is64: boolean } | null {
  const p = probeBar(dev.config, reg);
  if (p.size === 0n || p.io) return p.is64 ? { res: { start: 0n, end: 0n, flags: 0 }, is64: true } : null;
  const start = dev.bus.hostBridge.busToCpu(p.address);
  return {
    res: { start, end: start + p.size * count - 1n, flags: decodeMemBarFlags(p.low, p.is64) | IORESOURCE_SIZEALIGN },
    is64: p.is64,
  };
}

/** Models `pci_read_bases` (BARs 0-5, or 0-1 of a bridge) and `sriov_init`'s VF BAR reads. */
export function readBases(dev: PciFunction): void {
  withDecodeOff(dev.config, () => {
    const count = dev.isBridge ? 2 : 6;
    for (let i = 0; i < count; i++) {
      const r = readBarResource(dev, PCI_BASE_ADDRESS_0 + 4 * i, 1n);
      if (!r) continue;
      if (r.res.flags) dev.resources[i] = r.res;
      if (r.is64) i++;
    }
    const pos = dev.config.size > 256 ? findExtCapability(dev.config, PCI_EXT_CAP_ID_SRIOV) : 0;
    if (!pos) return;
    const total = BigInt(dev.config.read16(pos + PCI_SRIOV_TOTAL_VF));
    if (total === 0n) return;
    for (let i = 0; i < PCI_SRIOV_NUM_BARS; i++) {
      const r = readBarResource(dev, pos + PCI_SRIOV_BAR + 4 * i, total);
      if (!r) continue;
      if (r.res.flags) dev.resources[PCI_IOV_RESOURCES + i] = r.res;
      if (r.is64) i++;
    }
  });
}

/** Models `pci_read_bridge_mmio` and `pci_read_bridge_mmio_pref` into resources 14 and 15. */
export function readBridgeWindows(dev: PciFunction): void {
  const cs = dev.config;
  const hb = dev.bus.hostBridge;
  const memLo = cs.read16(PCI_MEMORY_BASE);
  const memBase = BigInt((memLo & 0xfff0) << 16 >>> 0);
  const memLimit = BigInt((cs.read16(PCI_MEMORY_LIMIT) & 0xfff0) << 16 >>> 0);
  if (memBase <= memLimit) {
    dev.resources[PCI_BRIDGE_MEM_WINDOW] = {
      start: hb.busToCpu(memBase),
      end: hb.busToCpu(memLimit + 0xfffffn),
      flags: (memLo & 0xf) | IORESOURCE_MEM,
    };
  }
  const prefLo = cs.read16(PCI_PREF_MEMORY_BASE);
  let base = BigInt((prefLo & 0xfff0) << 16 >>> 0);
  let limit = BigInt((cs.read16(PCI_PREF_MEMORY_LIMIT) & 0xfff0) << 16 >>> 0);
  const is64 = (prefLo & 0xf) === PCI_PREF_RANGE_TYPE_64;
  if (is64) {
    const hiBase = cs.read32(PCI_PREF_BASE_UPPER32) >>> 0;
    const hiLimit = cs.read32(PCI_PREF_LIMIT_UPPER32) >>> 0;
    if (hiBase <= hiLimit) {
      base |= BigInt(hiBase) << 32n;
      limit |= BigInt(hiLimit) << 32n;
    }
  }
  if (base <= limit) {
    dev.resources[PCI_BRIDGE_PREF_MEM_WINDOW] = {
      start: hb.busToCpu(base),
      end: hb.busToCpu(limit + 0xfffffn),
      flags: (prefLo & 0xf) | IORESOURCE_MEM | IORESOURCE_PREFETCH | (is64 ? IORESOURCE_MEM_64 : 0),
    };
  }
}

/** Models the resource part of `pci_iov_add_virtfn`: VF `id` gets slice `id` of each VF BAR. */
export function setVfResources(pf: PciFunction, vf: PciFunction, id: number, totalVFs: number): void {
  for (let i = 0; i < PCI_SRIOV_NUM_BARS; i++) {
    const res = pf.resources[PCI_IOV_RESOURCES + i]!;
    const total = resourceSize(res);
    if (total === 0n) continue;
    const size = total / BigInt(totalVFs);
    const start = res.start + size * BigInt(id);
    vf.resources[i] = { start, end: start + size - 1n, flags: res.flags };
  }
}
