/**
 * Ready-made machines for tests, benchmarks and the composition app: a plain host (a ConnectX-5
 * on the root bus), the seed's reference system (`pci-core` sample `reference`: the NIC, NVMe
 * SSDs with CMBs and a p2pmem card behind one PCIe switch), and two hosts cabled together on
 * one virtual clock.
 */
import type { BuiltTopology, KernelMode } from "@p2pdma/pci-core";
import type { WireOptions } from "./hw/wire";
import { loadTopologyFile, readSample, VirtualClock } from "@p2pdma/pci-core";
import { RdmaError } from "./errors";
import { Host } from "./host";
import { addRnicFunction, Rnic } from "./hw/rnic";
import { Wire } from "./hw/wire";
import { connectPorts, IbDevice } from "./ib-device";

export interface RdmaHost {
  readonly host: Host;
  readonly rnic: Rnic;
  readonly dev: IbDevice;
}

export interface HostInit {
  readonly name: string;
  readonly clock: VirtualClock;
  readonly kernel?: KernelMode;
  /** ib_device name (default mlx5_0). */
  readonly devName?: string;
  readonly rwForceMr?: boolean;
}

/** A host with one host bridge and a ConnectX-5 (00:03.0, BAR 0 at 0xe0000000). */
export function plainHost(o: HostInit): RdmaHost {
  const host = new Host({ name: o.name, clock: o.clock, ...(o.kernel ? { kernel: o.kernel } : {}) });
  const hb = host.system.hostBridges[0]!;
  const fn = addRnicFunction(host.system, { bus: hb.bus, devfn: 3 << 3, barStart: 0xe0000000n, label: "nic0" });
  const rnic = new Rnic(host.fabric, fn);
  const dev = IbDevice.hardware(host, rnic, { name: o.devName ?? "mlx5_0", ...(o.rwForceMr !== undefined ? { rwForceMr: o.rwForceMr } : {}) });
  return { host, rnic, dev };
}

/** The seed's reference system with its NIC (`nic0`) as an RDMA device. */
export function referenceHost(o: HostInit): RdmaHost & { readonly built: BuiltTopology } {
  const text = readSample("reference");
  if (text === null) throw new RdmaError("the pci-core sample 'reference' is missing", "ERDMA_TOPOLOGY");
  const built = loadTopologyFile(text, "reference", o.kernel ? { kernel: o.kernel } : {});
  const host = new Host({ name: o.name, clock: o.clock, system: built.system, ...(o.kernel ? { kernel: o.kernel } : {}) });
  const fn = built.labels.get("nic0");
  if (!fn) throw new RdmaError("reference topology without nic0", "ERDMA_TOPOLOGY");
  const rnic = new Rnic(host.fabric, fn);
  const dev = IbDevice.hardware(host, rnic, { name: o.devName ?? "mlx5_0", ...(o.rwForceMr !== undefined ? { rwForceMr: o.rwForceMr } : {}) });
  return { host, rnic, dev, built };
}

/** Cables two RDMA hosts' port 1 together. */
export function cable(clock: VirtualClock, a: IbDevice, b: IbDevice, o: WireOptions = {}): Wire {
  const wire = new Wire(clock, o);
  connectPorts(wire, a, b);
  return wire;
}

export interface TwoHosts {
  readonly clock: VirtualClock;
  readonly target: RdmaHost & { readonly built: BuiltTopology };
  readonly initiator: RdmaHost;
  readonly wire: Wire;
}

/** The seed's target (reference system) and a plain remote host, cabled, on one clock. */
export function twoHosts(o: { kernel?: KernelMode; wire?: WireOptions; rwForceMr?: boolean } = {}): TwoHosts {
  const clock = new VirtualClock();
  const common = { clock, ...(o.kernel ? { kernel: o.kernel } : {}), ...(o.rwForceMr !== undefined ? { rwForceMr: o.rwForceMr } : {}) };
  const target = referenceHost({ name: "target", ...common });
  const initiator = plainHost({ name: "initiator", ...common });
  const wire = cable(clock, target.dev, initiator.dev, o.wire);
  return { clock, target, initiator, wire };
}
