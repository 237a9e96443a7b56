/**
 * Driver-level CMB vectors (spec 5.2, 5.3, 5.5, 10 "CMB vectors", 11.4), run through probe of
 * the nvme-pci model against the controller device model, in both kernel modes where they
 * apply. The 6.12 expectations follow drivers/nvme/host/pci.c of 6.12.117 (nvme_map_cmb,
 * nvme_cmb_qdepth, cmb_show / cmbloc_show / cmbsz_show, nvme_pci_attrs_are_visible) and the
 * real-kernel records apps/cli/test/kernel/golden/{cmb-sizes,seed-sysfs}.json.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { KernelMode, ModelSpec, PciFunction } from "@p2pdma/pci-core";
import { buildSystem } from "@p2pdma/pci-core";
import { NVME_REG } from "@p2pdma/nvme-spec";
import type { AttachOptions, CmbOptions, ControllerOptionsInit, NvmeQuirkEntry } from "../src/index";
import { NVME_QUIRK_TABLE, addNvmeQuirk, attachNvme, barBusAddress, cmbAttrText } from "../src/index";
import { Bar0 } from "../src/mmio";
import { M, topology } from "./hw/harness";
import { reference } from "./helpers";

const MODES: readonly KernelMode[] = ["4.20", "6.12"];
/** 4.20 never writes CMBMSC.CRE, so only the 1.3 register scheme is visible to it. */
const SCHEMES: Record<KernelMode, readonly ("1.3" | "1.4")[]> = { "4.20": ["1.3"], "6.12": ["1.3", "1.4"] } as Record<KernelMode, readonly ("1.3" | "1.4")[]>;

type Bits = Partial<Pick<CmbOptions, "sqs" | "cqs" | "lists" | "rds" | "wds" | "szu">>;

function cmb(scheme: "1.3" | "1.4", size: bigint, offset = 0n, bits: Bits = {}): CmbOptions {
  return { scheme, bar: 2, offset, size, sqs: false, cqs: false, lists: false, rds: false, wds: false, ...bits };
}

interface Rig {
  readonly m: ReturnType<typeof attachNvme>;
  readonly pdev: PciFunction;
  readonly fs: ReturnType<typeof attachNvme>["system"]["sysfs"];
  /** The controller bound to nvme0 (throws if probe failed). */
  readonly c: NonNullable<ReturnType<ReturnType<typeof attachNvme>["ctrl"]>>;
  read(path: string): string | null;
  p2p(file: "size" | "available" | "published"): string | null;
  attr(name: "cmb" | "cmbloc" | "cmbsz"): string | null;
  logs(): string[];
}

/**
 * The harness machine (root port -> switch -> nvme0 with BAR 2 of `barSize`), nvme0 alone
 * modelled as an NVMe controller with `ctrl` options, probed by the driver of `kernel`.
 */
function rig(kernel: KernelMode, barSize: bigint, ctrl: ControllerOptionsInit, o: Partial<AttachOptions> = {}, beforeProbe?: () => void): Rig {
  const built = buildSystem(topology(barSize));
  const pdev = built.labels.get("nvme0")!;
  const models = new Map<PciFunction, ModelSpec>([[pdev, { kind: "nvme" } as ModelSpec]]);
  const m = attachNvme(
    { system: built.system, models },
    { kernel, controllerOverrides: (d) => (d === pdev ? { namespaces: [{ nsid: 1, sizeBytes: 1n << 30n }], ...ctrl } : undefined), noDriver: true, ...o },
  );
  beforeProbe?.();
  m.system.registerDriver(m.driver);
  const fs = m.system.sysfs;
  const read = (p: string): string | null => {
    const v = fs.read(p);
    return typeof v === "number" ? null : typeof v === "string" ? v : new TextDecoder().decode(v);
  };
  const c = m.ctrl("nvme0");
  if (!c) throw new Error("nvme0 did not bind");
  return {
    m,
    pdev,
    fs,
    c,
    read,
    p2p: (f) => read(`/bus/pci/devices/${pdev.name}/p2pmem/${f}`),
    attr: (n) => read(`${c.sysfsDir}/${n}`),
    logs: () => m.system.log.all().map((l) => l.text),
  };
}

/** pci_p2pdma_add_resource's log line: 4.20 prints the pgmap resource (%pR), 6.12 the range (%#llx-%#llx). */
function addedLine(kernel: KernelMode, pdev: PciFunction, start: bigint, size: bigint): string {
  const end = start + size - 1n;
  const range = kernel === "4.20" ? `[mem 0x${start.toString(16)}-0x${end.toString(16)} 64bit pref]` : `0x${start.toString(16)}-0x${end.toString(16)}`;
  return `nvme ${pdev.name}: added peer-to-peer DMA memory ${range}`;
}

const cmbLogs = (r: Rig) => r.logs().filter((l) => /CMB|peer-to-peer/.test(l));

afterEach(() => vi.restoreAllMocks());

describe("CMBSZ = 0 -> no CMB (spec 5.2 step 2)", () => {
  for (const kernel of MODES) {
    it(`${kernel}: nothing registered, no p2pmem group, no cmb attributes, no log line`, () => {
      const r = rig(kernel, 16n * M, { cmb: null });
      expect(r.c.cmb.cmbSize).toBe(0n);
      expect(r.c.cmb.cmbsz).toBe(0);
      expect(r.p2p("size")).toBeNull();
      expect(r.fs.list(r.c.sysfsDir)).toEqual([]);
      expect(cmbLogs(r)).toEqual([]);
      expect(r.c.ioqs.every((q) => !q.sqInCmb)).toBe(true);
    });
  }
});

describe("SZU=2 (1 MiB), SZ=16, OFST=0, BAR 16 MiB -> 16 MiB of P2P memory, published iff RDS and WDS", () => {
  for (const kernel of MODES) {
    for (const scheme of SCHEMES[kernel]) {
      for (const rds of [false, true]) {
        for (const wds of [false, true]) {
          it(`${kernel} scheme ${scheme}: RDS=${+rds} WDS=${+wds}`, () => {
            const r = rig(kernel, 16n * M, { cmb: cmb(scheme, 16n * M, 0n, { szu: 2, rds, wds }) });
            expect(r.c.cmb.cmbsz >>> 12).toBe(16); // SZ
            expect((r.c.cmb.cmbsz >>> 8) & 0xf).toBe(2); // SZU
            expect(r.c.cmb.cmbloc >>> 12).toBe(0); // OFST
            expect(r.c.cmb.cmbSize).toBe(16n * M);
            expect(r.p2p("size")).toBe("16777216\n");
            expect(r.p2p("available")).toBe("16777216\n"); // no SQS: no queue in the CMB
            expect(r.p2p("published")).toBe(rds && wds ? "1\n" : "0\n");
            expect(r.c.cmb.published).toBe(rds && wds);
            expect(r.logs()).toContain(addedLine(kernel, r.pdev, r.pdev.resources[2]!.start, 16n * M));
            expect(r.logs().filter((l) => l.includes("failed to register the CMB"))).toEqual([]);
          });
        }
      }
    }
  }
});

describe("OFST*unit > BAR size -> nothing, silently (spec 5.2 step 4)", () => {
  for (const kernel of MODES) {
    for (const scheme of SCHEMES[kernel]) {
      it(`${kernel} scheme ${scheme}: offset 32 MiB in a 16 MiB BAR`, () => {
        const r = rig(kernel, 16n * M, { cmb: cmb(scheme, 2n * M, 32n * M, { szu: 2, rds: true, wds: true, sqs: true }) });
        expect(r.c.cmb.cmbSize).toBe(0n);
        expect(r.c.cmb.cmbUseSqes).toBe(false);
        expect(r.p2p("size")).toBeNull();
        expect(r.fs.list(r.c.sysfsDir)).toEqual([]);
        expect(cmbLogs(r)).toEqual([]);
        expect(r.c.ioqs.every((q) => !q.sqInCmb)).toBe(true);
      });
    }
  }
});

describe("OFST*unit == BAR size -> add_resource rejects it with the warning (spec 5.2 step 4 note)", () => {
  for (const kernel of MODES) {
    for (const scheme of SCHEMES[kernel]) {
      it(`${kernel} scheme ${scheme}: 'failed to register the CMB', no CMB at all`, () => {
        const r = rig(kernel, 16n * M, { cmb: cmb(scheme, 16n * M, 16n * M, { szu: 2, rds: true, wds: true, sqs: true }) });
        expect(r.c.cmb.cmbSize).toBe(0n);
        expect(r.c.cmb.cmbUseSqes).toBe(false);
        expect(r.c.ioqs.every((q) => !q.sqInCmb)).toBe(true);
        expect(r.p2p("size")).toBeNull();
        expect(r.fs.list(r.c.sysfsDir)).toEqual([]); // 6.12: nvme_update_attrs is never reached
        const warn = r.m.system.log.all().filter((l) => l.text.includes("failed to register the CMB"));
        expect(warn.map((l) => [l.level, l.text])).toEqual([["warn", "nvme nvme0: failed to register the CMB"]]);
        if (kernel === "6.12" && scheme === "1.4") {
          // 6.12.117 writes 0 to CMBMSC: the CMB registers read 0 again.
          expect(r.c.bar.readq(NVME_REG.CMBMSC)).toBe(0n);
          expect(r.c.bar.readl(NVME_REG.CMBSZ)).toBe(0);
          expect(r.c.bar.readl(NVME_REG.CMBLOC)).toBe(0);
        }
      });
    }
  }
});

describe("SZ*unit > BAR - offset -> clamped (spec 5.2 step 5)", () => {
  for (const kernel of MODES) {
    for (const scheme of SCHEMES[kernel]) {
      it(`${kernel} scheme ${scheme}: 32 MiB advertised in a 16 MiB BAR -> 16 MiB`, () => {
        const r = rig(kernel, 16n * M, { cmb: cmb(scheme, 32n * M, 0n, { szu: 2, rds: true, wds: true }) });
        expect(r.c.cmb.cmbsz >>> 12).toBe(32);
        expect(r.c.cmb.cmbSize).toBe(16n * M);
        expect(r.p2p("size")).toBe("16777216\n");
        expect(r.p2p("published")).toBe("1\n");
      });
      it(`${kernel} scheme ${scheme}: 16 MiB at offset 4 MiB of a 16 MiB BAR -> 12 MiB`, () => {
        const r = rig(kernel, 16n * M, { cmb: cmb(scheme, 16n * M, 4n * M, { szu: 2, rds: true, wds: true }) });
        expect(r.c.cmb.cmbSize).toBe(12n * M);
        expect(r.p2p("size")).toBe(`${12n * M}\n`);
        expect(r.logs()).toContain(addedLine(kernel, r.pdev, r.pdev.resources[2]!.start + 4n * M, 12n * M));
      });
    }
  }
});

describe("SQ depth shrink through probe (spec 5.3 / 10)", () => {
  // 6.12.117 ignores a 1 MiB CMB (2 MiB alignment); the 4.20 vectors are the spec's, the
  // 6.12 ones the same ratios on a 2 MiB CMB.
  const cases: { kernel: KernelMode; cmbSize: bigint; queues: number; depth: number; inCmb: boolean }[] = [
    { kernel: "4.20", cmbSize: 1n * M, queues: 16, depth: 1024, inCmb: true },
    { kernel: "4.20", cmbSize: 1n * M, queues: 32, depth: 512, inCmb: true },
    { kernel: "4.20", cmbSize: 1n * M, queues: 512, depth: 1024, inCmb: false },
    { kernel: "6.12", cmbSize: 2n * M, queues: 32, depth: 1024, inCmb: true },
    { kernel: "6.12", cmbSize: 2n * M, queues: 64, depth: 512, inCmb: true },
    { kernel: "6.12", cmbSize: 2n * M, queues: 1024, depth: 1024, inCmb: false },
  ];
  for (const t of cases) {
    it(`${t.kernel}: CMB ${t.cmbSize / M} MiB, ${t.queues} I/O queues of 1024 -> depth ${t.depth}, SQs ${t.inCmb ? "in the CMB" : "in host memory"}`, () => {
      const scheme = t.kernel === "4.20" ? "1.3" : "1.4";
      const r = rig(
        t.kernel,
        t.cmbSize,
        { cmb: cmb(scheme, t.cmbSize, 0n, { sqs: true, rds: true, wds: true }), maxIoQueues: t.queues, msixVectors: 0 },
        { params: { nrIoQueues: t.queues } },
      );
      expect(r.c.ioqs).toHaveLength(t.queues);
      expect(r.c.qDepth).toBe(t.depth);
      expect(r.c.ioqs.every((q) => q.depth === t.depth)).toBe(true);
      expect(r.c.ioqs.every((q) => q.sqInCmb === t.inCmb)).toBe(true);
      expect(r.c.cmb.cmbUseSqes).toBe(t.inCmb);
      const used = t.inCmb ? BigInt(t.queues * t.depth * 64) : 0n;
      expect(r.p2p("available")).toBe(`${t.cmbSize - used}\n`);
    });
  }
  it("use_cmb_sqes=0 keeps every SQ in host memory", () => {
    const r = rig("6.12", 2n * M, { cmb: cmb("1.4", 2n * M, 0n, { sqs: true, rds: true, wds: true }) }, { params: { useCmbSqes: false } });
    expect(r.c.cmb.cmbSize).toBe(2n * M);
    expect(r.c.ioqs.map((q) => q.sqInCmb)).toEqual([false]);
    expect(r.p2p("available")).toBe("2097152\n");
  });
  it("no SQS -> no SQs in the CMB even though it is registered", () => {
    const r = rig("6.12", 2n * M, { cmb: cmb("1.4", 2n * M, 0n, { rds: true, wds: true }) });
    expect(r.c.cmb.cmbUseSqes).toBe(false);
    expect(r.c.ioqs.map((q) => q.sqInCmb)).toEqual([false]);
  });
});

describe("6.12 NVMe 1.4 CMBMSC sequence (spec 5.5)", () => {
  function traced(kernel: KernelMode, scheme: "1.3" | "1.4", size: bigint, offset = 0n, barSize = 16n * M) {
    const writes: [number, number][] = [];
    const r = rig(kernel, barSize, { cmb: cmb(scheme, size, offset, { szu: 2, sqs: true, rds: true, wds: true }) }, {}, () => {
      const orig = Bar0.prototype.writel;
      vi.spyOn(Bar0.prototype, "writel").mockImplementation(function (this: Bar0, off: number, v: number) {
        if (off === NVME_REG.CMBMSC || off === NVME_REG.CMBMSC + 4) writes.push([off, v >>> 0]);
        orig.call(this, off, v);
      });
    });
    return { r, writes };
  }
  it("CRE first, then CRE|CMSE|(bus address of the BAR + offset) with hi_lo_writeq", () => {
    const { r, writes } = traced("6.12", "1.4", 8n * M, 4n * M);
    const cba = barBusAddress(r.pdev, 2)! + 4n * M;
    expect(writes).toEqual([
      [NVME_REG.CMBMSC, 1],
      [NVME_REG.CMBMSC + 4, Number(cba >> 32n)],
      [NVME_REG.CMBMSC, Number((cba & 0xffffffffn) | 3n)],
    ]);
    expect(r.c.bar.readq(NVME_REG.CMBMSC)).toBe(cba | 3n);
    expect(r.c.cmb.cmbSize).toBe(8n * M);
  });
  it("the 1.3 scheme (CAP.CMBS clear): no CMBMSC write on success", () => {
    const { r, writes } = traced("6.12", "1.3", 8n * M);
    expect(writes).toEqual([]);
    expect(r.c.cmb.cmbSize).toBe(8n * M);
  });
  it("4.20 never touches CMBMSC (and so never sees a 1.4-scheme CMB)", () => {
    const { r, writes } = traced("4.20", "1.4", 8n * M);
    expect(writes).toEqual([]);
    expect(r.c.cmb.cmbsz).toBe(0);
    expect(r.c.cmb.cmbSize).toBe(0n);
  });
  it("registration failure: CRE, CRE|CMSE|address, then 0 (hi then lo)", () => {
    const { r, writes } = traced("6.12", "1.4", 16n * M, 16n * M);
    const cba = barBusAddress(r.pdev, 2)! + 16n * M;
    expect(writes).toEqual([
      [NVME_REG.CMBMSC, 1],
      [NVME_REG.CMBMSC + 4, Number(cba >> 32n)],
      [NVME_REG.CMBMSC, Number((cba & 0xffffffffn) | 3n)],
      [NVME_REG.CMBMSC + 4, 0],
      [NVME_REG.CMBMSC, 0],
    ]);
    expect(r.logs()).toContain("nvme nvme0: failed to register the CMB");
  });
  it("registration failure with the 1.3 scheme still writes 0 to CMBMSC (unconditional in 6.12.117)", () => {
    const { writes } = traced("6.12", "1.3", 16n * M, 16n * M);
    expect(writes).toEqual([
      [NVME_REG.CMBMSC + 4, 0],
      [NVME_REG.CMBMSC, 0],
    ]);
  });
  it("4.20 registration failure: the warning, no CMBMSC write", () => {
    const { r, writes } = traced("4.20", "1.3", 16n * M, 16n * M);
    expect(writes).toEqual([]);
    expect(r.logs()).toContain("nvme nvme0: failed to register the CMB");
  });
});

describe("6.12.117 memremap_compat_align check (spec 5.5; golden cmb-sizes)", () => {
  for (const scheme of ["1.3", "1.4"] as const) {
    it(`scheme ${scheme}: a 1 MiB CMB is ignored silently: no p2pmem, no cmb/cmbloc/cmbsz, no log line, CMBMSC only CRE`, () => {
      const r = rig("6.12", 1n * M, { cmb: cmb(scheme, 1n * M, 0n, { sqs: true, lists: true, rds: true, wds: true }) });
      expect(r.c.cmb.cmbSize).toBe(0n);
      expect(r.p2p("size")).toBeNull();
      expect(r.attr("cmb")).toBeNull();
      expect(r.attr("cmbloc")).toBeNull();
      expect(r.attr("cmbsz")).toBeNull();
      expect(cmbLogs(r)).toEqual([]);
      expect(r.c.ioqs.map((q) => q.sqInCmb)).toEqual([false]);
      if (scheme === "1.4") expect(r.c.bar.readq(NVME_REG.CMBMSC)).toBe(1n);
    });
  }
  it("4.20 has no alignment check: the same 1 MiB CMB is registered and published", () => {
    const r = rig("4.20", 1n * M, { cmb: cmb("1.3", 1n * M, 0n, { sqs: true, lists: true, rds: true, wds: true }) });
    expect(r.c.cmb.cmbSize).toBe(1n * M);
    expect(r.p2p("published")).toBe("1\n");
    expect(r.p2p("available")).toBe(`${1n * M - 64n * 1024n}\n`);
  });
  it("a clamped size that is not 2 MiB aligned is ignored (3 MiB of a 4 MiB BAR at offset 1 MiB)", () => {
    const r = rig("6.12", 4n * M, { cmb: cmb("1.4", 4n * M, 1n * M, { szu: 2, rds: true, wds: true }) });
    expect(r.c.cmb.cmbSize).toBe(0n);
    expect(cmbLogs(r)).toEqual([]);
  });
  it("the check is on the BAR's start, not the CMB's: 2 MiB at offset 1 MiB passes it and fails in memremap_pages (sub-section alignment) with the warning", () => {
    const r = rig("6.12", 4n * M, { cmb: cmb("1.4", 2n * M, 1n * M, { szu: 2, rds: true, wds: true }) });
    expect(r.c.cmb.cmbSize).toBe(0n);
    expect(r.logs()).toContain("nvme nvme0: failed to register the CMB");
    expect(r.c.bar.readq(NVME_REG.CMBMSC)).toBe(0n);
  });
  it("memremapCompatAlign is a parameter: at 1 MiB the 1 MiB CMB passes nvme_map_cmb's check (and memremap_pages then refuses it)", () => {
    const r = rig("6.12", 1n * M, { cmb: cmb("1.4", 1n * M, 0n, { sqs: true, rds: true, wds: true }) }, { params: { memremapCompatAlign: 1n * M } });
    expect(r.c.cmb.cmbSize).toBe(0n);
    expect(r.logs()).toContain("nvme nvme0: failed to register the CMB");
  });
});

describe("cmb / cmbloc / cmbsz attributes against the real 6.12.117 kernel (golden cmb-sizes)", () => {
  const golden = JSON.parse(readFileSync(resolve(__dirname, "../../../apps/cli/test/kernel/golden/cmb-sizes.json"), "utf8")) as {
    record: { steps: { step: { path?: string }; value?: string; errno?: string }[] };
  };
  const g = (bdf: string, attr: string) => {
    const s = golden.record.steps.find((x) => x.step.path === `/sys/class/nvme/{{ctrl ${bdf}}}/${attr}`)!;
    return s.value ?? s.errno;
  };
  const gp = (bdf: string, f: string) => {
    const s = golden.record.steps.find((x) => x.step.path === `/sys/bus/pci/devices/${bdf}/p2pmem/${f}`)!;
    return s.value ?? s.errno;
  };
  // QEMU's CMB: SQS|LISTS|RDS|WDS, SZU 2 (1 MiB); legacyCmb = the 1.3 scheme.
  const qemu = [
    { bdf: "0000:01:00.0", mib: 1n, scheme: "1.4" as const },
    { bdf: "0000:02:00.0", mib: 2n, scheme: "1.4" as const },
    { bdf: "0000:03:00.0", mib: 64n, scheme: "1.4" as const },
    { bdf: "0000:04:00.0", mib: 128n, scheme: "1.4" as const },
    { bdf: "0000:05:00.0", mib: 1n, scheme: "1.3" as const },
    { bdf: "0000:06:00.0", mib: 2n, scheme: "1.3" as const },
    { bdf: "0000:07:00.0", mib: 64n, scheme: "1.3" as const },
    { bdf: "0000:08:00.0", mib: 128n, scheme: "1.3" as const },
  ];
  for (const q of qemu) {
    it(`${q.bdf}: ${q.mib} MiB CMB, scheme ${q.scheme}`, () => {
      const r = rig("6.12", q.mib * M, { cmb: cmb(q.scheme, q.mib * M, 0n, { szu: 2, sqs: true, lists: true, rds: true, wds: true }) });
      for (const f of ["size", "available", "published"] as const) expect(r.p2p(f) ?? "ENOENT").toBe(gp(q.bdf, f));
      const gcmb = g(q.bdf, "cmb")!;
      if (gcmb === "ENOENT") {
        expect(r.attr("cmb")).toBeNull();
        expect(r.attr("cmbloc")).toBeNull();
        expect(r.attr("cmbsz")).toBeNull();
        return;
      }
      // CMBSZ as QEMU reports it; CMBLOC's BIR (QEMU also sets CMBLOC bits 5-6, which the model does not).
      const [, loc, sz] = /^cmbloc : x([0-9a-f]{8})\ncmbsz {2}: x([0-9a-f]{8})\n$/.exec(gcmb)!;
      expect(r.c.cmb.cmbsz).toBe(parseInt(sz!, 16));
      expect(r.c.cmb.cmbloc & 7).toBe(parseInt(loc!, 16) & 7);
      expect(r.attr("cmbsz")).toBe(g(q.bdf, "cmbsz"));
      expect(r.attr("cmb")).toBe(`cmbloc : x${r.c.cmb.cmbloc.toString(16).padStart(8, "0")}\ncmbsz  : x${sz}\n`);
      expect(r.attr("cmbloc")).toBe(`${r.c.cmb.cmbloc}\n`);
    });
  }
  it("the golden register values render byte-exact (cmb_show / cmbloc_show / cmbsz_show)", () => {
    const s = { cmbsz: 0x0000221d, cmbloc: 0x62, cmbSize: 2n * M, cmbUseSqes: true, attrs: true, pseudoBar: null, published: true };
    expect(cmbAttrText(s)).toBe(g("0000:02:00.0", "cmb"));
    expect(cmbAttrText({ ...s, cmbsz: 0x0008021d })).toBe(g("0000:04:00.0", "cmb"));
  });
  it("4.20 has only `cmb` (no decimal attributes)", () => {
    const r = rig("4.20", 2n * M, { cmb: cmb("1.3", 2n * M, 0n, { szu: 2, sqs: true, lists: true, rds: true, wds: true }) });
    expect(r.fs.list(r.c.sysfsDir)).toEqual(["cmb"]);
    expect(r.attr("cmb")).toBe(`cmbloc : x00000002\ncmbsz  : x0000221d\n`);
  });
  it("6.12 reference machine: decimal cmbloc/cmbsz agree with the hex `cmb` text", () => {
    const m = reference();
    const c = m.ctrl("nvme0")!;
    const fs = m.system.sysfs;
    const [, loc, sz] = /^cmbloc : x([0-9a-f]{8})\ncmbsz {2}: x([0-9a-f]{8})\n$/.exec(String(fs.read(`${c.sysfsDir}/cmb`)))!;
    expect(fs.read(`${c.sysfsDir}/cmbloc`)).toBe(`${parseInt(loc!, 16)}\n`);
    expect(fs.read(`${c.sysfsDir}/cmbsz`)).toBe(`${parseInt(sz!, 16)}\n`);
  });
});

describe("pseudo-CMB quirk (spec 11.4)", () => {
  const quirk: NvmeQuirkEntry = { vendor: 0x1de5, device: 0x2000, quirks: { pseudoCmbBar: 2 }, note: "test" };
  for (const kernel of MODES) {
    it(`${kernel}: CMBSZ 0 + a plain 16 MiB memory BAR in the table -> whole BAR registered, published, no SQs, pseudo in 'cmb'`, () => {
      const r = rig(kernel, 16n * M, { cmb: null, memoryBars: [{ bar: 2, size: 16n * M }] }, { quirkTable: [quirk] });
      expect(r.c.cmb.cmbsz).toBe(0);
      expect(r.c.cmb.cmbSize).toBe(16n * M);
      expect(r.c.cmb.pseudoBar).toBe(2);
      expect(r.c.cmb.cmbUseSqes).toBe(false);
      expect(r.c.ioqs.map((q) => q.sqInCmb)).toEqual([false]);
      expect(r.p2p("size")).toBe("16777216\n");
      expect(r.p2p("available")).toBe("16777216\n");
      expect(r.p2p("published")).toBe("1\n");
      const text = r.attr("cmb")!;
      expect(text.startsWith("cmbloc : x00000000\ncmbsz  : x00000000\n")).toBe(true);
      expect(text).toMatch(/pseudo/);
      expect(text).toContain("BAR 2");
    });
    it(`${kernel}: the same device without the quirk entry has no CMB`, () => {
      const r = rig(kernel, 16n * M, { cmb: null, memoryBars: [{ bar: 2, size: 16n * M }] }, { quirkTable: [] });
      expect(r.c.cmb.cmbSize).toBe(0n);
      expect(r.p2p("size")).toBeNull();
      expect(r.fs.list(r.c.sysfsDir)).toEqual([]);
    });
    it(`${kernel}: a real CMB wins over the quirk (CMBSZ non-zero)`, () => {
      const scheme = kernel === "4.20" ? "1.3" : "1.4";
      const r = rig(kernel, 16n * M, { cmb: cmb(scheme, 16n * M, 0n, { szu: 2, sqs: true, rds: true, wds: false }) }, { quirkTable: [quirk] });
      expect(r.c.cmb.pseudoBar).toBeNull();
      expect(r.p2p("published")).toBe("0\n");
      expect(r.c.ioqs.map((q) => q.sqInCmb)).toEqual([true]);
      expect(r.attr("cmb")).not.toMatch(/pseudo/);
    });
  }
  it("the table is user-extendable: addNvmeQuirk applies to the default table", () => {
    const before = NVME_QUIRK_TABLE.length;
    addNvmeQuirk(quirk);
    try {
      const r = rig("6.12", 16n * M, { cmb: null, memoryBars: [{ bar: 2, size: 16n * M }] });
      expect(r.c.cmb.pseudoBar).toBe(2);
      expect(r.p2p("published")).toBe("1\n");
    } finally {
      NVME_QUIRK_TABLE.splice(before);
    }
  });
  it("the built-in entry is the seed's Eideticom NoLoad p2pmem BAR 4", () => {
    expect(NVME_QUIRK_TABLE.find((e) => e.vendor === 0x1de5 && e.device === 0x1000)?.quirks.pseudoCmbBar).toBe(4);
  });
});
