/**
 * `p2pdma topo show --format tree`: the live model printed in `lspci -tv` shape (through the
 * lspci tree printer), each function labelled with its display name or user label, type and
 * `[vendor:device]`.
 */
import type { PciSystem } from "../system";
import type { PciFunction } from "../pci-function";
import { renderLspciTree } from "./lspci-tree";
import { PCI_PRIMARY_BUS, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS } from "../spec/header";

function label(dev: PciFunction): string {
  const name = dev.displayName ?? dev.type;
  return dev.label ? `${name} (${dev.label})` : name;
}

/** The tree of `system` as `lspci -tvnn` would draw it. */
export function renderSystemTree(system: PciSystem): string {
  return renderLspciTree(
    {
      functions: system.devices.map((dev) => ({
        bdf: dev.name,
        ...(dev.isBridge
          ? {
              bridge: {
                primary: dev.config.read8(PCI_PRIMARY_BUS),
                secondary: dev.config.read8(PCI_SECONDARY_BUS),
                subordinate: dev.config.read8(PCI_SUBORDINATE_BUS),
              },
            }
          : {}),
        label: label(dev),
        ...(dev.unknown.has("ids") ? {} : { vendor: dev.vendor, device: dev.device }),
      })),
    },
    { numeric: true },
  );
}
