/**
 * Importer for hwloc XML (lstopo `--of xml`), formats v1 (hwloc 1.x) and v2/v3: host bridges
 * (`type="Bridge" bridge_type="0-1"` with `bridge_pci="DDDD:[BB-BB]"`), PCI bridges
 * (`bridge_type="1-1"`), PCI functions (`type="PCIDev"`, `pci_busid`, and `pci_type` =
 * `"CCCC [VVVV:DDDD] [SVVV:SDDD] RR[ PP]"`), the NUMA node each device hangs under (v1: a
 * NUMANode ancestor; v2: the single NUMANode memory child of the nearest ancestor that has
 * one) and the CPU (`CPUVendor`, `CPUFamilyNumber`).
 *
 * `pci_link_speed` is hwloc's GB/s estimate, not a link speed and width; it is not imported.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { normalizeBdf } from "../bdf";
import type { FunctionFacts, HostBridgeFacts, MachineFacts, PlatformFacts } from "./facts";
import { CaptureParseError } from "./facts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface XmlObject {
  type?: string;
  os_index?: string;
  bridge_type?: string;
  bridge_pci?: string;
  pci_busid?: string;
  pci_type?: string;
  object?: XmlObject[];
  info?: { name?: string; value?: string }[];
}

const PCI_TYPE = /^([0-9a-f]{4}) \[([0-9a-f]{4}):([0-9a-f]{4})\] \[([0-9a-f]{4}):([0-9a-f]{4})\] ([0-9a-f]{2})(?: ([0-9a-f]{2}))?$/;
const BRIDGE_PCI = /^([0-9a-f]{4}):\[([0-9a-f]{2})-([0-9a-f]{2})\]$/;

/**
 * Parses hwloc XML. Throws {@link CaptureParseError} with line and column for XML that is not
 * well formed, and naming the object for a malformed `pci_busid`, `pci_type` or `bridge_pci`.
 */
export function importHwlocXml(source: string, text: string): MachineFacts {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new CaptureParseError(source, `line ${valid.err.line}, column ${valid.err.col}`, `malformed XML: ${valid.err.msg}`);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (name) => name === "object" || name === "info",
    parseAttributeValue: false,
    processEntities: true,
  });
  const doc = parser.parse(text) as { topology?: { object?: XmlObject[] } };
  const top = doc.topology;
  if (!top || typeof top !== "object") throw new CaptureParseError(source, "<topology>", "no <topology> element");
  const functions: FunctionFacts[] = [];
  const hostBridges: HostBridgeFacts[] = [];
  const platform: Mutable<PlatformFacts> = {};
  const seen = new Set<string>();

  const numaOf = (ancestors: readonly XmlObject[]): number | undefined => {
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const a = ancestors[i]!;
      if (a.type === "NUMANode" && a.os_index !== undefined) return Number(a.os_index);
      const nodes = (a.object ?? []).filter((c) => c.type === "NUMANode");
      if (nodes.length === 1 && nodes[0]!.os_index !== undefined) return Number(nodes[0]!.os_index);
      if (nodes.length > 1) return undefined;
    }
    return undefined;
  };

  const walk = (o: XmlObject, ancestors: XmlObject[], parentBdf: string | null, underHost: boolean): void => {
    for (const info of o.info ?? []) {
      if (info.name === "CPUVendor" && platform.cpuVendor === undefined) {
        platform.cpuVendor = info.value === "AuthenticAMD" ? "amd" : info.value === "GenuineIntel" ? "intel" : "other";
      }
      if (info.name === "CPUFamilyNumber" && platform.cpuFamily === undefined && /^\d+$/.test(info.value ?? "")) {
        platform.cpuFamily = Number(info.value);
      }
      if (info.name === "Architecture" && platform.arch === undefined && info.value !== undefined) {
        platform.arch = /^(x86_64|i[3-6]86)$/.test(info.value) ? "x86" : "other";
      }
    }
    let nextParent = parentBdf;
    let nextUnderHost = underHost;
    const where = `<object type="${o.type ?? "?"}"${o.pci_busid ? ` pci_busid="${o.pci_busid}"` : ""}>`;
    if (o.type === "Bridge" && o.bridge_type?.startsWith("0-")) {
      const m = BRIDGE_PCI.exec(o.bridge_pci ?? "");
      if (!m) throw new CaptureParseError(source, where, `bad bridge_pci ${JSON.stringify(o.bridge_pci ?? "")}`);
      const hb: Mutable<HostBridgeFacts> = { domain: Number.parseInt(m[1]!, 16), rootBus: Number.parseInt(m[2]!, 16) };
      const node = numaOf(ancestors);
      if (node !== undefined) hb.numaNode = node;
      hostBridges.push(hb);
      nextParent = null;
      nextUnderHost = true;
    } else if (o.type === "PCIDev" || (o.type === "Bridge" && o.pci_busid !== undefined)) {
      const bdf = normalizeBdf(o.pci_busid ?? "");
      if (!bdf) throw new CaptureParseError(source, where, `bad pci_busid ${JSON.stringify(o.pci_busid ?? "")}`);
      if (seen.has(bdf)) throw new CaptureParseError(source, where, `function ${bdf} appears twice`);
      seen.add(bdf);
      const f: Mutable<FunctionFacts> = { bdf };
      if (underHost) f.parent = parentBdf;
      const t = PCI_TYPE.exec(o.pci_type ?? "");
      if (o.pci_type !== undefined) {
        if (!t) throw new CaptureParseError(source, where, `bad pci_type ${JSON.stringify(o.pci_type)}`);
        const cls = Number.parseInt(t[1]!, 16);
        if (t[7] !== undefined) f.classCode = (cls << 8) | Number.parseInt(t[7], 16);
        else f.class16 = cls;
        f.vendor = Number.parseInt(t[2]!, 16);
        f.device = Number.parseInt(t[3]!, 16);
        f.subsystemVendor = Number.parseInt(t[4]!, 16);
        f.subsystemDevice = Number.parseInt(t[5]!, 16);
        f.revision = Number.parseInt(t[6]!, 16);
      }
      if (o.type === "Bridge") {
        const m = BRIDGE_PCI.exec(o.bridge_pci ?? "");
        if (!m) throw new CaptureParseError(source, where, `bad bridge_pci ${JSON.stringify(o.bridge_pci ?? "")}`);
        f.secondaryBus = Number.parseInt(m[2]!, 16);
        f.subordinateBus = Number.parseInt(m[3]!, 16);
      }
      const node = numaOf(ancestors);
      if (node !== undefined) f.numaNode = node;
      for (const info of o.info ?? []) {
        if (info.name === "PCIVendor" && info.value) f.vendorName = info.value;
        if (info.name === "PCIDevice" && info.value) f.deviceName = info.value;
      }
      functions.push(f);
      nextParent = bdf;
    }
    const next = [...ancestors, o];
    for (const c of o.object ?? []) walk(c, next, nextParent, nextUnderHost);
  };
  for (const o of top.object ?? []) walk(o, [], null, false);
  return {
    functions,
    hostBridges,
    ...(Object.keys(platform).length > 0 ? { platform } : {}),
    sources: [{ name: source, format: "hwloc-xml" }],
  };
}
