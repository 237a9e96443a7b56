/**
 * Configuration of the NVMe controller model: readonly, validated once by
 * {@link resolveControllerOptions} (style.md "Options apart from state"). Defaults follow
 * NVMe 1.4 and, for timing, hardware-figures.md §2.4 (Intel DC P3700 row: 2,800 / 2,000 MB/s
 * sequential, 460 K / 175 K 4 KiB random IOPS, 20 µs QD1 latency).
 */
import type { ModelSpec } from "@p2pdma/pci-core";
import { parseSizeText } from "@p2pdma/pci-core";
import { CMBSZ_SZU_MAX, NVME_VERSION, cmbSizeUnit } from "@p2pdma/nvme-spec";
import { NvmeModelError } from "./errors";

/** Where a namespace's blocks live. */
export type MediaBackendOptions =
  | { readonly kind: "memory" }
  /** A file (created sparse when missing); data survives a new controller over the same path. */
  | { readonly kind: "file"; readonly path: string };

/** One namespace (NVMe 1.4 §5.15.2.1 Identify Namespace). */
export interface NamespaceOptions {
  /** Namespace ID, 1..NN. */
  readonly nsid: number;
  /** Capacity in bytes (a multiple of the LBA size). */
  readonly sizeBytes: bigint;
  /** Logical block size: 512 or 4096 (LBAF0.LBADS 9 or 12). Default 512. */
  readonly lbaSize?: 512 | 4096;
  /** Default memory. */
  readonly backend?: MediaBackendOptions;
}

/** Controller Memory Buffer (NVMe 1.4 §3.1.11-12, §3.1.16-17, §8.7). */
export interface CmbOptions {
  /** "1.3": CMBLOC/CMBSZ always readable; "1.4": CAP.CMBS with the CMBMSC enable sequence. */
  readonly scheme: "1.3" | "1.4";
  /** BAR holding the CMB (CMBLOC.BIR): 2 or 4, a 64-bit memory BAR of its own. */
  readonly bar: number;
  /** Offset in the BAR, bytes, a multiple of the size unit (CMBLOC.OFST). */
  readonly offset: bigint;
  /** Size advertised in CMBSZ.SZ, bytes, a multiple of the size unit; may exceed the BAR (driver clamps). */
  readonly size: bigint;
  /** CMBSZ.SZU; default the largest unit dividing size and offset. */
  readonly szu?: number;
  readonly sqs: boolean;
  readonly cqs: boolean;
  readonly lists: boolean;
  readonly rds: boolean;
  readonly wds: boolean;
  /**
   * CMBLOC support bits (NVMe 1.4 §3.1.11): which mixed/independent placements the controller
   * accepts. Reported as set; QEMU's nvme sets CDPMLS and CDPCILS (CMBLOC 0x60 | BIR).
   */
  readonly locFlags?: Readonly<Partial<Record<"cqmms" | "cqpds" | "cdpmls" | "cdpcils" | "cdmmms" | "cqda", boolean>>>;
}

/** Latency and bandwidth used to schedule completions on the virtual clock. */
export interface TimingOptions {
  /** Fixed latency of a read command, ns. Default 20 000 (P3700 QD1, hardware-figures §2.4). */
  readonly readLatencyNs: number;
  /** Fixed latency of a write command, ns. Default 20 000 (same row). */
  readonly writeLatencyNs: number;
  /** Latency of admin commands and of non-data I/O (Flush with a clean cache, DSM), ns. Default 2 000. */
  readonly adminLatencyNs: number;
  /** Sequential read bandwidth, bytes per ns (= GB/s). Default 2.8. */
  readonly readBytesPerNs: number;
  /** Sequential write bandwidth, bytes per ns. Default 2.0. */
  readonly writeBytesPerNs: number;
  /** Random 4 KiB read IOPS ceiling. Default 460 000. */
  readonly readIops: number;
  /** Random 4 KiB write IOPS ceiling. Default 175 000. */
  readonly writeIops: number;
  /** CC.EN 0->1 until CSTS.RDY = 1, ns. Default 1 ms. */
  readonly enableNs: number;
  /** CC.EN 1->0 until CSTS.RDY = 0, ns. Default 100 µs. */
  readonly disableNs: number;
  /** CC.SHN until CSTS.SHST = complete, ns. Default 1 ms. */
  readonly shutdownNs: number;
}

/** Everything that configures one controller; see {@link resolveControllerOptions} for defaults. */
export interface ControllerOptions {
  readonly vendor: number;
  readonly device: number;
  readonly subsystemVendor: number;
  readonly subsystemDevice: number;
  readonly serial: string;
  readonly modelNumber: string;
  readonly firmware: string;
  /** VS register: NVME_VERSION.V1_3 or V1_4 (default 1.4). */
  readonly version: number;
  /** Controller ID reported in Identify Controller. */
  readonly cntlid: number;
  readonly namespaces: readonly NamespaceOptions[];
  /** NN: highest namespace ID (default the largest configured NSID). */
  readonly maxNamespaces: number;
  /** I/O SQ/CQ pairs supported (Number of Queues feature ceiling), 1..65535. */
  readonly maxIoQueues: number;
  /** Largest queue in entries (CAP.MQES + 1), 2..65536. */
  readonly maxQueueEntries: number;
  /** Maximum Data Transfer Size as log2 of CAP.MPSMIN pages; 0 = no limit. Default 5 (128 KiB). */
  readonly mdts: number;
  /** CAP.DSTRD. */
  readonly doorbellStride: number;
  /** CAP.TO in 500 ms units. */
  readonly timeout: number;
  readonly mpsMin: number;
  readonly mpsMax: number;
  /** CAP.AMS bit 17: weighted round robin with urgent class. */
  readonly wrr: boolean;
  /** CAP.NSSRS. */
  readonly nssr: boolean;
  /** SGLs supported for I/O commands (Identify SGLS bits 1:0 = 01b), with bit bucket. */
  readonly sgl: boolean;
  /** A volatile write cache is present (Identify VWC bit 0). */
  readonly volatileWriteCache: boolean;
  /** Initial Feature 06h WCE. */
  readonly writeCacheEnabled: boolean;
  /** Bytes the volatile cache holds before it writes back the oldest pages. */
  readonly writeCacheBytes: number;
  /** AERL + 1: outstanding Asynchronous Event Requests allowed. */
  readonly asyncEventLimit: number;
  /** ACL + 1: outstanding Abort commands allowed. */
  readonly abortLimit: number;
  /** Error Information log entries kept (ELPE + 1). */
  readonly errorLogEntries: number;
  readonly cmb: CmbOptions | null;
  /** Plain memory BARs without CMB registers (the "pseudo CMB" quirk of spec 11.4). */
  readonly memoryBars: readonly { readonly bar: number; readonly size: bigint }[];
  /** MSI-X table entries; 0 = no MSI-X capability (INTx/MSI-style single vector). */
  readonly msixVectors: number;
  /** BAR0 size: registers, doorbells and the MSI-X table/PBA. */
  readonly bar0Size: bigint;
  readonly timing: TimingOptions;
}

/** What callers may pass: any subset, with namespaces and nested objects partial too. */
export type ControllerOptionsInit = Partial<Omit<ControllerOptions, "timing" | "cmb">> & {
  readonly timing?: Partial<TimingOptions>;
  readonly cmb?: CmbOptions | null;
};

/** Default timing (hardware-figures.md §2.4, Intel DC P3700 row). */
export const DEFAULT_TIMING: TimingOptions = {
  readLatencyNs: 20_000,
  writeLatencyNs: 20_000,
  adminLatencyNs: 2_000,
  readBytesPerNs: 2.8,
  writeBytesPerNs: 2.0,
  readIops: 460_000,
  writeIops: 175_000,
  enableNs: 1_000_000,
  disableNs: 100_000,
  shutdownNs: 1_000_000,
};

const GIB = 1n << 30n;

/** Defaults: a 1.4 controller, one 1 GiB namespace of 512-byte blocks, 64 I/O queue pairs of 1024 entries. */
export const DEFAULT_CONTROLLER_OPTIONS: ControllerOptions = {
  vendor: 0x1b36,
  device: 0x0010,
  subsystemVendor: 0x1af4,
  subsystemDevice: 0x1100,
  serial: "P2PDMA0001",
  modelNumber: "p2pdma NVMe controller model",
  firmware: "1.0",
  version: NVME_VERSION.V1_4,
  cntlid: 1,
  namespaces: [{ nsid: 1, sizeBytes: GIB }],
  maxNamespaces: 1,
  maxIoQueues: 64,
  maxQueueEntries: 1024,
  mdts: 5,
  doorbellStride: 0,
  timeout: 20,
  mpsMin: 0,
  mpsMax: 4,
  wrr: false,
  nssr: true,
  sgl: true,
  volatileWriteCache: true,
  writeCacheEnabled: true,
  writeCacheBytes: 64 << 20,
  asyncEventLimit: 4,
  abortLimit: 4,
  errorLogEntries: 64,
  cmb: null,
  memoryBars: [],
  msixVectors: 0,
  bar0Size: 0x4000n,
  timing: DEFAULT_TIMING,
};

function fail(message: string): never {
  throw new NvmeModelError("EOPTIONS", message);
}

function intIn(name: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) fail(`${name} must be an integer in [${lo}, ${hi}], not ${v}`);
}

function isPow2(v: bigint): boolean {
  return v > 0n && (v & (v - 1n)) === 0n;
}

/** The largest CMBSZ.SZU whose unit divides both size and offset (and leaves SZ/OFST in 20 bits). */
export function pickSizeUnit(size: bigint, offset: bigint): number | null {
  for (let szu = CMBSZ_SZU_MAX; szu >= 0; szu--) {
    const unit = cmbSizeUnit(szu);
    if (size % unit === 0n && offset % unit === 0n && size / unit <= 0xfffffn && offset / unit <= 0xfffffn) return szu;
  }
  return null;
}

/**
 * Fills defaults and validates. Throws {@link NvmeModelError} `EOPTIONS` for a configuration
 * real hardware could not have (a queue limit above 65536, a CMB in BAR0, a namespace size
 * that is not a multiple of its LBA size, duplicate NSIDs, ...).
 */
export function resolveControllerOptions(init: ControllerOptionsInit = {}): ControllerOptions {
  const d = DEFAULT_CONTROLLER_OPTIONS;
  const namespaces = init.namespaces ?? d.namespaces;
  const o: ControllerOptions = {
    ...d,
    ...init,
    namespaces,
    maxNamespaces: init.maxNamespaces ?? Math.max(1, ...namespaces.map((n) => n.nsid)),
    cmb: init.cmb ?? null,
    timing: { ...DEFAULT_TIMING, ...(init.timing ?? {}) },
  };
  intIn("vendor", o.vendor, 0, 0xffff);
  intIn("device", o.device, 0, 0xffff);
  intIn("subsystemVendor", o.subsystemVendor, 0, 0xffff);
  intIn("subsystemDevice", o.subsystemDevice, 0, 0xffff);
  intIn("cntlid", o.cntlid, 0, 0xffef);
  intIn("maxIoQueues", o.maxIoQueues, 1, 0xffff);
  intIn("maxQueueEntries", o.maxQueueEntries, 2, 0x10000);
  intIn("mdts", o.mdts, 0, 20);
  intIn("doorbellStride", o.doorbellStride, 0, 15);
  intIn("timeout", o.timeout, 1, 255);
  intIn("mpsMin", o.mpsMin, 0, 15);
  intIn("mpsMax", o.mpsMax, o.mpsMin, 15);
  intIn("asyncEventLimit", o.asyncEventLimit, 1, 256);
  intIn("abortLimit", o.abortLimit, 1, 256);
  intIn("errorLogEntries", o.errorLogEntries, 1, 256);
  intIn("msixVectors", o.msixVectors, 0, 2048);
  intIn("writeCacheBytes", o.writeCacheBytes, 4096, 2 ** 40);
  if (o.version !== NVME_VERSION.V1_2 && o.version !== NVME_VERSION.V1_3 && o.version !== NVME_VERSION.V1_4) {
    fail(`version must be 1.2, 1.3 or 1.4 (0x${o.version.toString(16)})`);
  }
  intIn("maxNamespaces", o.maxNamespaces, 1, 1024);
  const seen = new Set<number>();
  for (const ns of namespaces) {
    intIn("namespace nsid", ns.nsid, 1, o.maxNamespaces);
    if (seen.has(ns.nsid)) fail(`namespace ${ns.nsid} declared twice`);
    seen.add(ns.nsid);
    const lba = BigInt(ns.lbaSize ?? 512);
    if (lba !== 512n && lba !== 4096n) fail(`namespace ${ns.nsid}: lbaSize must be 512 or 4096`);
    if (ns.sizeBytes <= 0n || ns.sizeBytes % lba !== 0n) fail(`namespace ${ns.nsid}: size ${ns.sizeBytes} is not a positive multiple of ${lba}`);
  }
  if (!isPow2(o.bar0Size) || o.bar0Size < 0x2000n) fail(`bar0Size must be a power of two of at least 8 KiB`);
  const dbEnd = 0x1000 + 2 * (o.maxIoQueues + 1) * (4 << o.doorbellStride);
  const regLimit = o.msixVectors > 0 ? Number(o.bar0Size) / 2 : Number(o.bar0Size);
  if (dbEnd > regLimit) fail(`doorbells of ${o.maxIoQueues} queues end at 0x${dbEnd.toString(16)}, beyond BAR0's register space`);
  if (o.msixVectors > 0 && o.msixVectors * 16 > Number(o.bar0Size) / 4) fail(`MSI-X table of ${o.msixVectors} vectors does not fit BAR0`);
  const used = new Set<number>([0, 1]);
  const claimBar = (bar: number, what: string): void => {
    if (![2, 4].includes(bar)) fail(`${what}: BAR ${bar} must be 2 or 4 (a 64-bit BAR apart from the registers)`);
    if (used.has(bar)) fail(`${what}: BAR ${bar} already used`);
    used.add(bar);
    used.add(bar + 1);
  };
  if (o.cmb) {
    const c = o.cmb;
    claimBar(c.bar, "cmb");
    if (c.scheme !== "1.3" && c.scheme !== "1.4") fail(`cmb.scheme must be "1.3" or "1.4"`);
    if (c.scheme === "1.4" && o.version < NVME_VERSION.V1_4) fail(`the 1.4 CMB scheme needs version 1.4`);
    if (c.size <= 0n || c.offset < 0n) fail(`cmb size must be positive and offset not negative`);
    const szu = c.szu ?? pickSizeUnit(c.size, c.offset);
    if (szu === null) fail(`cmb size ${c.size} / offset ${c.offset} have no common size unit`);
    intIn("cmb.szu", szu, 0, CMBSZ_SZU_MAX);
    const unit = cmbSizeUnit(szu);
    if (c.size % unit !== 0n || c.offset % unit !== 0n) fail(`cmb size and offset must be multiples of ${unit}`);
    if (c.size / unit > 0xfffffn || c.offset / unit > 0xfffffn) fail(`cmb size or offset too large for SZU ${szu}`);
  }
  for (const m of o.memoryBars) {
    claimBar(m.bar, "memoryBars");
    if (!isPow2(m.size) || m.size < 4096n) fail(`memory BAR ${m.bar}: size must be a power of two >= 4 KiB`);
  }
  const t = o.timing;
  for (const [k, v] of Object.entries(t)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) fail(`timing.${k} must be a finite number >= 0`);
  }
  if (t.readBytesPerNs <= 0 || t.writeBytesPerNs <= 0 || t.readIops <= 0 || t.writeIops <= 0) fail(`timing bandwidths and IOPS must be positive`);
  return o;
}

function sizeOf(v: unknown, what: string): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string") {
    const s = parseSizeText(v);
    if (s !== null) return s;
  }
  return fail(`${what}: not a size (${String(v)})`);
}

function boolOf(v: unknown, dflt: boolean): boolean {
  return typeof v === "boolean" ? v : dflt;
}

/**
 * Options from a topology file's `model:` entry (`{kind: nvme, cmb: {bar, offset, size, sqs,
 * cqs, lists, rds, wds, scheme?}, namespaces: [{nsid, size, lbaSize?}], ...}`), with identity
 * from the PCI function. Unknown keys are ignored; bad values throw `EOPTIONS`.
 */
export function controllerOptionsFromModel(
  model: ModelSpec,
  ids: { readonly vendor: number; readonly device: number; readonly subsystemVendor?: number; readonly subsystemDevice?: number },
  overrides: ControllerOptionsInit = {},
): ControllerOptions {
  if (model.kind !== "nvme") fail(`model kind ${model.kind} is not nvme`);
  const nsList = Array.isArray(model["namespaces"]) ? (model["namespaces"] as unknown[]) : [{ nsid: 1, size: "1G" }];
  const namespaces: NamespaceOptions[] = nsList.map((raw, i) => {
    const n = (raw ?? {}) as Record<string, unknown>;
    const lba = n["lbaSize"] ?? n["lba"];
    return {
      nsid: typeof n["nsid"] === "number" ? n["nsid"] : i + 1,
      sizeBytes: sizeOf(n["size"] ?? "1G", `namespaces[${i}].size`),
      ...(lba === 512 || lba === 4096 ? { lbaSize: lba } : {}),
    };
  });
  const c = model["cmb"] as Record<string, unknown> | undefined;
  const cmb: CmbOptions | null =
    c === undefined || c === null
      ? null
      : {
          scheme: c["scheme"] === "1.3" || c["scheme"] === 1.3 ? "1.3" : "1.4",
          bar: typeof c["bar"] === "number" ? c["bar"] : 2,
          offset: sizeOf(c["offset"] ?? 0, "cmb.offset"),
          size: sizeOf(c["size"], "cmb.size"),
          sqs: boolOf(c["sqs"], false),
          cqs: boolOf(c["cqs"], false),
          lists: boolOf(c["lists"], false),
          rds: boolOf(c["rds"], false),
          wds: boolOf(c["wds"], false),
          ...(typeof c["szu"] === "number" ? { szu: c["szu"] } : {}),
          locFlags: {
            cqmms: boolOf(c["cqmms"], false),
            cqpds: boolOf(c["cqpds"], false),
            cdpmls: boolOf(c["cdpmls"], false),
            cdpcils: boolOf(c["cdpcils"], false),
            cdmmms: boolOf(c["cdmmms"], false),
            cqda: boolOf(c["cqda"], false),
          },
        };
  const mb = model["memoryBar"] as Record<string, unknown> | undefined;
  return resolveControllerOptions({
    vendor: ids.vendor,
    device: ids.device,
    ...(ids.subsystemVendor !== undefined ? { subsystemVendor: ids.subsystemVendor } : {}),
    ...(ids.subsystemDevice !== undefined ? { subsystemDevice: ids.subsystemDevice } : {}),
    namespaces,
    cmb,
    ...(mb ? { memoryBars: [{ bar: typeof mb["bar"] === "number" ? mb["bar"] : 2, size: sizeOf(mb["size"], "memoryBar.size") }] } : {}),
    ...(typeof model["version"] === "string" && model["version"] === "1.3" ? { version: NVME_VERSION.V1_3 } : {}),
    ...overrides,
  });
}
