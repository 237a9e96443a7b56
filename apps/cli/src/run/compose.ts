/**
 * The reference composition: a target host from the scenario's topology with nvmet configured
 * (one subsystem, the scenario's namespaces, `p2pmem` per run, an rdma port on the NIC), a
 * remote host that discovers, connects and runs the workload over RDMA, all on one virtual
 * clock; then where every payload byte went.
 */
import type { KernelMode } from "@p2pdma/pci-core";
import { linkAbove, upstreamChain } from "@p2pdma/pci-core";
import type { FallbackReason } from "@p2pdma/nvmet";
import type { Scenario } from "./scenario";
import { buildTargetHost } from "./target/build";
import { InitiatorHost } from "./initiator/host";
import { connectController, discover } from "./initiator/fabrics";
import type { QueueWiring } from "./initiator/queue";
import { Wire, WireRdmaRw } from "./rdma-wire";
import { drive, pattern, runPhase } from "./workload";
import type { PhaseResult } from "./workload";

/** One namespace's outcome. */
export interface NamespaceReport {
  readonly nsid: number;
  readonly device: string;
  readonly enabled: boolean;
  readonly p2pmem: string;
  /** The provider this controller used for the namespace (`p2p_ns_map`), or null. */
  readonly provider: string | null;
  readonly p2pBytes: number;
  readonly systemBytes: number;
  readonly error: string | null;
}

/** Fallbacks of the workload, per namespace and reason. */
export interface FallbackReport {
  readonly nsid: number | null;
  readonly reason: FallbackReason;
  readonly count: number;
  readonly bytes: number;
}

/** `pci_p2pdma_distance_many(provider, [NIC, namespace devices])` for one published provider. */
export interface VerdictReport {
  readonly provider: string;
  readonly clients: readonly string[];
  /** NOT_SUPPORTED, THRU_HOST_BRIDGE or BUS_ADDR (4.20: derived from the distance). */
  readonly mapType: string | null;
  readonly distance: number | null;
  /** The kernel's explanation for every client it refused (verbose lines), empty when supported. */
  readonly why: readonly string[];
}

/** One run (P2P on or off). */
export interface RunReport {
  readonly p2p: boolean;
  readonly kernel: KernelMode;
  readonly seed: number;
  readonly payloadBytes: number;
  readonly dramPayloadBytes: number;
  /** The link above the switch's upstream port (root port -> switch), if the NIC sits below a switch. */
  readonly upstreamLink: string | null;
  readonly links: readonly { link: string; up: number; down: number }[];
  readonly wire: { readonly toTarget: number; readonly toHost: number };
  readonly namespaces: readonly NamespaceReport[];
  readonly fallbacks: readonly FallbackReport[];
  /** Whether the NIC and the namespaces' devices can share each provider (the P2PDMA verdicts). */
  readonly verdicts: readonly VerdictReport[];
  readonly verified: boolean;
  readonly discovery: readonly { subnqn: string; traddr: string }[];
  readonly write: PhaseResult;
  readonly read: PhaseResult;
  readonly throughputGBps: { readonly write: number; readonly read: number };
  readonly log: readonly string[];
  /** What this model does not route yet (honest limits of the stand-ins). */
  readonly notes: readonly string[];
}

const HOSTNQN = "nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001";

/** Runs the scenario once. */
export async function runOnce(s: Scenario, o: { readonly topologyText: string; readonly p2p: boolean; readonly kernel: KernelMode; readonly seed: number }): Promise<RunReport> {
  // One virtual clock for both hosts and the wire: the target machine's (the NVMe controllers schedule on it).
  const t = buildTargetHost({ topologyText: o.topologyText, source: s.topology, kernel: o.kernel, seed: o.seed });
  const clock = t.clock;
  const cfs = t.target.configfs;
  const sub = `subsystems/${s.subsystem}`;
  cfs.mkdir(sub);
  cfs.write(`${sub}/attr_allow_any_host`, "1\n");
  const nsErrors = new Map<number, string>();
  s.namespaces.forEach((path, i) => {
    const ns = `${sub}/namespaces/${i + 1}`;
    cfs.mkdir(ns);
    cfs.write(`${ns}/device_path`, `${path}\n`);
    const pw = cfs.write(`${ns}/p2pmem`, o.p2p ? `${s.p2pmem}\n` : "0\n");
    const mark = t.system.log.all().length;
    const ew = cfs.write(`${ns}/enable`, "1\n");
    if (typeof pw === "number" && pw < 0) nsErrors.set(i + 1, `p2pmem: errno ${pw}`);
    if (ew < 0) {
      const why = t.system.log.all().slice(mark).map((l) => l.text).join("; ");
      nsErrors.set(i + 1, `enable: errno ${ew}${why ? ` (${why})` : ""}`);
    }
  });
  cfs.mkdir("ports/1");
  cfs.write("ports/1/addr_trtype", "rdma\n");
  cfs.write("ports/1/addr_adrfam", "ipv4\n");
  cfs.write("ports/1/addr_traddr", "192.168.10.1\n");
  cfs.write("ports/1/addr_trsvcid", "4420\n");
  cfs.symlink(sub, `ports/1/subsystems/${s.subsystem}`);
  const port = [...t.target.nvmet.ports.values()][0]!;

  const host = new InitiatorHost(clock, o.kernel);
  const wire = new Wire(clock);
  const rw = new WireRdmaRw({
    kernel: o.kernel, target: t.dma, targetNic: t.nic, host: host.dma, hostNic: host.nic, wire, mrs: host.mrs,
    p2pAddress: (b) => t.p2p.busAddressOf(b),
    nicReaches: (b) => {
      const blk = t.p2p.blockOf(b);
      return !blk || t.p2p.p2p.distanceMany(blk.provider, [t.nic], false).mapType !== "NOT_SUPPORTED";
    },
  });
  const w: QueueWiring = { host, transport: t.target.rdma, port, rw, targetDma: t.dma, targetNic: t.nic, wire, p2pDmaSupported: true };
  const { blockSize: bs, queueDepth: qd } = s.workload;
  const ios = Math.max(1, Math.floor(s.workload.bytes / bs));
  const bytes = ios * bs;
  const wbuf = host.alloc(bytes);
  const rbuf = host.alloc(bytes);
  const scratch = host.alloc(8192);
  const ioRange = { addr: wbuf < rbuf ? wbuf : rbuf, length: Number((wbuf > rbuf ? wbuf : rbuf) - (wbuf < rbuf ? wbuf : rbuf)) + bytes };
  const data = pattern(bytes, o.seed);
  host.dma.cpuWrite(wbuf, data);

  const nsids = s.namespaces.map((_, i) => i + 1).filter((n) => !nsErrors.has(n));
  const session = async () => {
    const disc = await discover(w, { hostnqn: HOSTNQN, ioRange: { addr: scratch, length: 8192 }, scratch });
    const ctrl = await connectController(w, { subsysnqn: s.subsystem, hostnqn: HOSTNQN, ioQueues: Math.min(4, qd), ioRange, scratch });
    t.dma.resetCounters();
    const evMark = t.target.nvmet.fallbackEvents.length;
    const wireMark = { ...wire.bytes };
    const write = await runPhase(clock, ctrl, { write: true, nsids, blockSize: bs, queueDepth: qd, ios, buf: (i) => wbuf + BigInt(i * bs) });
    const read = await runPhase(clock, ctrl, { write: false, nsids, blockSize: bs, queueDepth: qd, ios, buf: (i) => rbuf + BigInt(i * bs) });
    return { disc, ctrl, write, read, events: t.target.nvmet.fallbackEvents.slice(evMark), wire: { toTarget: wire.bytes.toTarget - wireMark.toTarget, toHost: wire.bytes.toHost - wireMark.toHost } };
  };
  const r = await drive(clock, session());
  const back = host.dma.cpuRead(rbuf, bytes);
  const verified = nsids.length > 0 && r.write.errors === 0 && r.read.errors === 0 && back.every((b, i) => b === data[i]);

  const links = t.dma.linkCounters();
  const control = t.dma.fabric.linkCounters();
  const dram = links.filter((l) => l.link.includes("<->memory")).reduce((n, l) => n + l.up + l.down, 0);
  const usp = upstreamChain(t.nic).find((d) => d.type === "upstream-port") ?? null;
  const ctrlObj = [...t.target.rdma.queuesByCtrl.keys()].find((c) => c.cntlid === r.ctrl.cntlid) ?? null;
  const namespaces: NamespaceReport[] = s.namespaces.map((path, i) => {
    const nsid = i + 1;
    const ns = ctrlObj?.subsys?.namespaces?.get?.(nsid) ?? null;
    const shown = cfs.read(`${sub}/namespaces/${nsid}/p2pmem`);
    const counters = ns?.counters ?? null;
    return {
      nsid, device: path, enabled: !nsErrors.has(nsid),
      p2pmem: typeof shown === "string" ? shown.trim() : "",
      provider: ctrlObj?.p2pNsMap.get(nsid)?.name ?? null,
      p2pBytes: counters?.p2pBytes ?? 0, systemBytes: counters?.systemBytes ?? 0,
      error: nsErrors.get(nsid) ?? null,
    };
  });
  const fb = new Map<string, FallbackReport>();
  for (const e of r.events) {
    const k = `${e.nsid}|${e.reason}`;
    const p = fb.get(k);
    fb.set(k, { nsid: e.nsid, reason: e.reason, count: (p?.count ?? 0) + 1, bytes: (p?.bytes ?? 0) + e.length });
  }
  const log = t.system.log.all().map((l) => l.text);
  const clients = [t.nic, ...s.namespaces.map((p) => t.ssds.get(p)?.disk).filter((f) => f !== undefined)];
  const verdicts: VerdictReport[] = t.system.devices
    .filter((d) => t.p2p.p2p.core.state(d)?.published)
    .map((prov) => {
      const v = t.p2p.p2p.distanceMany(prov, clients, true, { kernel: o.kernel });
      const why = v.clients.filter((c) => c.verdict && c.verdict.mapType === "NOT_SUPPORTED").flatMap((c) => c.verdict!.lines.map((l) => l.line.text));
      return { provider: prov.name, clients: clients.map((c) => c.name), mapType: v.mapType, distance: v.distance, why: [...new Set(why)] };
    });
  const gbps = (p: PhaseResult) => (p.durationNs ? p.bytes / p.durationNs : 0);
  return {
    p2p: o.p2p, kernel: o.kernel, seed: o.seed, payloadBytes: 2 * bytes, dramPayloadBytes: dram,
    upstreamLink: usp ? linkAbove(usp) : null, links, wire: r.wire, namespaces, fallbacks: [...fb.values()], verdicts, verified,
    discovery: r.disc.map((d) => ({ subnqn: d.subnqn, traddr: d.traddr })),
    write: r.write, read: r.read, throughputGBps: { write: gbps(r.write), read: gbps(r.read) },
    log,
    notes: [
      "the RNIC data mover is a stand-in until rdma-rw is wired in (apps/cli/src/run/rdma-wire.ts); the SSDs are nvme-pci's controllers and host driver",
      `links and DRAM count payload only; the target's fabric also carried ${ctrlBytes(control, links)} bytes of NVMe control traffic (SQEs in CMBs, CQEs, PRP lists, doorbells)`,
      "RDMA control traffic (capsules, the NIC's queues) is not routed on PCIe links",
    ],
  };
}

/** Bytes the fabric carried beyond the payload (all links, both directions). */
function ctrlBytes(all: readonly { up: number; down: number }[], payload: readonly { up: number; down: number }[]): number {
  const sum = (l: readonly { up: number; down: number }[]) => l.reduce((n, c) => n + c.up + c.down, 0);
  return sum(all) - sum(payload);
}
