/**
 * The target core (drivers/nvme/target/core.c): the target instance with its subsystems,
 * ports, hosts and transports; namespace enable/disable with the P2P checks (spec 6.3) and
 * the per-controller provider choice (spec 6.4); port enable/disable; change notices.
 */
import { EBUSY, EINVAL, KernelLog, prLog } from "@p2pdma/pci-core";
import type { KDevice, KernelMode, LogLine, Random, VirtualClock } from "@p2pdma/pci-core";
import type { NvmetVfs } from "./backend";
import { ENOTBLK_ERRNO } from "./backend-node";
import type { P2pDmaApi } from "./p2p";
import type { FallbackEvent } from "./p2p-stats";
import { newCounters } from "./p2p-stats";
import { nvmetAddAsyncEvent, nvmetAenBitDisabled } from "./ctrl";
import {
  NVMET_DEFAULT_ANA_GRPID,
  NVMET_FR_MAX_SIZE,
  NVMET_MAX_ANAGRPS,
  NVMET_MAX_NAMESPACES,
  NVMET_MAX_QUEUE_SIZE,
  NVMET_MIN_QUEUE_SIZE,
  NVMF_METADATA_SUPPORTED,
  NvmetNs,
  NvmetSubsys,
} from "./nvmet";
import type { NvmetCtrl, NvmetFabricsOps, SubsysType ,
  NvmetHost,
  NvmetPort} from "./nvmet";
import {
  NVME_AEN_BIT_ANA_CHANGE,
  NVME_AEN_BIT_NS_ATTR,
  NVME_AER_NOTICE,
  NVME_AER_NOTICE_ANA,
  NVME_AER_NOTICE_NS_CHANGED,
  NVME_DISC_SUBSYS_NAME,
  NVME_LOG,
  NVME_MAX_CHANGED_NAMESPACES,
  NVMF_NQN_SIZE,
} from "./spec/nvme";

const EMFILE = 24;

/** Quirks reproduced only on request (spec 11.2). */
export interface NvmetQuirks {
  /** 4.20/5.0: a failed P2P check in `nvmet_ns_enable` leaves the backend open (spec 6.3 step 6). */
  readonly nsEnableLeak?: boolean;
}

/** Options of {@link Nvmet}. */
export interface NvmetOptions {
  /** Kernel mode (spec 11.1); default `6.12`. */
  readonly kernel?: KernelMode;
  /** The shared kernel log; a new one when absent. */
  readonly log?: KernelLog;
  /** The virtual clock for keep-alive timers. */
  readonly clock: VirtualClock;
  /** Seeded PRNG for serial numbers and namespace UUIDs (`get_random_bytes`, `uuid_gen`). */
  readonly random: Random;
  /** P2PDMA core; null models CONFIG_PCI_P2PDMA=n. */
  readonly p2p: P2pDmaApi | null;
  /** Path resolution for namespaces. */
  readonly vfs: NvmetVfs;
  /** `UTS_RELEASE`, used for the firmware revision; default per mode. */
  readonly utsRelease?: string;
  readonly quirks?: NvmetQuirks;
}

/** A backend handle the 4.20 leak quirk left open. */
export interface LeakedBackend {
  readonly nsid: number;
  readonly path: string;
}

/** The target: what `nvmet.ko` holds in its globals. */
export class Nvmet {
  readonly kernel: KernelMode;
  readonly log: KernelLog;
  readonly clock: VirtualClock;
  readonly random: Random;
  readonly p2p: P2pDmaApi | null;
  readonly vfs: NvmetVfs;
  readonly utsRelease: string;
  readonly quirks: NvmetQuirks;
  /** `nvmet_transports[]`. */
  readonly transports = new Map<number, NvmetFabricsOps>();
  /** `nvmet_ports_list` (configfs port creation order, newest first like list_add). */
  readonly ports: NvmetPort[] = [];
  /** configfs `subsystems/` children. */
  readonly subsystems = new Map<string, NvmetSubsys>();
  /** configfs `hosts/` children. */
  readonly hosts = new Map<string, NvmetHost>();
  readonly discSubsys: NvmetSubsys;
  /** `nvmet_genctr`. */
  genctr = 0n;
  /** `nvmet_ana_group_enabled[]` and `nvmet_ana_chgcnt`. */
  readonly anaGroupEnabled: number[] = new Array<number>(NVMET_MAX_ANAGRPS + 1).fill(0);
  anaChgcnt = 0n;
  /** `cntlid_ida`: allocated controller IDs (global, across subsystems). */
  readonly cntlids = new Set<number>();
  /** Fallbacks of `nvmet_req_alloc_sgls`, newest last, bounded. */
  readonly fallbackEvents: FallbackEvent[] = [];
  /** Backends left open by the 4.20 quirk. */
  readonly leaked: LeakedBackend[] = [];

  constructor(options: NvmetOptions) {
    this.kernel = options.kernel ?? "6.12";
    this.log = options.log ?? new KernelLog();
    this.clock = options.clock;
    this.random = options.random;
    this.p2p = options.p2p;
    this.vfs = options.vfs;
    this.utsRelease = options.utsRelease ?? (this.kernel === "6.12" ? "6.12.117" : "4.20.0");
    this.quirks = options.quirks ?? {};
    this.discSubsys = this.subsysAlloc(NVME_DISC_SUBSYS_NAME, "curr");
  }

  /** Appends `pr_<level>("nvmet: " ...)`. */
  pr(level: LogLine["level"], message: string, prefix = "nvmet: "): void {
    this.log.append(prLog(level, prefix, message));
  }

  /** Models `nvmet_register_transport`: 0 or -EINVAL when the type is taken. */
  registerTransport(ops: NvmetFabricsOps): number {
    if (this.transports.has(ops.type)) return -EINVAL;
    this.transports.set(ops.type, ops);
    return 0;
  }

  /** Random bytes from the injected PRNG. */
  randomBytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.random() * 256) & 0xff;
    return b;
  }

  /** Models `nvmet_subsys_alloc`: random serial (10 bytes as hex), model `Linux`, fw = UTS_RELEASE[0..8]. */
  subsysAlloc(nqn: string, type: SubsysType): NvmetSubsys {
    const s = new NvmetSubsys(nqn.slice(0, NVMF_NQN_SIZE), type);
    s.serial = Array.from(this.randomBytes(10), (x) => x.toString(16).padStart(2, "0")).join("");
    s.firmwareRev = this.utsRelease.slice(0, NVMET_FR_MAX_SIZE);
    return s;
  }

  /** Models `nvmet_ns_alloc`: default ANA group, random v4 UUID (`uuid_gen`), NVM command set. */
  nsAlloc(subsys: NvmetSubsys, nsid: number): NvmetNs {
    const ns = new NvmetNs(subsys, nsid);
    ns.anagrpid = NVMET_DEFAULT_ANA_GRPID;
    this.anaGroupEnabled[ns.anagrpid]!++;
    const u = this.randomBytes(16);
    u[6] = (u[6]! & 0x0f) | 0x40;
    u[8] = (u[8]! & 0x3f) | 0x80;
    ns.uuid = u;
    ns.counters = newCounters();
    return ns;
  }

  /** `nvmet_ns_dev(ns)`: the disk's device for block namespaces, else null. */
  nsDev(ns: NvmetNs): KDevice | null {
    return ns.bdev ? ns.bdev.disk : null;
  }

  /** Models `nvmet_bdev_ns_enable`: 0, -ENOTBLK (try the file backend) or another -errno. */
  private bdevNsEnable(ns: NvmetNs): number {
    if (ns.bufferedIo) return ENOTBLK_ERRNO;
    if (ns.bdev && this.quirks.nsEnableLeak && this.kernel === "4.20") {
      this.leaked.push({ nsid: ns.nsid, path: ns.devicePath });
      ns.bdev = null;
    }
    // lookup_bdev refuses an empty or NULL path with -EINVAL
    const r = ns.devicePath === "" ? -EINVAL : this.vfs.openBlock(ns.devicePath);
    if (typeof r === "number") {
      if (r !== ENOTBLK_ERRNO) this.pr("err", `failed to open block device ${ns.devicePath === "" ? "(null)" : ns.devicePath}: (${r})`);
      return r;
    }
    ns.bdev = r;
    ns.size = r.capacityBytes;
    ns.blksizeShift = Math.round(Math.log2(r.logicalBlockSize));
    return 0;
  }

  /** Models `nvmet_file_ns_enable`. */
  private fileNsEnable(ns: NvmetNs): number {
    const r = this.vfs.openFile(ns.devicePath, { direct: !ns.bufferedIo });
    if (typeof r === "number") {
      this.pr("err", `failed to open file ${ns.devicePath}: (${r})`);
      return r;
    }
    ns.file = r;
    ns.size = r.size();
    ns.blksizeShift = Math.min(r.blkbits, 12);
    return 0;
  }

  /** Models `nvmet_ns_dev_disable` (bdev and file). */
  private nsDevDisable(ns: NvmetNs): void {
    if (ns.bdev) {
      ns.bdev.close();
      ns.bdev = null;
    }
    if (ns.file) {
      ns.file.close();
      ns.file = null;
    }
  }

  /** Models `nvmet_p2pmem_ns_enable` (spec 6.3 steps 1-5). */
  private p2pmemNsEnable(ns: NvmetNs): number {
    if (!ns.useP2pmem || !this.p2p) return 0;
    if (!ns.bdev) {
      this.pr("err", "peer-to-peer DMA is not supported by non-block device namespaces");
      return -EINVAL;
    }
    if (!ns.bdev.pciP2pdma) {
      this.pr("err", `peer-to-peer DMA is not supported by the driver of ${ns.devicePath}`);
      return -EINVAL;
    }
    if (ns.p2pDev) {
      const d = this.p2p.distance(ns.p2pDev, ns.bdev.disk, true);
      this.log.append(...d.log);
      if (d.distance < 0) return -EINVAL;
    } else {
      const p = this.p2p.findMany([ns.bdev.disk]);
      if (!p) {
        this.pr("err", `no peer-to-peer memory is available for ${ns.devicePath}`);
        return -EINVAL;
      }
      this.p2p.put(p);
    }
    return 0;
  }

  /** Models `nvmet_p2pmem_ns_add_p2p(ctrl, ns)` (spec 6.4). */
  p2pmemNsAddP2p(ctrl: NvmetCtrl, ns: NvmetNs): void {
    const p2p = this.p2p;
    if (!p2p || !ctrl.p2pClient || !ns.useP2pmem) return;
    let provider;
    if (ns.p2pDev) {
      const d = p2p.distance(ns.p2pDev, ctrl.p2pClient, true);
      this.log.append(...d.log);
      if (d.distance < 0) return;
      p2p.get(ns.p2pDev);
      provider = ns.p2pDev;
    } else {
      const disk = this.nsDev(ns);
      provider = p2p.findMany(disk ? [ctrl.p2pClient, disk] : [ctrl.p2pClient]);
      if (!provider) {
        this.pr("err", `no peer-to-peer memory is available that's supported by ${ctrl.p2pClient.name} and ${ns.devicePath}`);
        return;
      }
    }
    if (ctrl.p2pNsMap.has(ns.nsid)) p2p.put(provider);
    else ctrl.p2pNsMap.set(ns.nsid, provider);
    this.pr("info", `using p2pmem on ${provider.name} for nsid ${ns.nsid}`);
  }

  /** Removes nsid from a controller's map, dropping the reference (`pci_dev_put(radix_tree_delete())`). */
  private p2pMapDelete(ctrl: NvmetCtrl, nsid: number): void {
    const p = ctrl.p2pNsMap.get(nsid);
    if (p) {
      ctrl.p2pNsMap.delete(nsid);
      this.p2p?.put(p);
    }
  }

  /** Models `nvmet_ns_enable`: 0 or a negative errno; the namespace is unchanged on failure. */
  nsEnable(ns: NvmetNs): number {
    const subsys = ns.subsys;
    if (ns.enabled) return 0;
    if (subsys.nrNamespaces === NVMET_MAX_NAMESPACES) return -EMFILE;
    let ret = this.bdevNsEnable(ns);
    if (ret === ENOTBLK_ERRNO) ret = this.fileNsEnable(ns);
    if (ret) return this.failEnable(ns, ret);
    ret = this.p2pmemNsEnable(ns);
    if (ret) {
      if (!(this.quirks.nsEnableLeak && this.kernel === "4.20")) this.nsDevDisable(ns);
      return this.failEnable(ns, ret);
    }
    if (subsys.namespaces.has(ns.nsid)) {
      // xa_insert finds the nsid taken (two configfs names for one nsid, e.g. "1" and "01")
      this.nsDevDisable(ns);
      return this.failEnable(ns, -EBUSY);
    }
    for (const ctrl of subsys.ctrls) this.p2pmemNsAddP2p(ctrl, ns);
    if (ns.nsid > subsys.maxNsid) subsys.maxNsid = ns.nsid;
    subsys.namespaces.set(ns.nsid, ns);
    sortMap(subsys.namespaces);
    subsys.nrNamespaces++;
    this.nsChanged(subsys, ns.nsid);
    ns.enabled = true;
    ns.lastError = null;
    return 0;
  }

  private failEnable(ns: NvmetNs, errno: number): number {
    const last = this.log.all().at(-1);
    ns.lastError = { errno, message: last ? last.text : "" };
    return errno;
  }

  /** Models `nvmet_ns_disable`. */
  nsDisable(ns: NvmetNs): void {
    const subsys = ns.subsys;
    if (!ns.enabled) return;
    ns.enabled = false;
    subsys.namespaces.delete(ns.nsid);
    if (ns.nsid === subsys.maxNsid) subsys.maxNsid = maxNsid(subsys);
    for (const ctrl of subsys.ctrls) this.p2pMapDelete(ctrl, ns.nsid);
    subsys.nrNamespaces--;
    this.nsChanged(subsys, ns.nsid);
    this.nsDevDisable(ns);
  }

  /** Models `nvmet_ns_free` (rmdir of the namespace). */
  nsFree(ns: NvmetNs): void {
    this.nsDisable(ns);
    this.anaGroupEnabled[ns.anagrpid]!--;
    this.p2p?.put(ns.p2pDev);
    ns.p2pDev = null;
  }

  /** Models `nvmet_ns_revalidate`: true when the size changed. */
  nsRevalidate(ns: NvmetNs): boolean {
    const old = ns.size;
    if (ns.bdev) ns.size = ns.bdev.capacityBytes;
    else if (ns.file) ns.size = ns.file.size();
    return old !== ns.size;
  }

  /** Models `nvmet_ns_changed`: changed-namespace log entry and AEN for every controller. */
  nsChanged(subsys: NvmetSubsys, nsid: number): void {
    for (const ctrl of subsys.ctrls) {
      addToChangedNsLog(ctrl, nsid);
      if (nvmetAenBitDisabled(ctrl, NVME_AEN_BIT_NS_ATTR)) continue;
      nvmetAddAsyncEvent(this, ctrl, NVME_AER_NOTICE, NVME_AER_NOTICE_NS_CHANGED, NVME_LOG.CHANGED_NS);
    }
  }

  /** Models `nvmet_send_ana_event(subsys, port)`. */
  sendAnaEvent(subsys: NvmetSubsys, port: NvmetPort | null): void {
    for (const ctrl of subsys.ctrls) {
      if (port && ctrl.port !== port) continue;
      if (nvmetAenBitDisabled(ctrl, NVME_AEN_BIT_ANA_CHANGE)) continue;
      nvmetAddAsyncEvent(this, ctrl, NVME_AER_NOTICE, NVME_AER_NOTICE_ANA, NVME_LOG.ANA);
    }
  }

  /** Models `nvmet_port_send_ana_event`. */
  portSendAnaEvent(port: NvmetPort): void {
    for (const s of port.subsystems) this.sendAnaEvent(s, port);
  }

  /** Models `nvmet_enable_port`: 0 or a negative errno. */
  enablePort(port: NvmetPort): number {
    const ops = this.transports.get(port.discAddr.trtype);
    if (!ops) {
      this.pr("err", `transport type ${port.discAddr.trtype} not supported`);
      return -EINVAL;
    }
    if (port.piEnable && !(ops.flags & NVMF_METADATA_SUPPORTED)) {
      this.pr("err", `T10-PI is not supported by transport type ${port.discAddr.trtype}`);
      return -EINVAL;
    }
    const ret = ops.addPort(port);
    if (ret) return ret;
    if (port.inlineDataSize < 0) port.inlineDataSize = 0;
    if (port.maxQueueSize < 0) port.maxQueueSize = NVMET_MAX_QUEUE_SIZE;
    else port.maxQueueSize = Math.min(Math.max(port.maxQueueSize, NVMET_MIN_QUEUE_SIZE), NVMET_MAX_QUEUE_SIZE);
    port.enabled = true;
    port.trOps = ops;
    return 0;
  }

  /** Models `nvmet_disable_port`. */
  disablePort(port: NvmetPort): void {
    port.enabled = false;
    port.trOps = null;
    this.transports.get(port.discAddr.trtype)?.removePort(port);
  }

  /** Models `nvmet_port_del_ctrls(port, subsys)`. */
  portDelCtrls(port: NvmetPort, subsys: NvmetSubsys): void {
    for (const ctrl of [...subsys.ctrls]) if (ctrl.port === port) ctrl.ops.deleteCtrl(ctrl);
  }

  /** Models `nvmet_subsys_del_ctrls`. */
  subsysDelCtrls(subsys: NvmetSubsys): void {
    for (const ctrl of [...subsys.ctrls]) ctrl.ops.deleteCtrl(ctrl);
  }

  /** Models `nvmet_host_allowed`. */
  hostAllowed(subsys: NvmetSubsys, hostnqn: string): boolean {
    if (subsys.allowAnyHost) return true;
    if (subsys.type !== "nvme") return true;
    return subsys.hosts.some((h) => h.nqn === hostnqn);
  }

  /** Models `nvmet_find_get_subsys(port, nqn)`. */
  findSubsys(port: NvmetPort | null, nqn: string): NvmetSubsys | null {
    if (!port) return null;
    if (nqn === NVME_DISC_SUBSYS_NAME) return this.discSubsys;
    if (this.discSubsys.nqn === nqn.slice(0, NVMF_NQN_SIZE)) return this.discSubsys;
    for (const s of port.subsystems) if (s.nqn.slice(0, NVMF_NQN_SIZE) === nqn.slice(0, NVMF_NQN_SIZE)) return s;
    return null;
  }

  /** Every controller of every subsystem (the discovery subsystem included). */
  allCtrls(): NvmetCtrl[] {
    const out = [...this.discSubsys.ctrls];
    const seen = new Set<NvmetSubsys>();
    for (const s of this.subsystems.values()) {
      seen.add(s);
      out.push(...s.ctrls);
    }
    for (const p of this.ports) for (const s of p.subsystems) if (!seen.has(s)) {
      seen.add(s);
      out.push(...s.ctrls);
    }
    return out;
  }
}

function sortMap<V>(m: Map<number, V>): void {
  const entries = [...m.entries()].sort((a, b) => a[0] - b[0]);
  m.clear();
  for (const [k, v] of entries) m.set(k, v);
}

/** Models `nvmet_max_nsid`. */
function maxNsid(subsys: NvmetSubsys): number {
  let n = 0;
  for (const k of subsys.namespaces.keys()) n = Math.max(n, k);
  return n;
}

/** Models `nvmet_add_to_changed_ns_log`. */
function addToChangedNsLog(ctrl: NvmetCtrl, nsid: number): void {
  if (ctrl.nrChangedNs > NVME_MAX_CHANGED_NAMESPACES) return;
  for (let i = 0; i < ctrl.nrChangedNs; i++) if (ctrl.changedNsList[i] === nsid) return;
  if (ctrl.nrChangedNs === NVME_MAX_CHANGED_NAMESPACES) {
    ctrl.changedNsList[0] = 0xffffffff;
    ctrl.nrChangedNs = 0xffffffff;
    return;
  }
  ctrl.changedNsList[ctrl.nrChangedNs++] = nsid;
}
