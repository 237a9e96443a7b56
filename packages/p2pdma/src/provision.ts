/**
 * Registers the P2P memory a topology file's hardware models describe, the way their drivers
 * would at probe, for tools that look at a machine without running those drivers (the CLI's
 * `p2p find`): `model: {kind: p2pmem, bar}` registers the whole BAR and publishes it (as
 * p2pmem_pci does); `model: {kind: nvme, cmb: {bar, offset, size, rds, wds}}` registers the CMB
 * window, published iff RDS and WDS are set (as nvme_map_cmb does).
 */
import type { PciSystem } from "@p2pdma/pci-core";
import { parseSizeText } from "@p2pdma/pci-core";
import type { P2pOptions } from "./options";
import { P2pdmaCore } from "./core";
import { addResource, publish } from "./provider";

/** One provider registered by {@link provisionFromModels}, with the errno of its registration. */
export interface Provisioned {
  readonly bdf: string;
  readonly bar: number;
  readonly ret: number;
  readonly published: boolean;
}

function num(v: unknown): number | bigint | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return v;
  if (typeof v === "string") return parseSizeText(v);
  return null;
}

/** Registers every p2pmem card and NVMe CMB the models of `system` describe. */
export function provisionFromModels(system: PciSystem, opts: P2pOptions = {}): Provisioned[] {
  const core = P2pdmaCore.of(system);
  const out: Provisioned[] = [];
  for (const dev of system.devices) {
    const m = dev.model;
    if (!m || core.state(dev)) continue;
    if (m.kind === "p2pmem") {
      const bar = typeof m["bar"] === "number" ? m["bar"] : 4;
      const ret = addResource(core, dev, bar, 0, 0, opts).ret;
      if (ret === 0) publish(core, dev, true, opts);
      out.push({ bdf: dev.name, bar, ret, published: ret === 0 });
    } else if (m.kind === "nvme" && typeof m["cmb"] === "object" && m["cmb"] !== null) {
      const cmb = m["cmb"] as Record<string, unknown>;
      const bar = typeof cmb["bar"] === "number" ? cmb["bar"] : 2;
      const size = num(cmb["size"]) ?? 0;
      const offset = num(cmb["offset"]) ?? 0;
      const ret = addResource(core, dev, bar, size, offset, opts).ret;
      const pub = ret === 0 && cmb["rds"] === true && cmb["wds"] === true;
      if (pub) publish(core, dev, true, opts);
      out.push({ bdf: dev.name, bar, ret, published: pub });
    }
  }
  return out;
}
