/**
 * Bus numbering the way firmware and the kernel's scan do it (`pci_scan_child_bus_extend` /
 * `pci_scan_bridge_extend`): depth first per host bridge, in devfn order; a bridge's secondary
 * bus is the next free number, its subordinate is fixed once the subtree below is numbered.
 * Bus numbers SR-IOV VFs will need (`pci_iov_bus_range`) are reserved right after the bus
 * holding their PF, before the bridges on that bus are numbered. Each bridge is programmed
 * through config writes: primary, secondary, and subordinate first set to 0xff while the
 * subtree is scanned, then to the last bus found.
 */
import type { PlanHostBridge, PlanNode } from "./plan";
import type { FunctionSpec } from "../topology/schema";
import { PCI_PRIMARY_BUS, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS } from "../spec/header";
import { specError } from "../topology/errors";
import { isBridgeRole } from "./device-config";

const hex2 = (n: number): string => n.toString(16).padStart(2, "0");

/** Highest bus a PF's VFs land on (`compute_max_vf_buses` with TotalVFs). */
export function lastVfBus(bus: number, n: PlanNode): number {
  const s = (n.spec as FunctionSpec).sriov;
  if (!s) return bus;
  const last = n.devfn + (s.offset ?? 1) + (s.stride ?? 1) * (s.totalVFs - 1);
  return bus + (last >> 8);
}

/** Numbers the buses below one host bridge; returns the last bus number used. */
export function numberBuses(hb: PlanHostBridge): number {
  const scan = (bus: number, nodes: readonly PlanNode[]): number => {
    let max = bus;
    for (const n of nodes) {
      n.bus = bus;
      const vfEnd = lastVfBus(bus, n);
      if (vfEnd > hb.busEnd) {
        throw specError(n.origin, "sriov", `${n.path}.sriov`, `the VFs need buses up to ${hex2(vfEnd)}, beyond the host bridge's last bus ${hex2(hb.busEnd)}`);
      }
      max = Math.max(max, vfEnd);
    }
    for (const n of nodes) {
      if (!isBridgeRole(n.role)) continue;
      const secondary = max + 1;
      if (secondary > hb.busEnd) {
        throw specError(n.origin, null, n.path, `no bus number left for this bridge: ${hb.path} ends at bus ${hex2(hb.busEnd)} (set busEnd or use another host bridge)`);
      }
      n.config.write8(PCI_PRIMARY_BUS, bus);
      n.config.write8(PCI_SECONDARY_BUS, secondary);
      n.config.write8(PCI_SUBORDINATE_BUS, 0xff);
      max = scan(secondary, n.children);
      n.secondary = secondary;
      n.subordinate = max;
      n.config.write8(PCI_SUBORDINATE_BUS, max);
    }
    return max;
  };
  return scan(hb.rootBus, hb.nodes);
}
