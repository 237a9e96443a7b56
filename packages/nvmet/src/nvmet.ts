/**
 * The target's objects (drivers/nvme/target/nvmet.h): ports, subsystems, namespaces, hosts,
 * controllers, queues and requests, plus the transport operations table. State only; the
 * behaviour lives in core.ts and the command files.
 */
import type { KDevice } from "@p2pdma/pci-core";
import type { BackingFile, BlockDevice } from "./backend";
import type { P2pProvider } from "./p2p";
import type { SgEntry } from "./sgl";
import type { P2pCounters } from "./p2p-stats";
import { NVME_ANA, NVMF_ADDR_FAMILY, NVMF_TREQ, SQE_SIZE } from "./spec/nvme";

export const NVMET_ASYNC_EVENTS = 4;
export const NVMET_ERROR_LOG_SLOTS = 128;
export const NVMET_NO_ERROR_LOC = 0xffff;
export const NVMET_DEFAULT_CTRL_MODEL = "Linux";
export const NVMET_MN_MAX_SIZE = 40;
export const NVMET_SN_MAX_SIZE = 20;
export const NVMET_FR_MAX_SIZE = 8;
export const NVMET_MIN_QUEUE_SIZE = 16;
export const NVMET_MAX_QUEUE_SIZE = 1024;
export const NVMET_NR_QUEUES = 128;
export const NVMET_MAX_NAMESPACES = 1024;
export const NVMET_MAX_ANAGRPS = 128;
export const NVMET_DEFAULT_ANA_GRPID = 1;
export const NVMET_KAS = 10;
export const NVMET_DISC_KATO_MS = 120000;
/** NVME_VS(1, 3, 0). */
export const NVMET_DEFAULT_VS = (1 << 16) | (3 << 8);
/** Transport flags (`NVMF_KEYED_SGLS`, `NVMF_METADATA_SUPPORTED`). */
export const NVMF_KEYED_SGLS = 1 << 0;
export const NVMF_METADATA_SUPPORTED = 1 << 1;

/** `struct nvmet_fabrics_ops`: what a transport provides to the core. */
export interface NvmetFabricsOps {
  readonly type: number;
  readonly name: string;
  readonly flags: number;
  readonly msdbd: number;
  /** Returns 0 or a negative errno. */
  addPort(port: NvmetPort): number;
  removePort(port: NvmetPort): void;
  queueResponse(req: NvmetReq): void;
  deleteCtrl(ctrl: NvmetCtrl): void;
  getMdts?(ctrl: NvmetCtrl): number;
  getMaxQueueSize?(ctrl: NvmetCtrl): number;
}

/** `struct nvmf_disc_rsp_page_entry` fields a port holds (`disc_addr`). */
export interface DiscAddr {
  trtype: number;
  adrfam: number;
  treq: number;
  portid: number;
  trsvcid: string;
  traddr: string;
  /** tsas: for RDMA qptype/prtype/cms, for TCP sectype. */
  tsas: { qptype: number; prtype: number; cms: number; sectype: number };
}

/** `struct nvmet_port` (also used for referrals). */
export class NvmetPort {
  readonly discAddr: DiscAddr;
  /** Linked subsystems in link order. */
  readonly subsystems: NvmetSubsys[] = [];
  /** Enabled referrals in enable order. */
  readonly referrals: NvmetPort[] = [];
  /** Referral: currently on its parent's list. */
  onReferralList = false;
  enabled = false;
  inlineDataSize = -1;
  maxQueueSize = -1;
  piEnable = false;
  trOps: NvmetFabricsOps | null = null;
  /** ana_state[1..128]. */
  readonly anaState: number[] = [];
  /** User-created ANA groups (group 1 is the default group). */
  readonly anaGroups = new Set<number>();
  constructor(portid: number, isReferral = false) {
    this.discAddr = {
      trtype: 0,
      adrfam: isReferral ? 0 : NVMF_ADDR_FAMILY.MAX,
      treq: isReferral ? 0 : NVMF_TREQ.DISABLE_SQFLOW,
      portid,
      trsvcid: "",
      traddr: "",
      tsas: { qptype: 0, prtype: 0, cms: 0, sectype: 0 },
    };
    if (!isReferral) {
      for (let i = 0; i <= 128; i++) this.anaState.push(i === 1 ? NVME_ANA.OPTIMIZED : NVME_ANA.INACCESSIBLE);
    }
  }
}

/** `struct nvmet_host`. */
export class NvmetHost {
  constructor(readonly nqn: string) {}
}

/** `struct nvmet_ns`. */
export class NvmetNs {
  devicePath = "";
  readonly nguid = new Uint8Array(16);
  uuid: Uint8Array = new Uint8Array(16);
  enabled = false;
  bufferedIo = false;
  anagrpid = NVMET_DEFAULT_ANA_GRPID;
  readonly = false;
  csi = 0;
  size = 0;
  blksizeShift = 0;
  bdev: BlockDevice | null = null;
  file: BackingFile | null = null;
  /** `use_p2pmem` and `p2p_dev` (spec 6.1). */
  useP2pmem = false;
  p2pDev: P2pProvider | null = null;
  /** Last enable failure (errno and log), kept for reports. */
  lastError: { errno: number; message: string } | null = null;
  /** P2P vs system-memory SGL counters (not in the kernel). */
  counters: P2pCounters | null = null;
  constructor(
    readonly subsys: NvmetSubsys,
    readonly nsid: number,
  ) {}
}

/** `enum nvme_subsys_type` values nvmet uses. */
export type SubsysType = "nvme" | "disc" | "curr";

/** `struct nvmet_subsys`. */
export class NvmetSubsys {
  ver = NVMET_DEFAULT_VS;
  serial = "";
  modelNumber = NVMET_DEFAULT_CTRL_MODEL;
  ieeeOui = 0;
  firmwareRev = "";
  maxQid: number;
  cntlidMin = 1;
  cntlidMax = 0xffef;
  allowAnyHost = false;
  piSupport = false;
  subsysDiscovered = false;
  /** allowed_hosts links, in link order. */
  readonly hosts: NvmetHost[] = [];
  /** Enabled namespaces (`subsys->namespaces` xarray), kept sorted by nsid. */
  readonly namespaces = new Map<number, NvmetNs>();
  /** Namespaces that exist in configfs, by directory name (`namespaces/<name>`), enabled or not. */
  readonly nsItems = new Map<string, NvmetNs>();
  maxNsid = 0;
  nrNamespaces = 0;
  readonly ctrls: NvmetCtrl[] = [];
  /** Removed from configfs but still referenced by a port link. */
  removed = false;
  constructor(
    public nqn: string,
    readonly type: SubsysType,
  ) {
    this.maxQid = type === "nvme" ? NVMET_NR_QUEUES : 0;
  }
}

/** One error log entry (`struct nvme_error_slot`). */
export interface ErrorSlot {
  errorCount: bigint;
  sqid: number;
  cmdid: number;
  statusField: number;
  paramErrorLocation: number;
  lba: bigint;
  nsid: number;
}

/** A pending asynchronous event (`struct nvmet_async_event`). */
export interface AsyncEvent {
  readonly eventType: number;
  readonly eventInfo: number;
  readonly logPage: number;
}

/** `struct nvmet_ctrl`. */
export class NvmetCtrl {
  cntlid = 0;
  cc = 0;
  csts = 0;
  cap = 0n;
  kato = 0;
  aenEnabled = 0;
  /** `aen_masked`: events of this kind sent and not yet cleared by reading the log. */
  aenMasked = 0;
  maxQid = 0;
  piSupport = false;
  readonly sqs: (NvmetSq | null)[] = [];
  readonly asyncEventCmds: NvmetReq[] = [];
  readonly asyncEvents: AsyncEvent[] = [];
  readonly changedNsList: number[] = [];
  /** `nr_changed_ns` (U32_MAX = overflowed). */
  nrChangedNs = 0;
  errCounter = 0n;
  readonly slots: (ErrorSlot | null)[] = new Array<ErrorSlot | null>(NVMET_ERROR_LOG_SLOTS).fill(null);
  hostid: Uint8Array = new Uint8Array(16);
  /** `p2p_client` and `p2p_ns_map` (spec 6.1). */
  p2pClient: KDevice | null = null;
  readonly p2pNsMap = new Map<number, P2pProvider>();
  /** Keep-alive timer handle and the traffic-based reset flag. */
  kaTimer: { cancelled: boolean } | null = null;
  resetTbkas = false;
  refs = 1;
  deleted = false;
  counters: P2pCounters | null = null;
  constructor(
    readonly subsys: NvmetSubsys,
    readonly port: NvmetPort,
    readonly ops: NvmetFabricsOps,
    readonly subsysnqn: string,
    readonly hostnqn: string,
  ) {}
}

/** `struct nvmet_sq` + `struct nvmet_cq` of one queue. */
export class NvmetSq {
  qid = 0;
  size = 0;
  sqhd = 0;
  sqhdDisabled = false;
  ctrl: NvmetCtrl | null = null;
  /** `percpu_ref` live: false once the queue is being destroyed. */
  live = true;
  inflight = 0;
}

/** The completion queue entry nvmet fills (`struct nvme_completion`). */
export interface Cqe {
  result: bigint;
  sqHead: number;
  sqId: number;
  commandId: number;
  /** The status field as the wire carries it: `(status << 1)`, plus the More bit; no phase. */
  status: number;
}

/** `struct nvmet_req`. */
export class NvmetReq {
  readonly cmd: Uint8Array;
  readonly view: DataView;
  readonly cqe: Cqe = { result: 0n, sqHead: 0, sqId: 0, commandId: 0, status: 0 };
  sq!: NvmetSq;
  ops!: NvmetFabricsOps;
  port!: NvmetPort;
  ns: NvmetNs | null = null;
  sg: SgEntry[] | null = null;
  transferLen = 0;
  metadataLen = 0;
  errorLoc = NVMET_NO_ERROR_LOC;
  errorSlba = 0n;
  execute: ((req: NvmetReq) => void) | null = null;
  /** Set by the transport: the device that will DMA this request's data (spec 6.5). */
  p2pClient: KDevice | null = null;
  /** The provider the SGL came from, or null (spec 6.6). */
  p2pDev: P2pProvider | null = null;
  /** Transport-private completion hook and data. */
  done: ((req: NvmetReq) => void) | null = null;
  constructor(cmd?: Uint8Array) {
    this.cmd = cmd ?? new Uint8Array(SQE_SIZE);
    this.view = new DataView(this.cmd.buffer, this.cmd.byteOffset, SQE_SIZE);
  }
  get opcode(): number {
    return this.cmd[0]!;
  }
  get flags(): number {
    return this.cmd[1]!;
  }
  get commandId(): number {
    return this.view.getUint16(2, true);
  }
  get nsid(): number {
    return this.view.getUint32(4, true);
  }
  u8(off: number): number {
    return this.cmd[off]!;
  }
  u16(off: number): number {
    return this.view.getUint16(off, true);
  }
  u32(off: number): number {
    return this.view.getUint32(off, true);
  }
  u64(off: number): bigint {
    return this.view.getBigUint64(off, true);
  }
}

/** `NVMET_AEN_CFG_OPTIONAL` = NS_ATTR | ANA_CHANGE; `NVMET_DISC_AEN_CFG_OPTIONAL`; `NVMET_AEN_CFG_ALL`. */
export const NVMET_AEN_CFG_OPTIONAL = (1 << 8) | (1 << 11);
export const NVMET_DISC_AEN_CFG_OPTIONAL = (1 << 31) >>> 0;
export const NVMET_AEN_CFG_ALL = (0x1f | NVMET_AEN_CFG_OPTIONAL) >>> 0;
