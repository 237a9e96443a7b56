/**
 * Importer for `lspci -v` / `-vv` / `-vvv`, with or without `-nn` and `-D` (without `-D` the
 * domain is 0000), optionally with `-x`/`-xxx`/`-xxxx` hex appended per function.
 *
 * Read per function: the header line (class, `[cccc]` and `[vvvv:dddd]` in `-nn`, revision,
 * prog-if), Subsystem, NUMA node, IRQ, Region and Expansion ROM lines, the `Bus:` line of
 * bridges, the capability list (PCI Express port type, LnkCap/LnkSta, Access Control Services
 * with ACSCap/ACSCtl, SR-IOV VF counts), `Kernel driver in use:` and `IOMMU group:`.
 * `Capabilities: <access denied>` (lspci without root) leaves PCIe and ACS facts unknown.
 */
import { normalizeBdf } from "../bdf";
import type { BarFacts, FunctionFacts, LinkFacts, MachineFacts, PciePortTypeName } from "./facts";
import { DEVICE_LINE, HexDumpBuilder, functionFromDump, isHexLine } from "./lspci-hex";
import { lineError, splitLines } from "./lines";

/** SR-IOV counts from the `Single Root I/O Virtualization` capability (not part of FunctionFacts). */
export interface SriovFacts {
  readonly initialVfs: number;
  readonly totalVfs: number;
  readonly numVfs?: number;
}

/** FunctionFacts plus what only a verbose capture states. */
export interface VerboseFunctionFacts extends FunctionFacts {
  readonly sriov?: SriovFacts;
}

/** ACS flag names in ACSCap/ACSCtl order with their register bits (PCIe 4.0 §7.7.8.2-3). */
export const ACS_FLAG_BITS: Readonly<Record<string, number>> = {
  SrcValid: 0x01,
  TransBlk: 0x02,
  ReqRedir: 0x04,
  CmpltRedir: 0x08,
  UpstreamFwd: 0x10,
  EgressCtrl: 0x20,
  DirectTrans: 0x40,
};

const EXPRESS_TYPES: readonly (readonly [string, PciePortTypeName])[] = [
  ["Legacy Endpoint", "legacy-endpoint"],
  ["Root Complex Integrated Endpoint", "rc-endpoint"],
  ["Root Complex Event Collector", "rc-event-collector"],
  ["Endpoint", "endpoint"],
  ["Root Port", "root-port"],
  ["Upstream Port", "upstream-port"],
  ["Downstream Port", "downstream-port"],
  ["PCI-Express to PCI/PCI-X Bridge", "pcie-to-pci-bridge"],
  ["PCI/PCI-X to PCI-Express Bridge", "pci-to-pcie-bridge"],
];

const SIZE_UNITS: Readonly<Record<string, bigint>> = { "": 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Block {
  f: Mutable<VerboseFunctionFacts>;
  bars: BarFacts[];
  sawCapabilityList: boolean;
  sawExtended: boolean;
  accessDenied: boolean;
  acsHeader: boolean;
  acsCap?: number;
  acsCtl?: number;
  inAcs: boolean;
  inSriov: boolean;
  link: Mutable<LinkFacts>;
  hex: HexDumpBuilder | null;
  headerLine: number;
}

const CAP_LINE = /^Capabilities: \[([0-9a-f]+)(?: v(\d+))?\] (.*)$/;
const REGION =
  /^(?:Region (\d+): )?(?:\[virtual\] )?(Memory at|I\/O ports at) (<unassigned>|<ignored>|[0-9a-f]+)(?: \(([^)]*)\))?((?: \[[^\]]*\])*)\s*$/;
const ROM = /^(?:\[virtual\] )?Expansion ROM at (<unassigned>|<ignored>|[0-9a-f]+)((?: \[[^\]]*\])*)\s*$/;
const FLAGS = new RegExp(`^(${Object.keys(ACS_FLAG_BITS).join("|")})([+-])$`);

function parseSize(text: string): bigint | undefined {
  const m = /^size=(\d+)([KMGT]?)$/.exec(text);
  if (!m) return undefined;
  return BigInt(m[1]!) * SIZE_UNITS[m[2]!]!;
}

function speedOf(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)GT\/s$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Parses a verbose lspci capture. Throws {@link CaptureParseError} (with line and column) for a
 * header line or a known field whose value does not parse, for indented text before the first
 * header, and for malformed or truncated hex dumps.
 */
export function importLspciVerbose(source: string, text: string): MachineFacts {
  const lines = splitLines(text);
  const functions: VerboseFunctionFacts[] = [];
  const seen = new Set<string>();
  let b: Block | null = null;
  let lastHex = 0;

  const finish = (): void => {
    if (!b) return;
    const f = b.f;
    if (b.bars.length > 0) f.bars = b.bars;
    if (b.hex) {
      const config = b.hex.finish(lastHex);
      const fromDump = functionFromDump(f.bdf, config);
      // The dump states the registers; the text above states the rest. Prefer the text where
      // both speak (they agree for one lspci run), fill in what only the dump states.
      for (const [k, v] of Object.entries(fromDump)) {
        if (v !== undefined && (f as Record<string, unknown>)[k] === undefined) (f as Record<string, unknown>)[k] = v;
      }
    }
    if (b.accessDenied) {
      f.acs = "unknown";
    } else if (b.acsHeader) {
      f.acs = b.acsCap !== undefined && b.acsCtl !== undefined ? { cap: b.acsCap, ctl: b.acsCtl } : "unknown";
    } else if (b.sawCapabilityList && f.acs === undefined) {
      // A listed capability set without ACS: absent, unless the list could not show extended
      // capabilities (a PCIe function whose dump stops at 256 bytes).
      const shortDump = b.hex !== null && b.hex.length < 4096;
      f.acs = f.isPcie === true && shortDump && !b.sawExtended ? "unknown" : "absent";
    }
    if (Object.keys(b.link).length > 0) f.link = b.link;
    functions.push(f);
    b = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    // "...." lines: a person's elision in a pasted capture; they state nothing.
    if (/^\s*\.{3,}\s*$/.test(raw)) continue;
    if (isHexLine(raw)) {
      if (!b) throw lineError(source, i, "hex line before any device header line", 0);
      b.hex ??= new HexDumpBuilder(source, b.f.bdf, b.headerLine);
      b.hex.add(i, raw);
      lastHex = i;
      continue;
    }
    if (raw[0] !== " " && raw[0] !== "\t") {
      finish();
      b = parseHeader(source, i, raw, seen);
      continue;
    }
    if (!b) throw lineError(source, i, "indented line before any device header line", 0);
    parseField(source, i, raw, b);
  }
  finish();
  if (functions.length === 0) throw lineError(source, 0, "no device found (expected lines like \"00:01.0 PCI bridge: ...\")");
  return { functions, sources: [{ name: source, format: "lspci-verbose" }] };
}

function parseHeader(source: string, i: number, raw: string, seen: Set<string>): Block {
  const m = DEVICE_LINE.exec(raw);
  if (!m || m[2] === undefined) throw lineError(source, i, `expected a device header "BB:DD.F Class: Device", found ${JSON.stringify(raw.slice(0, 40))}`, 0);
  const bdf = normalizeBdf(m[1]!);
  if (!bdf) throw lineError(source, i, `bad device address ${m[1]!}`, 0);
  if (seen.has(bdf)) throw lineError(source, i, `function ${bdf} appears twice`, 0);
  seen.add(bdf);
  const f: Mutable<VerboseFunctionFacts> = { bdf };
  let rest = m[2];
  const restCol = m[1]!.length + 1;
  const colon = rest.indexOf(": ");
  if (colon < 0) throw lineError(source, i, "device header has no \"Class: \" part", restCol);
  const classPart = rest.slice(0, colon);
  rest = rest.slice(colon + 2);
  const cls = /^(?:.* )?\[([0-9a-f]{4})\]$/.exec(classPart) ?? /^([0-9a-f]{4})$/.exec(classPart);
  if (cls) f.class16 = Number.parseInt(cls[1]!, 16);
  const progIf = / \(prog-if ([0-9a-f]{2})(?: \[[^\]]*\])?\)$/.exec(rest);
  if (progIf) {
    rest = rest.slice(0, progIf.index);
    if (f.class16 !== undefined) {
      f.classCode = (f.class16 << 8) | Number.parseInt(progIf[1]!, 16);
      delete f.class16;
    }
  }
  const rev = / \(rev ([0-9a-f]{2})\)$/.exec(rest);
  if (rev) {
    f.revision = Number.parseInt(rev[1]!, 16);
    rest = rest.slice(0, rev.index);
  }
  const ids = /(?:^| \[)([0-9a-f]{4}):([0-9a-f]{4})\]?$/.exec(rest);
  if (ids && (ids[0].startsWith(" [") || ids.index === 0)) {
    f.vendor = Number.parseInt(ids[1]!, 16);
    f.device = Number.parseInt(ids[2]!, 16);
    rest = rest.slice(0, ids.index);
  }
  if (rest.trim() !== "") f.deviceName = rest.trim();
  return {
    f,
    bars: [],
    sawCapabilityList: false,
    sawExtended: false,
    accessDenied: false,
    acsHeader: false,
    inAcs: false,
    inSriov: false,
    link: {},
    hex: null,
    headerLine: i,
  };
}

function parseField(source: string, i: number, raw: string, b: Block): void {
  const indent = raw.length - raw.trimStart().length;
  const line = raw.trim();
  const f = b.f;
  const bad = (problem: string): never => {
    throw lineError(source, i, problem, indent);
  };
  const int = (text: string, what: string): number => {
    if (!/^-?\d+$/.test(text)) bad(`${what} ${JSON.stringify(text)} is not a number`);
    return Number.parseInt(text, 10);
  };

  if (line.startsWith("Capabilities: ")) {
    b.inAcs = false;
    b.inSriov = false;
    if (line === "Capabilities: <access denied>") {
      b.accessDenied = true;
      return;
    }
    const m = CAP_LINE.exec(line);
    if (!m) bad(`malformed capability line ${JSON.stringify(line.slice(0, 50))}`);
    b.sawCapabilityList = true;
    const offset = Number.parseInt(m![1]!, 16);
    if (offset >= 0x100) b.sawExtended = true;
    const what = m![3]!;
    if (what.startsWith("Express ")) {
      f.isPcie = true;
      const body = what.replace(/^Express (?:\(v\d+\) )?/, "");
      const t = EXPRESS_TYPES.find(([name]) => body.startsWith(name));
      if (t) f.pcieType = t[1];
    } else if (what.startsWith("Access Control Services")) {
      b.acsHeader = true;
      b.inAcs = true;
    } else if (what.startsWith("Single Root I/O Virtualization")) {
      b.inSriov = true;
    } else if (what.startsWith("Subsystem: ")) {
      subsystem(what.slice("Subsystem: ".length), f);
    }
    return;
  }
  const colon = line.indexOf(":");
  const key = colon < 0 ? line : line.slice(0, colon);
  const value = colon < 0 ? "" : line.slice(colon + 1).trim();
  switch (key) {
    case "Subsystem":
      subsystem(value, f);
      return;
    case "NUMA node":
      f.numaNode = int(value, "NUMA node");
      return;
    case "IOMMU group":
      f.iommuGroup = int(value, "IOMMU group");
      return;
    case "Kernel driver in use":
      if (value === "") bad("empty driver name");
      f.driver = value;
      return;
    case "Bus": {
      const m = /^primary=([0-9a-f]{2}), secondary=([0-9a-f]{2}), subordinate=([0-9a-f]{2})/.exec(value);
      if (!m) bad(`malformed Bus line ${JSON.stringify(value)}`);
      f.primaryBus = Number.parseInt(m![1]!, 16);
      f.secondaryBus = Number.parseInt(m![2]!, 16);
      f.subordinateBus = Number.parseInt(m![3]!, 16);
      return;
    }
    case "Interrupt": {
      const m = /routed to IRQ (\d+)/.exec(value);
      if (m) f.irq = Number(m[1]);
      return;
    }
    case "Flags": {
      // lspci -v: "Flags: bus master, fast devsel, latency 0, IRQ 17, NUMA node 0"
      const irq = /(?:^|, )IRQ (\d+)/.exec(value);
      if (irq) f.irq = Number(irq[1]);
      const node = /(?:^|, )NUMA node (\d+)/.exec(value);
      if (node) f.numaNode = Number(node[1]);
      return;
    }
    case "LnkCap":
    case "LnkSta": {
      const m = /Speed ([^,\s]+)(?: \([a-z]+\))?, Width x(\d+)/.exec(value);
      if (!m) return;
      const speed = speedOf(m[1]!);
      const width = Number(m[2]);
      if (key === "LnkCap") {
        if (speed !== undefined) b.link.maxSpeedGTs = speed;
        b.link.maxWidth = width;
      } else {
        if (speed !== undefined) b.link.speedGTs = speed;
        b.link.width = width;
      }
      return;
    }
    case "ACSCap":
    case "ACSCtl": {
      if (!b.inAcs) return;
      let bits = 0;
      const words = value.split(/\s+/).filter((w) => w !== "");
      for (const w of words) {
        const m = FLAGS.exec(w);
        if (!m) bad(`unknown ${key} flag ${JSON.stringify(w)}`);
        if (m![2] === "+") bits |= ACS_FLAG_BITS[m![1]!]!;
      }
      if (words.length !== 7) bad(`${key} lists ${words.length} flags, not 7`);
      if (key === "ACSCap") b.acsCap = bits;
      else b.acsCtl = bits;
      return;
    }
    case "Initial VFs": {
      if (!b.inSriov) return;
      const m = /^(\d+), Total VFs: (\d+)(?:, Number of VFs: (\d+))?/.exec(value);
      if (!m) bad(`malformed SR-IOV line ${JSON.stringify(value)}`);
      f.sriov = {
        initialVfs: Number(m![1]),
        totalVfs: Number(m![2]),
        ...(m![3] !== undefined ? { numVfs: Number(m![3]) } : {}),
      };
      return;
    }
    default:
      break;
  }
  const region = REGION.exec(line);
  if (region) {
    if (region[1] === undefined) return; // lspci -v without "Region N:": index not stated
    const index = int(region[1], "Region");
    if (index > 5) bad(`Region ${index} is not a BAR index`);
    b.bars.push(barOf(index, region[2] === "I/O ports at" ? "io" : undefined, region[3]!, region[4], region[5] ?? ""));
    return;
  }
  const rom = ROM.exec(line);
  if (rom) b.bars.push(barOf(6, "mem32", rom[1]!, undefined, rom[2] ?? ""));
}

function subsystem(value: string, f: Mutable<VerboseFunctionFacts>): void {
  const m = /\[([0-9a-f]{4}):([0-9a-f]{4})\]$/.exec(value) ?? /^([0-9a-f]{4}):([0-9a-f]{4})$/.exec(value);
  if (!m) return;
  f.subsystemVendor = Number.parseInt(m[1]!, 16);
  f.subsystemDevice = Number.parseInt(m[2]!, 16);
}

function barOf(index: number, fixedKind: BarFacts["kind"] | undefined, addr: string, type: string | undefined, tags: string): BarFacts {
  let kind: BarFacts["kind"] = fixedKind ?? "mem-unknown";
  let prefetchable: boolean | undefined;
  if (type !== undefined && fixedKind === undefined) {
    if (type.startsWith("32-bit")) kind = "mem32";
    else if (type.startsWith("64-bit")) kind = "mem64";
    if (type.endsWith("non-prefetchable")) prefetchable = false;
    else if (type.endsWith("prefetchable")) prefetchable = true;
  }
  const out: Mutable<BarFacts> = { index, kind };
  if (prefetchable !== undefined) out.prefetchable = prefetchable;
  if (!addr.startsWith("<")) out.address = BigInt(`0x${addr}`);
  for (const tag of tags.match(/\[[^\]]*\]/g) ?? []) {
    const inner = tag.slice(1, -1);
    if (inner === "disabled") out.disabled = true;
    const size = parseSize(inner);
    if (size !== undefined) out.size = size;
  }
  return out;
}
