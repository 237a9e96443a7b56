/**
 * Parsing a topology file (YAML or JSON, same structure; docs/topology-format.md) into a
 * {@link TopologySpec}: syntax, types, unknown keys and value ranges. Structural rules (unique
 * labels, free slots, VF counts, BAR layouts) are checked by `validateTopology`.
 */
import { LineCounter, parseDocument } from "yaml";
import type {
  AcsSpec,
  BarSpec,
  DownstreamPortSpec,
  FunctionSpec,
  HostBridgeSpec,
  HostFunctionSpec,
  LinkSpec,
  LinkSpeed,
  MemoryWindowSpec,
  ModelSpec,
  NodeKind,
  NodeSpec,
  PlatformSpec,
  SriovSpec,
  TopologySpec,
} from "./schema";
import type { Cursor, MapCursor, ReadContext } from "./yaml-reader";
import { KERNEL_MODES } from "../kernel-mode";
import { ACS_BIT_NAMES, LINK_SPEEDS, NODE_KINDS } from "./schema";
import { TopologySpecError } from "./errors";
import { parseSizeText } from "./units";
import { Cursor as CursorImpl, didYouMean } from "./yaml-reader";

const TOP_KEYS = ["name", "description", "kernel", "platform", "cmdline", "hostBridges"] as const;
const PLATFORM_KEYS = ["cpu", "arch", "iommu", "firmware"] as const;
const HOST_BRIDGE_KEYS = ["domain", "rootBus", "busEnd", "numaNode", "busOffset", "memoryWindows", "hostFunction", "children"] as const;
const WINDOW_KEYS = ["base", "size"] as const;
const HOST_FUNCTION_KEYS = ["vendor", "device", "subsystemVendor", "subsystemDevice", "class", "revision", "label"] as const;
/** Keys every function may have. */
export const FUNCTION_KEYS = [
  "vendor",
  "device",
  "subsystemVendor",
  "subsystemDevice",
  "class",
  "revision",
  "bars",
  "link",
  "acs",
  "numaNode",
  "label",
  "model",
  "sriov",
] as const;
const PLACEMENT_KEYS = ["kind", "slot", "function"] as const;
const BAR_KEYS = ["index", "size", "bits", "prefetchable"] as const;
const LINK_KEYS = ["speed", "width", "maxSpeed", "maxWidth"] as const;
const ACS_KEYS = ["cap", "ctl"] as const;
const SRIOV_KEYS = ["totalVFs", "numVFs", "vfDevice", "offset", "stride", "bars"] as const;

const U16 = 0xffff;
const MAX_U64 = (1n << 64n) - 1n;
const SIZE_HINT = "use 4096, 64K, 16M, 1G";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Copies `src` without its undefined properties (exactOptionalPropertyTypes). */
function compact<T extends object>(src: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** Reads a size (`16M`, `4096`, `0x1000`). */
export function readSize(c: Cursor): bigint {
  if (c.isString()) {
    const text = c.string();
    const v = parseSizeText(text);
    if (v === null) c.fail(`${c.show()} is not a size (${SIZE_HINT})`);
    if (v > MAX_U64) c.fail(`${c.show()} is out of range (at most 16E)`);
    return v;
  }
  if (c.isNull() || c.isMap()) c.fail(`expected a size (${SIZE_HINT}), got ${c.show()}`);
  try {
    return c.bigint(0n, MAX_U64, `a size (${SIZE_HINT})`);
  } catch (e) {
    if (e instanceof TopologySpecError && /^expected/.test(e.problem)) c.fail(`${c.show()} is not a size (${SIZE_HINT})`);
    throw e;
  }
}

/** Reads ACS bits: a number or a list of names (`[SV, RR, CR, UF, EC]`). */
function readAcsBits(c: Cursor, max: number): number {
  if (c.isString() && !/^0x[0-9a-f]+$/i.test(c.string())) {
    c.fail(`expected a list of ACS flags (${Object.keys(ACS_BIT_NAMES).join(", ")}) or a number, got ${c.show()}`);
  }
  if (c.isList()) {
    let bits = 0;
    for (const item of c.list("ACS flags")) {
      const name = item.string("an ACS flag name");
      const bit = (ACS_BIT_NAMES as Readonly<Record<string, number>>)[name];
      if (bit === undefined) {
        const near = didYouMean(name.toUpperCase(), Object.keys(ACS_BIT_NAMES));
        return item.fail(`unknown ACS flag "${name}" (${near ? `did you mean "${near}"? ` : ""}flags: ${Object.keys(ACS_BIT_NAMES).join(", ")})`);
      }
      bits |= bit;
    }
    return bits;
  }
  return c.int(0, max, "ACS flags (a list of names or a number)");
}

function readAcs(c: Cursor): AcsSpec | undefined {
  if (c.isNull()) return undefined;
  if (c.isString() && c.string() === "none") return undefined;
  const m = c.map("an ACS capability", ACS_KEYS);
  const cap = readAcsBits(m.need("cap", "the ACS capability bits"), 0x7f);
  const ctl = m.opt("ctl", (x) => readAcsBits(x, 0x7f)) ?? 0;
  return m.remember({ cap, ctl });
}

function readSpeed(c: Cursor): LinkSpeed {
  const v = c.number("a link speed in GT/s");
  if (!(LINK_SPEEDS as readonly number[]).includes(v)) c.fail(`${c.show()} is not a PCIe link speed (GT/s: ${LINK_SPEEDS.join(", ")})`);
  return v as LinkSpeed;
}

function readLink(c: Cursor): LinkSpec {
  const m = c.map("a PCIe link", LINK_KEYS);
  return m.remember(
    compact<LinkSpec>({
      speed: readSpeed(m.need("speed", "current speed in GT/s")),
      width: m.need("width", "current width in lanes").int(1, 32, "a link width"),
      maxSpeed: m.opt("maxSpeed", readSpeed),
      maxWidth: m.opt("maxWidth", (x) => x.int(1, 32, "a link width")),
    }),
  );
}

function readBar(c: Cursor): BarSpec {
  const m = c.map("a BAR", BAR_KEYS);
  const bits = m.opt("bits", (x) => {
    const v = x.int(0, 128, "32 or 64");
    if (v !== 32 && v !== 64) x.fail(`a BAR is 32 or 64 bits wide, not ${v}`);
    return v as 32 | 64;
  });
  return m.remember(
    compact<BarSpec>({
      index: m.need("index", "the BAR number 0-5").int(0, 5, "a BAR index"),
      size: readSize(m.need("size", "the BAR size")),
      bits,
      prefetchable: m.opt("prefetchable", (x) => x.boolean()),
    }),
  );
}

function readBars(c: Cursor): BarSpec[] {
  return c.list("BARs").map(readBar);
}

function readSriov(c: Cursor): SriovSpec {
  const m = c.map("an SR-IOV capability", SRIOV_KEYS);
  return m.remember(
    compact<SriovSpec>({
      totalVFs: m.need("totalVFs", "TotalVFs").int(1, U16),
      numVFs: m.opt("numVFs", (x) => x.int(0, U16)),
      vfDevice: m.need("vfDevice", "the VF device id").int(0, U16, "a device id"),
      offset: m.opt("offset", (x) => x.int(1, U16)),
      stride: m.opt("stride", (x) => x.int(1, U16)),
      bars: m.opt("bars", readBars),
    }),
  );
}

/** Converts a YAML value to plain data for opaque `model:` objects (sizes stay as written). */
function plain(c: Cursor): unknown {
  if (c.isNull()) return null;
  if (c.isMap()) {
    const m = c.map("a model parameter object", null);
    const out: Record<string, unknown> = {};
    for (const k of m.keys()) out[k] = plain(m.get(k)!);
    return m.remember(out);
  }
  if (c.isList()) return c.list("a list").map(plain);
  const v = (c.node as { value?: unknown } | null)?.value;
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (v === undefined) c.fail("anchors and aliases are not supported in topology files");
  return v;
}

function readModel(c: Cursor): ModelSpec {
  if (!c.isMap()) c.fail(`expected a model (a mapping with a "kind"), got ${c.show()}`);
  const model = plain(c) as Record<string, unknown>;
  if (typeof model["kind"] !== "string" || model["kind"] === "") {
    const m = c.map("a model", null);
    (m.get("kind") ?? c).fail(`a model needs a "kind" string (e.g. nvme, rnic, p2pmem)`);
  }
  return model as ModelSpec;
}

function readLabel(c: Cursor): string {
  const s = c.string("a label");
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s)) c.fail(`${c.show()} is not a label (letters, digits, "_", "-", "."; starting with a letter)`);
  return s;
}

/** Reads the function properties of a node mapping. */
function readFunction(m: MapCursor): Mutable<FunctionSpec> {
  return compact<FunctionSpec>({
    vendor: m.opt("vendor", (x) => x.int(0, U16, "a vendor id")),
    device: m.opt("device", (x) => x.int(0, U16, "a device id")),
    subsystemVendor: m.opt("subsystemVendor", (x) => x.int(0, U16, "a vendor id")),
    subsystemDevice: m.opt("subsystemDevice", (x) => x.int(0, U16, "a device id")),
    classCode: m.opt("class", (x) => x.int(0, 0xffffff, "a 24-bit class code")),
    revision: m.opt("revision", (x) => x.int(0, 0xff, "a revision")),
    bars: m.opt("bars", readBars),
    link: m.opt("link", readLink),
    acs: m.opt("acs", readAcs),
    numaNode: m.opt("numaNode", (x) => x.int(-1, 1023, "a NUMA node")),
    label: m.opt("label", readLabel),
    model: m.opt("model", readModel),
    sriov: m.opt("sriov", readSriov),
  }) as Mutable<FunctionSpec>;
}

function readChildren(c: Cursor): NodeSpec[] {
  return c.list("child devices").map(readNode);
}

const NO_CHILDREN: Readonly<Record<string, string>> = { children: "an endpoint has no children; put devices below a port or bridge" };

function readNode(c: Cursor): NodeSpec {
  if (!c.isMap()) c.fail(`expected a device (a mapping with a "kind"), got ${c.show()}`);
  const peek = c.map("a device", null);
  const kindC = peek.need("kind", `one of ${NODE_KINDS.join(", ")}`);
  const kindText = kindC.string("a device kind");
  if (!(NODE_KINDS as readonly string[]).includes(kindText)) {
    const near = didYouMean(kindText, NODE_KINDS);
    kindC.fail(`unknown kind ${kindC.show()} (${near ? `did you mean "${near}"? ` : ""}kinds: ${NODE_KINDS.join(", ")})`);
  }
  const kind = kindText as NodeKind;
  if (kind === "switch") {
    const m = c.map("a switch", [...PLACEMENT_KEYS, "upstream", "downstream"], {
      children: "a switch's devices go below its downstream ports",
      label: "label the upstream or downstream ports",
    });
    const upC = m.need("upstream", "the upstream port");
    const up = upC.map("the switch upstream port", FUNCTION_KEYS, {
      kind: "a switch's upstream is always its upstream port; give only its properties",
      children: "a switch's devices go below its downstream ports",
    });
    const upstream = up.remember(readFunction(up));
    const downstream = m.need("downstream", "the downstream ports").list("downstream ports").map((d): DownstreamPortSpec => {
      const dm = d.map("a switch downstream port", ["slot", ...FUNCTION_KEYS, "children"], {
        kind: "downstream ports have no kind",
      });
      return dm.remember(
        compact<DownstreamPortSpec>({
          ...readFunction(dm),
          slot: dm.opt("slot", (x) => x.int(0, 31, "a slot number")),
          children: dm.opt("children", readChildren),
        }),
      );
    });
    return m.remember(
      compact<NodeSpec>({
        kind,
        slot: m.opt("slot", (x) => x.int(0, 31, "a slot number")),
        function: m.opt("function", (x) => x.int(0, 7, "a function number")),
        upstream,
        downstream,
      }),
    );
  }
  const hasChildren = kind === "root-port" || kind === "pci-bridge";
  const m = c.map(kind === "endpoint" ? "an endpoint" : kind === "rc-endpoint" ? "an rc-endpoint" : `a ${kind}`, [...PLACEMENT_KEYS, ...FUNCTION_KEYS, ...(hasChildren ? ["children"] : [])], hasChildren ? {} : NO_CHILDREN);
  return m.remember(
    compact<NodeSpec>({
      kind,
      slot: m.opt("slot", (x) => x.int(0, 31, "a slot number")),
      function: m.opt("function", (x) => x.int(0, 7, "a function number")),
      ...readFunction(m),
      ...(hasChildren ? { children: m.opt("children", readChildren) } : {}),
    } as NodeSpec),
  );
}

function readHostFunction(c: Cursor): HostFunctionSpec | null {
  if (c.isNull() || (c.isString() && c.string() === "none")) return null;
  const m = c.map("the host-bridge function (or none)", HOST_FUNCTION_KEYS);
  return m.remember(
    compact<HostFunctionSpec>({
      vendor: m.need("vendor", "its vendor id").int(0, U16, "a vendor id"),
      device: m.need("device", "its device id").int(0, U16, "a device id"),
      subsystemVendor: m.opt("subsystemVendor", (x) => x.int(0, U16, "a vendor id")),
      subsystemDevice: m.opt("subsystemDevice", (x) => x.int(0, U16, "a device id")),
      classCode: m.opt("class", (x) => x.int(0, 0xffffff, "a 24-bit class code")),
      revision: m.opt("revision", (x) => x.int(0, 0xff, "a revision")),
      label: m.opt("label", readLabel),
    }),
  );
}

function readWindow(c: Cursor): MemoryWindowSpec {
  const m = c.map("a memory window", WINDOW_KEYS);
  return m.remember({
    base: m.need("base", "CPU address").bigint(0n, MAX_U64, "an address"),
    size: readSize(m.need("size", "window size")),
  });
}

function readHostBridge(c: Cursor): HostBridgeSpec {
  const m = c.map("a host bridge", HOST_BRIDGE_KEYS);
  return m.remember(
    compact<HostBridgeSpec>({
      domain: m.opt("domain", (x) => x.int(0, 0xffff, "a PCI domain")),
      rootBus: m.opt("rootBus", (x) => x.int(0, 0xff, "a bus number")),
      busEnd: m.opt("busEnd", (x) => x.int(0, 0xff, "a bus number")),
      numaNode: m.opt("numaNode", (x) => x.int(-1, 1023, "a NUMA node")),
      busOffset: m.opt("busOffset", (x) => x.bigint(-(1n << 63n), MAX_U64, "an address offset")),
      memoryWindows: m.opt("memoryWindows", (x) => x.list("memory windows").map(readWindow)),
      hostFunction: m.opt("hostFunction", readHostFunction),
      children: m.opt("children", readChildren),
    }),
  );
}

const CPU_TEXT = /^(amd|intel|other):(0x[0-9a-f]+|\d+)$/i;

function readPlatform(c: Cursor): PlatformSpec {
  const m = c.map("the platform", PLATFORM_KEYS);
  const cpu = m.opt("cpu", (x) => {
    const t = x.string("a CPU as VENDOR:FAMILY (amd:0x19, intel:0x6)");
    const mm = CPU_TEXT.exec(t.trim());
    if (!mm) return x.fail(`${x.show()} is not a CPU (use VENDOR:FAMILY such as amd:0x19 or intel:0x6)`);
    const family = Number(BigInt(mm[2]!));
    if (family > 0xfff) x.fail(`CPU family ${mm[2]} is out of range`);
    return { vendor: mm[1]!.toLowerCase() as "amd" | "intel" | "other", family };
  });
  const arch = m.opt("arch", (x) => {
    const a = x.string("an architecture (x86 or other)");
    if (a !== "x86" && a !== "other") return x.fail(`${x.show()} is not an architecture (x86 or other)`);
    return a;
  });
  const firmware = m.opt("firmware", (x) => {
    const f = x.string("a firmware (default or seabios)");
    if (f !== "default" && f !== "seabios") return x.fail(`${x.show()} is not a firmware (default or seabios)`);
    return f;
  });
  return m.remember(compact<PlatformSpec>({ cpu, arch, iommu: m.opt("iommu", (x) => x.boolean()), firmware }));
}

function readCmdline(c: Cursor): string[] {
  if (c.isString()) return c.string().split(/\s+/).filter((s) => s !== "");
  return c.list("kernel command-line arguments").map((x) => x.string("a command-line argument"));
}

/**
 * Parses a topology file (YAML or JSON) into a spec. Throws {@link TopologySpecError} with
 * `source:line:column: path: problem` for anything malformed; structural rules are left to
 * `validateTopology`.
 */
export function parseTopology(text: string, source: string): TopologySpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, intAsBigInt: true, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const p = lines.linePos(err.pos[0]);
    const problem = err.code === "DUPLICATE_KEY" ? "duplicate key (keys must be unique)" : `${doc.errors.length > 0 ? "YAML syntax error: " : ""}${err.message.split("\n")[0]!}`;
    throw new TopologySpecError(source, { line: p.line, column: p.col }, "", problem);
  }
  const ctx: ReadContext = { source, lines, doc };
  const root = new CursorImpl(ctx, doc.contents as never, "", { line: 1, column: 1 });
  if (root.isNull()) root.fail("the document is empty (expected a mapping with hostBridges)");
  const m = root.map("a topology", TOP_KEYS);
  const kernel = m.opt("kernel", (x) => {
    const v = x.isString() ? x.string() : x.number("a kernel mode").toFixed(2);
    if (!(KERNEL_MODES as readonly string[]).includes(v)) x.fail(`${x.show()} is not a kernel mode (${KERNEL_MODES.join(", ")})`);
    return v as (typeof KERNEL_MODES)[number];
  });
  return m.remember(
    compact<TopologySpec>({
      name: m.opt("name", (x) => x.string("a name")),
      description: m.opt("description", (x) => x.string("a description")),
      kernel,
      platform: m.opt("platform", readPlatform),
      cmdline: m.opt("cmdline", readCmdline),
      hostBridges: m.need("hostBridges", "a list of host bridges").list("host bridges").map(readHostBridge),
    }),
  );
}
