/**
 * Device specifications in PCI kernel parameters (drivers/pci/pci.c `pci_dev_str_match`):
 * `[<domain>:]<bus>:<dev>.<fn>[/<dev>.<fn>]*` (a path from a top-level device, as `lspci -t`
 * shows) or `pci:<vendor>:<device>[:<subvendor>:<subdevice>]` (0 matches anything).
 */
import type { PciFunction } from "./pci-function";
import { makeDevfn } from "./bdf";
import { EINVAL } from "./errno";
import { kscanf } from "./kscanf";
import { upstreamBridge } from "./upstream";

/** 1 match, 0 no match, or -EINVAL when the spec cannot be parsed; `rest` is what follows it. */
export interface StrMatch {
  readonly result: 1 | 0 | number;
  readonly rest: string;
}

/** Models `pci_dev_str_match_path`: the spec runs up to the next `;` (not `,`). */
function matchPath(dev: PciFunction, spec: string): StrMatch {
  const semi = spec.indexOf(";");
  const path = semi < 0 ? spec : spec.slice(0, semi);
  const rest = semi < 0 ? "" : spec.slice(semi);
  let work = path;
  let cur: PciFunction | null = dev;
  for (;;) {
    const slash = work.lastIndexOf("/");
    if (slash < 0) break;
    const hop = kscanf(work.slice(slash), "/%x.%x%c");
    if (hop.count !== 2) return { result: -EINVAL, rest };
    if (cur.devfn !== makeDevfn(hop.values[0]!, hop.values[1]!)) return { result: 0, rest };
    cur = upstreamBridge(cur);
    if (cur === null) return { result: 0, rest };
    work = work.slice(0, slash);
  }
  let seg = 0;
  let bus: number;
  let slot: number;
  let fn: number;
  const full = kscanf(work, "%x:%x:%x.%x%c");
  if (full.count === 4) {
    [seg, bus, slot, fn] = full.values as [number, number, number, number];
  } else {
    const short = kscanf(work, "%x:%x.%x%c");
    if (short.count !== 3) return { result: -EINVAL, rest };
    [bus, slot, fn] = short.values as [number, number, number];
  }
  const hit = seg === cur.domain && bus === cur.bus.number && cur.devfn === makeDevfn(slot, fn);
  return { result: hit ? 1 : 0, rest };
}

/** Models `pci_dev_str_match`. */
export function pciDevStrMatch(dev: PciFunction, spec: string): StrMatch {
  if (spec.startsWith("pci:")) {
    const body = spec.slice(4);
    let ids = kscanf(body, "%hx:%hx:%hx:%hx%n");
    let [vendor, device, subVendor, subDevice] = [0, 0, 0, 0];
    if (ids.count === 4) {
      [vendor, device, subVendor, subDevice] = ids.values as [number, number, number, number];
    } else {
      ids = kscanf(body, "%hx:%hx%n");
      if (ids.count !== 2) return { result: -EINVAL, rest: spec };
      [vendor, device] = ids.values as [number, number];
    }
    const rest = body.slice(ids.consumed);
    const hit =
      (vendor === 0 || vendor === dev.vendor) &&
      (device === 0 || device === dev.device) &&
      (subVendor === 0 || subVendor === dev.subsystemVendor) &&
      (subDevice === 0 || subDevice === dev.subsystemDevice);
    return { result: hit ? 1 : 0, rest };
  }
  return matchPath(dev, spec);
}
