/**
 * Converts a project topology ({@link TopologySpec} of @p2pdma/pci-core) into the
 * {@link QemuMachineSpec} QEMU 7.2 can boot. Every part QEMU cannot express is listed, never
 * silently dropped: without `dropUnsupported` the conversion fails naming them all; with it,
 * those parts are left out (ports stay, so the bus numbers of the rest do not move).
 * Approximations that keep the kernel's P2PDMA behaviour (QEMU's own vendor IDs, link speeds)
 * are returned as notes.
 */
import type { EndpointSpec, FunctionSpec, HostBridgeSpec, NodeSpec, RootPortSpec, SwitchSpec, TopologySpec } from "@p2pdma/pci-core";
import { parseSizeText } from "@p2pdma/pci-core";
import { KernelRunError } from "./errors";
import type { QemuCpu, QemuDownstreamPort, QemuMachineSpec, QemuNamespace, QemuNvme, QemuRootPort } from "./machine";

/** The result of a conversion. */
export interface QemuConversion {
  readonly machine: QemuMachineSpec;
  /** Parts QEMU cannot express (dropped only when asked). */
  readonly unsupported: readonly string[];
  /** Approximations that do not change the P2PDMA verdicts. */
  readonly notes: readonly string[];
}

/** Conversion options. */
export interface QemuConversionOptions {
  /** Leave unsupported parts out instead of failing. */
  readonly dropUnsupported?: boolean;
  /** Override the CPU model (else chosen from the topology's platform). */
  readonly cpu?: QemuCpu;
  /** Namespace size when the topology gives none (default 1 GiB). */
  readonly defaultNamespaceSize?: bigint;
}

/** q35's host bridge function at 00:00.0. */
export const Q35_HOST_BRIDGE = { vendor: 0x8086, device: 0x29c0 } as const;

/** ACS capability bits QEMU 7.2's pcie-root-port implements (SV TB RR CR UF DT). */
export const QEMU_ROOT_PORT_ACS_CAP = 0x5f;

const hex4 = (n: number): string => n.toString(16).padStart(4, "0");
const MiB = 1n << 20n;

interface Ctx {
  readonly unsupported: string[];
  readonly notes: string[];
  readonly defaultNs: bigint;
}

function name(f: FunctionSpec, where: string): string {
  return f.label !== undefined ? `${f.label} (${where})` : where;
}

function num(v: unknown): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return null;
}

function sizeOf(v: unknown): bigint | null {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string") return parseSizeText(v);
  return null;
}

/** Converts a topology; throws `UNSUPPORTED_PARTS` listing every part unless dropping them. */
export function qemuMachineFromTopology(spec: TopologySpec, opts: QemuConversionOptions = {}): QemuConversion {
  const ctx: Ctx = { unsupported: [], notes: [], defaultNs: opts.defaultNamespaceSize ?? 1n << 30n };
  const cpu = opts.cpu ?? cpuFor(spec, ctx);
  const rootPorts: QemuRootPort[] = [];
  spec.hostBridges.forEach((hb, i) => {
    if (i > 0 || (hb.domain ?? 0) !== 0 || (hb.rootBus ?? 0) !== 0) {
      ctx.unsupported.push(`host bridge ${hex4(hb.domain ?? 0)}:${(hb.rootBus ?? 0).toString(16).padStart(2, "0")} and everything below it: q35 has one host bridge (domain 0, bus 00)`);
      return;
    }
    hostFunction(hb, ctx);
    for (const node of hb.children ?? []) {
      const rp = rootNode(node, ctx);
      if (rp) rootPorts.push(rp);
    }
  });
  for (const arg of spec.cmdline ?? []) ctx.notes.push(`kernel argument ${arg} passed on`);
  if (spec.platform?.iommu) ctx.unsupported.push("platform.iommu: the q35 machine is booted without an IOMMU");
  if (ctx.unsupported.length > 0 && !opts.dropUnsupported) {
    throw new KernelRunError(
      "UNSUPPORTED_PARTS",
      `QEMU 7.2 cannot express ${ctx.unsupported.length} part(s) of this topology:\n${ctx.unsupported.map((u) => `  - ${u}`).join("\n")}\n(pass --drop-unsupported to leave them out on purpose)`,
    );
  }
  const machine: QemuMachineSpec = { cpu, rootPorts, ...(spec.cmdline && spec.cmdline.length > 0 ? { kernelArgs: spec.cmdline } : {}) };
  return { machine, unsupported: ctx.unsupported, notes: ctx.notes };
}

function cpuFor(spec: TopologySpec, ctx: Ctx): QemuCpu {
  const c = spec.platform?.cpu;
  if (c?.vendor === "amd" && c.family >= 0x17) {
    if (c.family !== 0x17) ctx.notes.push(`CPU amd:0x${c.family.toString(16)} booted as -cpu EPYC (amd:0x17): the same 6.12 rule (AMD family >= 0x17)`);
    return "EPYC";
  }
  const what = c ? `${c.vendor}:0x${c.family.toString(16)}` : "an unknown CPU";
  ctx.notes.push(`CPU ${what} booted as -cpu qemu64 (amd:0xf): the CPU rule does not allow host-bridge P2P, as for ${what}`);
  return "qemu64";
}

function hostFunction(hb: HostBridgeSpec, ctx: Ctx): void {
  const f = hb.hostFunction;
  if (f === undefined) return;
  if (f === null) {
    ctx.unsupported.push("a root bus without a 00.0 host bridge function: q35 always has 8086:29c0 there");
  } else if (f.vendor !== Q35_HOST_BRIDGE.vendor || f.device !== Q35_HOST_BRIDGE.device) {
    ctx.unsupported.push(
      `host bridge ${hex4(f.vendor)}:${hex4(f.device)} at 00.0: q35's is ${hex4(Q35_HOST_BRIDGE.vendor)}:${hex4(Q35_HOST_BRIDGE.device)} (the host-bridge whitelist sees that one)`,
    );
  }
}

function rootNode(node: NodeSpec, ctx: Ctx): QemuRootPort | null {
  const where = `00:${(node.slot ?? 0).toString(16).padStart(2, "0")}.${"function" in node ? (node.function ?? 0) : 0}`;
  if (node.kind !== "root-port") {
    ctx.unsupported.push(`${node.kind} on the root bus at ${where}: QEMU q35 topologies here put devices below pcie-root-port`);
    return null;
  }
  const rp: RootPortSpec = node;
  const label = name(rp, `root port ${where}`);
  if (rp.slot === undefined) ctx.unsupported.push(`${label}: needs an explicit slot to give QEMU an address`);
  if (rp.acs) {
    if (rp.acs.cap !== QEMU_ROOT_PORT_ACS_CAP) ctx.notes.push(`${label}: ACS capability 0x${rp.acs.cap.toString(16)} becomes QEMU's 0x5f (SV TB RR CR UF DT)`);
    if (rp.acs.ctl !== 0) ctx.unsupported.push(`${label}: ACS control 0x${rp.acs.ctl.toString(16)} at boot (QEMU resets it to 0; set it with a setpci step or pci=config_acs=)`);
  }
  if (rp.sriov) ctx.unsupported.push(`${label}: SR-IOV`);
  const children = rp.children ?? [];
  const sw = children.filter((c): c is SwitchSpec => c.kind === "switch");
  const eps = children.filter((c): c is EndpointSpec => c.kind === "endpoint");
  for (const c of children) {
    if (c.kind !== "switch" && c.kind !== "endpoint") ctx.unsupported.push(`${c.kind} below ${label}`);
  }
  const base = { slot: rp.slot ?? 0, ...(rp.function !== undefined ? { function: rp.function } : {}), ...(rp.acs ? {} : { acs: false }) };
  if (sw.length > 0) {
    if (sw.length > 1 || eps.length > 0) ctx.unsupported.push(`${label}: more than one device below a root port`);
    return { ...base, below: convertSwitch(sw[0]!, label, ctx) };
  }
  return { ...base, below: endpoints(eps, label, ctx) };
}

function convertSwitch(sw: SwitchSpec, above: string, ctx: Ctx): { kind: "switch"; downstream: QemuDownstreamPort[] } {
  const label = name(sw.upstream, `switch below ${above}`);
  if (sw.upstream.acs) ctx.unsupported.push(`${label}: ACS on the switch's upstream port (x3130 has none)`);
  const downstream = sw.downstream.map((dp, i): QemuDownstreamPort => {
    const dpl = name(dp, `downstream port ${(dp.slot ?? i).toString(16)} of ${label}`);
    if (dp.acs) ctx.unsupported.push(`${dpl}: ACS on a switch port (QEMU's xio3130-downstream has no ACS capability)`);
    const children = dp.children ?? [];
    const eps = children.filter((c): c is EndpointSpec => c.kind === "endpoint");
    for (const c of children) if (c.kind !== "endpoint") ctx.unsupported.push(`${c.kind} below ${dpl}`);
    return { ...(dp.slot !== undefined ? { slot: dp.slot } : { slot: i }), functions: endpoints(eps, dpl, ctx) };
  });
  return { kind: "switch", downstream };
}

function endpoints(eps: readonly EndpointSpec[], above: string, ctx: Ctx): QemuNvme[] {
  const out: QemuNvme[] = [];
  for (const ep of eps) {
    const where = name(ep, `function ${ep.function ?? 0} below ${above}`);
    if ((ep.slot ?? 0) !== 0) {
      ctx.unsupported.push(`${where}: device number ${ep.slot} below a PCIe port (only 0 exists)`);
      continue;
    }
    const nvme = nvmeOf(ep, where, ctx);
    if (nvme) out.push(nvme);
  }
  return out;
}

function nvmeOf(ep: EndpointSpec, where: string, ctx: Ctx): QemuNvme | null {
  const model = ep.model;
  if (model?.kind !== "nvme") {
    const what = model?.kind === "p2pmem" ? "p2pmem card" : model?.kind === "rnic" ? "RDMA NIC" : model ? `${model.kind} device` : "device without a model";
    ctx.unsupported.push(`${where}: ${what} (QEMU 7.2 has no such PCI device)`);
    return null;
  }
  if (ep.sriov) ctx.unsupported.push(`${where}: SR-IOV`);
  ctx.notes.push(`${where}: QEMU's NVMe controller 1b36:0010 stands in for ${hex4(ep.vendor ?? 0)}:${hex4(ep.device ?? 0)}`);
  const namespaces: QemuNamespace[] = [];
  const rawNs = Array.isArray(model["namespaces"]) ? (model["namespaces"] as unknown[]) : [];
  rawNs.forEach((n, i) => {
    const o = (typeof n === "object" && n !== null ? n : {}) as Record<string, unknown>;
    const size = sizeOf(o["size"]) ?? ctx.defaultNs;
    const nsid = num(o["nsid"]) ?? i + 1;
    namespaces.push({ nsid, size: size - (size % 4096n) || 4096n });
  });
  const cmb = cmbOf(model["cmb"], ep, where, ctx);
  return {
    kind: "nvme",
    ...(ep.function !== undefined ? { function: ep.function } : {}),
    ...(ep.label !== undefined ? { label: ep.label } : {}),
    ...(cmb !== null ? cmb : {}),
    namespaces,
  };
}

function cmbOf(raw: unknown, ep: EndpointSpec, where: string, ctx: Ctx): { cmbMiB: number; legacyCmb?: boolean } | null {
  if (raw === undefined || raw === null) return null;
  const c = raw as Record<string, unknown>;
  const problems: string[] = [];
  const size = sizeOf(c["size"]);
  const bar = num(c["bar"]) ?? 2;
  const offset = sizeOf(c["offset"] ?? 0) ?? 0n;
  if (size === null || size < MiB || size % MiB !== 0n || (size & (size - 1n)) !== 0n) problems.push(`size ${String(c["size"])} (QEMU: a power of two in MiB)`);
  if (bar !== 2) problems.push(`BAR ${bar} (QEMU: BAR 2)`);
  if (offset !== 0n) problems.push(`offset ${offset} (QEMU: 0)`);
  const barSize = ep.bars?.find((b) => b.index === bar)?.size;
  if (barSize !== undefined && size !== null && barSize !== size) problems.push(`BAR ${bar} of ${barSize} bytes for a ${size}-byte CMB (QEMU sizes the BAR to the CMB)`);
  const flags = { sqs: true, cqs: false, lists: true, rds: true, wds: true } as const;
  for (const [k, want] of Object.entries(flags)) {
    const v = c[k];
    if (v !== undefined && v !== want && !(k === "lists" && v === false)) problems.push(`${k.toUpperCase()}=${String(v)} (QEMU: ${want})`);
  }
  if (problems.length > 0) {
    ctx.unsupported.push(`${where}: CMB ${problems.join(", ")}`);
    return null;
  }
  if (c["lists"] === false) ctx.notes.push(`${where}: QEMU's CMB also sets CMBSZ.LISTS (Linux does not use it)`);
  const legacy = c["version"] === "1.3" || c["legacy"] === true;
  return { cmbMiB: Number(size! / MiB), ...(legacy ? { legacyCmb: true } : {}) };
}
