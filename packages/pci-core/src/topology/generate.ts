/**
 * Deterministic topology generators for benchmarks and property tests: host bridges, each
 * with root ports heading trees of PCIe switches (`switchDepth` levels, `fanout` downstream
 * ports per switch) and endpoints at the leaves (NVMe SSDs with and without a CMB, RDMA NICs,
 * p2pmem cards; optionally multi-function and with SR-IOV VFs). All randomness comes from a
 * seeded PRNG (mulberry32) or one passed in; the same options give the same spec.
 */
import type {
  BarSpec,
  DownstreamPortSpec,
  EndpointSpec,
  HostBridgeSpec,
  NodeSpec,
  PciBridgeSpec,
  RootPortSpec,
  SwitchSpec,
  TopologySpec,
} from "./schema";
import { ACS_BIT_NAMES } from "./schema";

/** A PRNG returning uniform numbers in [0, 1). */
export type Random = () => number;

/** The mulberry32 generator: small, fast and good enough for test inputs. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link generateTopology}. */
export interface GenerateOptions {
  readonly hostBridges: number;
  /** Endpoint functions in total (PFs, not counting VFs), spread evenly over host bridges. */
  readonly endpoints: number;
  /** Switch levels below each root port (0 = endpoints directly below root ports). */
  readonly switchDepth: number;
  /** Downstream ports per switch. */
  readonly fanout: number;
  readonly seed: number;
  /** Functions per endpoint device (multi-function when above 1), default 1. */
  readonly functionsPerDevice?: number;
  /** VFs enabled on every endpoint function, default 0. */
  readonly vfsPerEndpoint?: number;
  /**
   * Adds variety for property tests: RC-integrated endpoints, PCIe-to-PCI bridges with
   * conventional devices, explicit slots, ACS redirect on some ports, odd BAR sizes.
   */
  readonly variety?: boolean;
  /** A PRNG to use instead of mulberry32(seed). */
  readonly random?: Random;
}

const ACS_DSP = ACS_BIT_NAMES.SV | ACS_BIT_NAMES.RR | ACS_BIT_NAMES.CR | ACS_BIT_NAMES.UF | ACS_BIT_NAMES.EC | ACS_BIT_NAMES.DT;
const ACS_RP = ACS_BIT_NAMES.SV | ACS_BIT_NAMES.TB | ACS_BIT_NAMES.RR | ACS_BIT_NAMES.CR | ACS_BIT_NAMES.UF;
const REDIRECT = ACS_BIT_NAMES.RR | ACS_BIT_NAMES.CR;
const K = 1024n;
const M = K * K;

class Gen {
  private readonly counters = new Map<string, number>();
  constructor(
    readonly rnd: Random,
    readonly o: GenerateOptions,
  ) {}

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  label(kind: string): string {
    const n = this.counters.get(kind) ?? 0;
    this.counters.set(kind, n + 1);
    return `${kind}${n}`;
  }
  pow2(minLog: number, maxLog: number): bigint {
    return 1n << BigInt(minLog + this.int(maxLog - minLog + 1));
  }

  /** The functions of one endpoint device. */
  device(slot: number | undefined): EndpointSpec[] {
    const fns = this.o.functionsPerDevice ?? 1;
    const vfs = this.o.vfsPerEndpoint ?? 0;
    const r = this.rnd();
    const kind = r < 0.6 ? "nvme" : r < 0.85 ? "nic" : "p2pmem";
    const cmb = kind === "nvme" && this.chance(0.3) ? this.pow2(24, 28) : null;
    const p2p = kind === "p2pmem" ? this.pow2(30, 34) : null;
    const odd = this.o.variety === true && this.chance(0.2);
    const out: EndpointSpec[] = [];
    for (let f = 0; f < fns; f++) {
      const bars: BarSpec[] = [];
      if (kind === "nvme") {
        bars.push({ index: 0, size: odd ? this.pow2(4, 14) : 16n * K, bits: odd && this.chance(0.5) ? 32 : 64 });
        if (cmb !== null) bars.push({ index: 2, size: cmb, bits: 64, prefetchable: true });
      } else if (kind === "nic") {
        bars.push({ index: 0, size: 32n * M, bits: 64, prefetchable: true });
        if (odd) bars.push({ index: 2, size: this.pow2(12, 20), bits: 32, prefetchable: this.chance(0.5) });
      } else {
        bars.push({ index: 0, size: 16n * K, bits: 64 });
        bars.push({ index: 4, size: p2p!, bits: 64, prefetchable: true });
      }
      const model =
        kind === "nvme"
          ? cmb !== null
            ? { kind: "nvme", cmb: { bar: 2, offset: 0, size: Number(cmb), sqs: true, rds: true, wds: true }, namespaces: [{ nsid: 1, size: "1T" }] }
            : { kind: "nvme", namespaces: [{ nsid: 1, size: "1T" }] }
          : kind === "nic"
            ? { kind: "rnic" }
            : { kind: "p2pmem", bar: 4 };
      const ids = kind === "nvme" ? { vendor: cmb ? 0x1de5 : 0x8086, device: cmb ? 0x2000 : 0x0a54, classCode: 0x010802 } : kind === "nic" ? { vendor: 0x15b3, device: 0x1017, classCode: 0x020000 } : { vendor: 0x1de5, device: 0x1000, classCode: 0x058000 };
      out.push({
        kind: "endpoint",
        ...(slot !== undefined || fns > 1 ? { slot: slot ?? 0, function: f } : {}),
        ...ids,
        label: this.label(kind === "nic" ? "nic" : kind),
        link: { speed: 8, width: kind === "nvme" ? 4 : 16 },
        bars,
        model,
        ...(vfs > 0
          ? {
              sriov: {
                totalVFs: vfs,
                numVFs: vfs,
                vfDevice: ids.device + 1,
                offset: fns,
                stride: fns,
                bars: [{ index: 0, size: 1n * M, bits: 64 as const, prefetchable: true }],
              },
            }
          : {}),
      });
    }
    return out;
  }

  /** A conventional PCI segment behind a PCIe-to-PCI bridge (variety only). */
  pciBridge(): PciBridgeSpec {
    const n = 1 + this.int(3);
    const children: NodeSpec[] = [];
    for (let i = 0; i < n; i++) {
      children.push({ kind: "endpoint", vendor: 0x8086, device: 0x100e, classCode: 0x020000, label: this.label("pci"), bars: [{ index: 0, size: 128n * K }] });
    }
    return { kind: "pci-bridge", vendor: 0x8086, device: 0x244e, link: { speed: 2.5, width: 1 }, children };
  }

  /** What sits at one leaf: an endpoint device (or, with variety, sometimes a PCI bridge). */
  leaf(left: { devices: number }): NodeSpec[] {
    left.devices--;
    if (this.o.variety === true && this.chance(0.1)) return [this.pciBridge()];
    return this.device(this.o.variety === true && this.chance(0.5) ? 0 : undefined);
  }

  acs(cap: number): { cap: number; ctl: number } {
    const redirect = this.o.variety === true && this.chance(0.2);
    return { cap, ctl: redirect ? REDIRECT : 0 };
  }

  /** A switch level: a switch whose downstream ports lead to `depth - 1` more levels. */
  subtree(depth: number, left: { devices: number }): NodeSpec[] {
    if (depth === 0) return this.leaf(left);
    const downstream: DownstreamPortSpec[] = [];
    for (let i = 0; i < this.o.fanout && left.devices > 0; i++) {
      downstream.push({
        ...(this.o.variety === true && this.chance(0.3) ? { slot: i * 2 } : {}),
        acs: this.acs(ACS_DSP),
        link: { speed: 8, width: depth > 1 ? 16 : 4 },
        children: this.subtree(depth - 1, left),
      });
    }
    const sw: SwitchSpec = {
      kind: "switch",
      upstream: { vendor: 0x10b5, device: 0x8796, link: { speed: 8, width: 16 } },
      downstream,
    };
    return [sw];
  }

  hostBridge(index: number, devices: number): HostBridgeSpec {
    const left = { devices };
    const children: NodeSpec[] = [];
    if (this.o.variety === true && this.chance(0.3)) {
      children.push({ kind: "rc-endpoint", vendor: 0x8086, device: 0x2021, classCode: 0x088000, label: this.label("rcep"), bars: [{ index: 0, size: 16n * K, bits: 64 }] });
    }
    let port = 0;
    while (left.devices > 0) {
      const rp: RootPortSpec = {
        kind: "root-port",
        ...(port >= 31 ? { slot: 1 + Math.floor((port - 31) / 7), function: 1 + ((port - 31) % 7) } : {}),
        vendor: 0x8086,
        device: 0x2030 + (port % 4),
        link: { speed: 8, width: 16 },
        acs: this.acs(ACS_RP),
        children: this.subtree(this.o.switchDepth, left),
      };
      children.push(rp);
      port++;
    }
    return {
      domain: index,
      rootBus: 0,
      numaNode: index % 2,
      hostFunction: { vendor: 0x8086, device: 0x2020 },
      children,
    };
  }
}

/**
 * Generates a topology: `endpoints` endpoint functions spread over `hostBridges` domains, each
 * behind root ports and `switchDepth` levels of switches with `fanout` downstream ports. The
 * spec may still fail to build when the tree needs more than 256 buses per host bridge or more
 * 32-bit MMIO than exists (buildSystem then throws TopologySpecError).
 */
export function generateTopology(options: GenerateOptions): TopologySpec {
  const g = new Gen(options.random ?? mulberry32(options.seed), options);
  const fns = Math.max(1, options.functionsPerDevice ?? 1);
  const devices = Math.ceil(options.endpoints / fns);
  const hostBridges: HostBridgeSpec[] = [];
  for (let i = 0; i < options.hostBridges; i++) {
    const share = Math.floor(devices / options.hostBridges) + (i < devices % options.hostBridges ? 1 : 0);
    hostBridges.push(g.hostBridge(i, share));
  }
  return {
    name: `generated-${options.hostBridges}x${options.endpoints}-d${options.switchDepth}f${options.fanout}-s${options.seed}`,
    platform: { cpu: { vendor: "intel", family: 6 }, arch: "x86" },
    hostBridges,
  };
}
