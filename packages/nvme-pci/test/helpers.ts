import { readFileSync } from "node:fs";
import { loadTopologyFile, samplePath } from "@p2pdma/pci-core";
import type { AttachOptions } from "../src/index";
import { attachNvme } from "../src/index";

export interface RefVariant {
  /** Host bridge device ID (0x2020 Sky Lake-E is on the 6.12 whitelist; 0x29c0 q35 is not). */
  readonly hostBridge?: number;
  /** CMB register scheme of the CMB controllers. */
  readonly cmbScheme?: "1.3" | "1.4";
  /** Platform CPU, e.g. "amd:0x19". */
  readonly cpu?: string;
}

/** packages/pci-core/samples/reference.yaml, optionally varied, with the NVMe models attached. */
export function referenceText(v: RefVariant = {}): string {
  let text = readFileSync(samplePath("reference")!, "utf8");
  if (v.hostBridge !== undefined) text = text.replace("device: 0x2020 }", `device: 0x${v.hostBridge.toString(16)} }`);
  if (v.cmbScheme) text = text.replaceAll("cmb: { bar: 2,", `cmb: { scheme: "${v.cmbScheme}", bar: 2,`);
  if (v.cpu) text = text.replace("cpu: intel:0x6", `cpu: ${v.cpu}`);
  return text;
}

export function reference(o: AttachOptions = {}, v: RefVariant = {}) {
  return attachNvme(loadTopologyFile(referenceText(v), "reference.yaml"), o);
}
