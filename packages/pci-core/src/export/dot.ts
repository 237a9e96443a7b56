/**
 * `p2pdma topo show --format dot`: the hierarchy as a Graphviz digraph. Each host bridge is a
 * cluster; an edge runs from each bridge to the functions behind it; ports whose ACS control
 * redirects peer traffic (RR, CR or EC) are drawn red, unknown ACS state dashed.
 */
import type { PciFunction } from "../pci-function";
import type { PciSystem } from "../system";
import { acsFlagNames } from "./acs-names";
import { upstreamBridge } from "../upstream";

const REDIRECT = 0x04 | 0x08 | 0x20;

const quote = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function nodeLabel(dev: PciFunction): string {
  const ids = dev.unknown.has("ids")
    ? "????:????"
    : `${dev.vendor.toString(16).padStart(4, "0")}:${dev.device.toString(16).padStart(4, "0")}`;
  const parts = [dev.name, `${dev.type} [${ids}]`];
  if (dev.label) parts.push(dev.label);
  const acs = dev.acs();
  if (acs === "unknown") parts.push("ACS ctl unknown");
  else if (acs !== null) parts.push(`ACS ctl ${acsFlagNames(acs.ctl).join(" ") || "-"}`);
  return parts.join("\\n");
}

/** Renders the system as DOT text. */
export function topologyDot(system: PciSystem): string {
  const lines = ["digraph pci {", "  rankdir=TB;", '  node [shape=box, fontname="monospace", fontsize=10];'];
  system.hostBridges.forEach((hb, i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${quote(`${hb.name} (NUMA ${hb.numaNode})`)};`);
    lines.push(`    ${quote(hb.name)} [shape=ellipse];`);
    for (const dev of system.devices) {
      if (dev.bus.hostBridge !== hb) continue;
      const acs = dev.acs();
      const style =
        acs === "unknown" ? ", style=dashed" : acs !== null && acs.ctl & REDIRECT ? ", color=red, fontcolor=red" : "";
      lines.push(`    ${quote(dev.name)} [label=${quote(nodeLabel(dev))}${style}];`);
    }
    lines.push("  }");
  });
  for (const dev of system.devices) {
    const up = upstreamBridge(dev);
    const from = dev.physfn ? dev.physfn.name : up ? up.name : dev.bus.hostBridge.name;
    const style = dev.physfn ? " [style=dotted, label=VF]" : "";
    lines.push(`  ${quote(from)} -> ${quote(dev.name)}${style};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
