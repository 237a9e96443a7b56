/**
 * Builds test machines directly with PciSystem.addHostBridge/addFunction and hand-made config
 * spaces (header, a PCIe capability at 0x40 with the port type, an ACS extended capability at
 * 0x100), so the p2pdma tests do not depend on the topology file format.
 */
import type { HostBridge, PciBus, PciFunction, Platform, UnknownFact } from "@p2pdma/pci-core";
import {
  ConfigSpace,
  IORESOURCE_MEM,
  IORESOURCE_MEM_64,
  IORESOURCE_PREFETCH,
  PCI_ACS_CR,
  PCI_ACS_RR,
  PCI_EXP_TYPE,
  PciSystem,
} from "@p2pdma/pci-core";

export type Kind = "host" | "rp" | "usp" | "dsp" | "ep" | "rcep" | "pcibridge";

export interface FnSpec {
  readonly kind: Kind;
  readonly vendor?: number;
  readonly device?: number;
  readonly classCode?: number;
  /** ACS control value (omitted: no ACS capability). */
  readonly acsCtl?: number;
  readonly acsUnknown?: boolean;
  readonly idsUnknown?: boolean;
  readonly bars?: readonly { index: number; size: bigint; start: bigint; io?: boolean; prefetch?: boolean }[];
  readonly physfn?: PciFunction;
  readonly label?: string;
}

export const RR_CR = PCI_ACS_RR | PCI_ACS_CR;

const TYPE: Record<Kind, number | null> = {
  host: null,
  rp: PCI_EXP_TYPE.ROOT_PORT,
  usp: PCI_EXP_TYPE.UPSTREAM,
  dsp: PCI_EXP_TYPE.DOWNSTREAM,
  ep: PCI_EXP_TYPE.ENDPOINT,
  rcep: PCI_EXP_TYPE.RC_END,
  pcibridge: PCI_EXP_TYPE.PCI_BRIDGE,
};

export class TopoBuilder {
  readonly system: PciSystem;
  private nextBus = new Map<HostBridge, number>();

  constructor(platform: Platform = { cpuVendor: "intel", cpuFamily: 6, arch: "x86" }) {
    this.system = new PciSystem(platform);
  }

  hostBridge(init: { domain?: number; bus?: number; busOffset?: bigint; numaNode?: number } = {}): HostBridge {
    const hb = this.system.addHostBridge({
      domain: init.domain ?? 0,
      rootBus: init.bus ?? 0,
      ...(init.busOffset !== undefined ? { busOffset: init.busOffset } : {}),
      ...(init.numaNode !== undefined ? { numaNode: init.numaNode } : {}),
    });
    this.nextBus.set(hb, (init.bus ?? 0) + 1);
    return hb;
  }

  fn(bus: PciBus, slot: number, func: number, spec: FnSpec): PciFunction {
    const cs = new ConfigSpace(4096);
    const bridge = spec.kind === "rp" || spec.kind === "usp" || spec.kind === "dsp" || spec.kind === "pcibridge";
    cs.init(0x00, 2, spec.vendor ?? 0x1234);
    cs.init(0x02, 2, spec.device ?? 0x5678);
    const cls = spec.classCode ?? (spec.kind === "host" ? 0x060000 : bridge ? 0x060400 : 0x010802);
    cs.init(0x08, 4, (cls << 8) >>> 0);
    cs.init(0x0e, 1, bridge ? 1 : 0);
    const t = TYPE[spec.kind];
    if (t !== null) {
      cs.init(0x06, 2, 0x0010);
      cs.init(0x34, 1, 0x40);
      cs.init(0x40, 2, 0x0010);
      cs.init(0x42, 2, (t << 4) | 2);
      if (spec.acsCtl !== undefined) {
        cs.init(0x100, 4, 0x0001000d); // ACS, version 1, end of list
        cs.init(0x104, 2, 0x007f);
        cs.init(0x106, 2, spec.acsCtl);
        cs.setAccess(0x106, 2, { rw: 0x7f });
      }
    }
    if (bridge) {
      const hb = bus.hostBridge;
      const sec = this.nextBus.get(hb)!;
      this.nextBus.set(hb, sec + 1);
      cs.init(0x18, 1, bus.number);
      cs.init(0x19, 1, sec);
      cs.init(0x1a, 1, 0xff);
    }
    const unknown: UnknownFact[] = [];
    if (spec.acsUnknown) unknown.push("acs");
    if (spec.idsUnknown) unknown.push("ids");
    const dev = this.system.addFunction({
      bus,
      devfn: (slot << 3) | func,
      config: cs,
      unknown,
      ...(spec.physfn ? { physfn: spec.physfn } : {}),
      ...(spec.label ? { label: spec.label } : {}),
      autoBind: false,
    });
    for (const b of spec.bars ?? []) {
      const r = dev.resources[b.index]!;
      r.start = b.start;
      r.end = b.start + b.size - 1n;
      r.flags = b.io ? 0x100 : IORESOURCE_MEM | IORESOURCE_MEM_64 | (b.prefetch ? IORESOURCE_PREFETCH : 0);
    }
    return dev;
  }

  /** The bus below a bridge. */
  below(bridge: PciFunction): PciBus {
    if (!bridge.subordinate) throw new Error(`${bridge.name} has no subordinate bus`);
    return bridge.subordinate;
  }
}

/**
 * The seed's machine: host bridge 00:00.0 (id given), root port 00:01.0 with a switch
 * (USP 01:00.0, DSPs 02:00.0..02:03.0) holding nic (03:00.0), ssd with CMB (04:00.0), ssd2
 * (05:00.0), p2pmem card (06:00.0); a second root port 00:02.0 with an endpoint (07:00.0).
 */
export function seedMachine(opts: { hostId?: number; platform?: Platform; dspAcs?: number; busOffset?: bigint } = {}) {
  const t = new TopoBuilder(opts.platform);
  const hb = t.hostBridge(opts.busOffset !== undefined ? { busOffset: opts.busOffset } : {});
  const host = t.fn(hb.bus, 0, 0, { kind: "host", vendor: 0x8086, device: opts.hostId ?? 0x29c0 });
  const rp1 = t.fn(hb.bus, 1, 0, { kind: "rp", vendor: 0x8086, device: 0x2030, acsCtl: 0 });
  const usp = t.fn(t.below(rp1), 0, 0, { kind: "usp", vendor: 0x10b5, device: 0x8796 });
  const sw = t.below(usp);
  const dspAcs = opts.dspAcs ?? 0;
  const dsp = [0, 1, 2, 3].map((s) => t.fn(sw, s, 0, { kind: "dsp", vendor: 0x10b5, device: 0x8796, acsCtl: dspAcs }));
  const nic = t.fn(t.below(dsp[0]!), 0, 0, { kind: "ep", vendor: 0x15b3, device: 0x1017, classCode: 0x020000, bars: [{ index: 0, size: 32n << 20n, start: 0xe0000000n }] });
  const ssd = t.fn(t.below(dsp[1]!), 0, 0, {
    kind: "ep",
    vendor: 0x1de5,
    device: 0x2000,
    bars: [
      { index: 0, size: 16n << 10n, start: 0xe2000000n },
      { index: 2, size: 64n << 20n, start: 0x4000000000n, prefetch: true },
    ],
  });
  const ssd2 = t.fn(t.below(dsp[2]!), 0, 0, { kind: "ep", vendor: 0x8086, device: 0x0a54, bars: [{ index: 0, size: 16n << 10n, start: 0xe2100000n }] });
  const card = t.fn(t.below(dsp[3]!), 0, 0, {
    kind: "ep",
    vendor: 0x1de5,
    device: 0x1000,
    classCode: 0x058000,
    bars: [
      { index: 0, size: 16n << 10n, start: 0xe2200000n },
      { index: 4, size: 1n << 30n, start: 0x4040000000n, prefetch: true },
    ],
  });
  const rp2 = t.fn(hb.bus, 2, 0, { kind: "rp", vendor: 0x8086, device: 0x2031, acsCtl: 0 });
  const other = t.fn(t.below(rp2), 0, 0, {
    kind: "ep",
    vendor: 0x1de5,
    device: 0x2000,
    bars: [{ index: 2, size: 64n << 20n, start: 0x4080000000n, prefetch: true }],
  });
  return { t, system: t.system, hb, host, rp1, rp2, usp, dsp, nic, ssd, ssd2, card, other };
}
