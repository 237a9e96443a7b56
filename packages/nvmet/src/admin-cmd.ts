/**
 * Admin commands (admin-cmd.c): Get Log Page (error, SMART, firmware slot, changed
 * namespaces, command effects, ANA), Identify (controller, namespace, active namespace list,
 * descriptor list, CS controller), Abort, Get/Set Features, AER, Keep Alive.
 */
import { nvmetAsyncEventsProcess, nvmetClearAenBit, nvmetModKeepAlive, nvmetStartKeepAlive, nvmetStopKeepAlive } from "./ctrl";
import { parseDiscoveryCmd } from "./discovery";
import { parseFabricsAdminCmd } from "./fabrics-cmd";
import {
  NVMET_AEN_CFG_ALL,
  NVMET_AEN_CFG_OPTIONAL,
  NVMET_ASYNC_EVENTS,
  NVMET_ERROR_LOG_SLOTS,
  NVMET_KAS,
  NVMET_MAX_ANAGRPS,
  NVMET_MAX_NAMESPACES,
  NVMET_SN_MAX_SIZE,
  NVMF_KEYED_SGLS,
} from "./nvmet";
import type { NvmetCtrl, NvmetReq } from "./nvmet";
import {
  checkCtrlStatus,
  checkDataLenLte,
  checkTransferLen,
  copyToSgl,
  nvmetReqComplete,
  reportInvalidOpcode,
  reqFindNs,
  reqTarget,
  zeroSgl,
} from "./req";
import {
  ID_CTRL,
  ID_NS,
  NVME_ADMIN,
  NVME_AEN_BIT_ANA_CHANGE,
  NVME_AEN_BIT_NS_ATTR,
  NVME_ANA,
  NVME_CMD,
  NVME_CSI_NVM,
  NVME_CTRL_DISC,
  NVME_CTRL_IO,
  NVME_ERROR_SLOT_SIZE,
  NVME_FABRICS_COMMAND,
  NVME_FEAT,
  NVME_ID_CNS,
  NVME_IDENTIFY_DATA_SIZE,
  NVME_LOG,
  NVME_MAX_CHANGED_NAMESPACES,
  NVME_NIDT,
  NVME_NSID_ALL,
  NVME_SC,
  NVME_SMART_LOG_SIZE,
  NVME_STATUS_DNR,
  SQE,
} from "./spec/nvme";

const enc = new TextEncoder();

/** A little-endian writer over a fresh buffer. */
export class Buf {
  readonly b: Uint8Array;
  readonly v: DataView;
  constructor(size: number) {
    this.b = new Uint8Array(size);
    this.v = new DataView(this.b.buffer);
  }
  u8(o: number, x: number): void { this.b[o] = x & 0xff; }
  u16(o: number, x: number): void { this.v.setUint16(o, x & 0xffff, true); }
  u32(o: number, x: number): void { this.v.setUint32(o, x >>> 0, true); }
  u64(o: number, x: bigint): void { this.v.setBigUint64(o, BigInt.asUintN(64, x), true); }
  /** Copies ASCII padded with `pad` to `len` bytes (`memcpy_and_pad`). */
  str(o: number, s: string, len: number, pad = 0x20): void {
    const e = enc.encode(s).subarray(0, len);
    this.b.set(e, o);
    this.b.fill(pad, o + e.length, o + len);
  }
}

/** Models `nvmet_get_log_page_len`: (NUMDU:NUMDL + 1) dwords. */
export function getLogPageLen(req: NvmetReq): number {
  return ((req.u16(SQE.numdu) * 0x10000 + req.u16(SQE.numdl)) + 1) * 4;
}

function featDataLen(cdw10: number): number {
  return (cdw10 & 0xff) === NVME_FEAT.HOST_ID ? 16 : 0;
}

function executeGetLogPageNoop(req: NvmetReq): void {
  nvmetReqComplete(req, zeroSgl(req, 0, req.transferLen));
}

function executeGetLogPageError(req: NvmetReq): void {
  const ctrl = req.sq.ctrl!;
  let slot = Number(ctrl.errCounter % BigInt(NVMET_ERROR_LOG_SLOTS));
  let off = 0;
  for (let i = 0; i < NVMET_ERROR_LOG_SLOTS; i++) {
    const b = new Buf(NVME_ERROR_SLOT_SIZE);
    const s = ctrl.slots[slot];
    if (s) {
      b.u64(0, s.errorCount);
      b.u16(8, s.sqid);
      b.u16(10, s.cmdid);
      b.u16(12, s.statusField);
      b.u16(14, s.paramErrorLocation);
      b.u64(16, s.lba);
      b.u32(24, s.nsid);
    }
    if (copyToSgl(req, off, b.b)) break;
    slot = slot === 0 ? NVMET_ERROR_LOG_SLOTS - 1 : slot - 1;
    off += NVME_ERROR_SLOT_SIZE;
  }
  nvmetReqComplete(req, 0);
}

function putSmart(b: Buf, reads: number, dur: number, writes: number, duw: number): void {
  b.u64(32, BigInt(dur));
  b.u64(48, BigInt(duw));
  b.u64(64, BigInt(reads));
  b.u64(80, BigInt(writes));
}

function executeGetLogPageSmart(req: NvmetReq): void {
  let status: number = NVME_SC.INTERNAL;
  if (req.transferLen === NVME_SMART_LOG_SIZE) {
    const b = new Buf(NVME_SMART_LOG_SIZE);
    const ctrl = req.sq.ctrl!;
    status = 0;
    if (req.nsid === NVME_NSID_ALL) {
      let r = 0, dur = 0, w = 0, duw = 0;
      for (const ns of ctrl.subsys.namespaces.values()) {
        if (!ns.bdev) continue;
        const s = ns.bdev.stats();
        r += s.readIos;
        dur += Math.ceil(s.readSectors / 1000);
        w += s.writeIos;
        duw += Math.ceil(s.writeSectors / 1000);
      }
      putSmart(b, r, dur, w, duw);
    } else {
      status = reqFindNs(req);
      if (!status && req.ns!.bdev) {
        const s = req.ns!.bdev.stats();
        putSmart(b, s.readIos, Math.ceil(s.readSectors / 1000), s.writeIos, Math.ceil(s.writeSectors / 1000));
      }
    }
    if (!status) {
      b.u64(192, ctrl.errCounter);
      status = copyToSgl(req, 0, b.b);
    }
  }
  nvmetReqComplete(req, status);
}

function executeGetLogCmdEffects(req: NvmetReq): void {
  const csi = req.u8(59);
  let status: number;
  if (csi !== NVME_CSI_NVM) status = NVME_SC.INVALID_LOG_PAGE;
  else {
    const b = new Buf(4096);
    for (const op of [NVME_ADMIN.GET_LOG_PAGE, NVME_ADMIN.IDENTIFY, NVME_ADMIN.ABORT, NVME_ADMIN.SET_FEATURES, NVME_ADMIN.GET_FEATURES, NVME_ADMIN.ASYNC_EVENT, NVME_ADMIN.KEEP_ALIVE]) b.u32(op * 4, 1);
    for (const op of [NVME_CMD.READ, NVME_CMD.FLUSH, NVME_CMD.DSM]) b.u32(1024 + op * 4, 1);
    for (const op of [NVME_CMD.WRITE, NVME_CMD.WRITE_ZEROES]) b.u32(1024 + op * 4, 1 | 2);
    status = copyToSgl(req, 0, b.b);
  }
  nvmetReqComplete(req, status);
}

function executeGetLogChangedNs(req: NvmetReq): void {
  const ctrl = req.sq.ctrl!;
  let status: number = NVME_SC.INTERNAL;
  if (req.transferLen === NVME_MAX_CHANGED_NAMESPACES * 4) {
    const n = ctrl.nrChangedNs === 0xffffffff ? 1 : ctrl.nrChangedNs;
    const b = new Buf(n * 4);
    for (let i = 0; i < n; i++) b.u32(i * 4, ctrl.changedNsList[i] ?? 0);
    status = copyToSgl(req, 0, b.b);
    if (!status) status = zeroSgl(req, n * 4, req.transferLen - n * 4);
    ctrl.nrChangedNs = 0;
    ctrl.changedNsList.length = 0;
    nvmetClearAenBit(req, NVME_AEN_BIT_NS_ATTR);
  }
  nvmetReqComplete(req, status);
}

function executeGetLogAna(req: NvmetReq): void {
  const t = reqTarget(req);
  const ctrl = req.sq.ctrl!;
  let off = 16;
  let ngrps = 0;
  let status = 0;
  const rgo = (req.u8(SQE.lsp) & 1) !== 0;
  let grpid = 1;
  for (; grpid <= NVMET_MAX_ANAGRPS; grpid++) {
    if (!t.anaGroupEnabled[grpid]) continue;
    const nsids = rgo ? [] : [...ctrl.subsys.namespaces.values()].filter((ns) => ns.anagrpid === grpid).map((ns) => ns.nsid);
    const b = new Buf(32 + nsids.length * 4);
    b.u32(0, grpid);
    b.u32(4, nsids.length);
    b.u64(8, t.anaChgcnt);
    b.u8(16, req.port.anaState[grpid] ?? NVME_ANA.INACCESSIBLE);
    nsids.forEach((n, i) => b.u32(32 + i * 4, n));
    status = copyToSgl(req, off, b.b);
    if (status) break;
    off += b.b.length;
    ngrps++;
  }
  for (; grpid <= NVMET_MAX_ANAGRPS; grpid++) if (t.anaGroupEnabled[grpid]) ngrps++;
  nvmetClearAenBit(req, NVME_AEN_BIT_ANA_CHANGE);
  const hdr = new Buf(16);
  hdr.u64(0, t.anaChgcnt);
  hdr.u16(8, ngrps);
  status = copyToSgl(req, 0, hdr.b);
  nvmetReqComplete(req, status);
}

/** Models `nvmet_execute_get_log_page`. */
function executeGetLogPage(req: NvmetReq): void {
  if (!checkTransferLen(req, getLogPageLen(req))) return;
  switch (req.u8(SQE.lid)) {
    case NVME_LOG.ERROR: return executeGetLogPageError(req);
    case NVME_LOG.SMART: return executeGetLogPageSmart(req);
    case NVME_LOG.FW_SLOT: return executeGetLogPageNoop(req);
    case NVME_LOG.CHANGED_NS: return executeGetLogChangedNs(req);
    case NVME_LOG.CMD_EFFECTS: return executeGetLogCmdEffects(req);
    case NVME_LOG.ANA: return executeGetLogAna(req);
  }
  req.errorLoc = SQE.lid;
  nvmetReqComplete(req, NVME_SC.INVALID_FIELD | NVME_STATUS_DNR);
}

/** Models `nvmet_execute_identify_ctrl`: the I/O controller's Identify data with the fabrics fields. */
function executeIdentifyCtrl(req: NvmetReq): void {
  const ctrl = req.sq.ctrl!;
  const subsys = ctrl.subsys;
  const t = reqTarget(req);
  subsys.subsysDiscovered = true;
  const b = new Buf(NVME_IDENTIFY_DATA_SIZE);
  b.str(ID_CTRL.sn, subsys.serial, NVMET_SN_MAX_SIZE);
  b.str(ID_CTRL.mn, subsys.modelNumber, 40);
  b.str(ID_CTRL.fr, subsys.firmwareRev, 8);
  b.u8(ID_CTRL.ieee, subsys.ieeeOui & 0xff);
  b.u8(ID_CTRL.ieee + 1, (subsys.ieeeOui >> 8) & 0xff);
  b.u8(ID_CTRL.ieee + 2, (subsys.ieeeOui >> 16) & 0xff);
  b.u8(ID_CTRL.rab, 6);
  b.u8(ID_CTRL.cntrltype, subsys.type === "nvme" ? NVME_CTRL_IO : NVME_CTRL_DISC);
  b.u8(ID_CTRL.cmic, 1 | 2 | 8);
  b.u8(ID_CTRL.mdts, ctrl.ops.getMdts ? ctrl.ops.getMdts(ctrl) : 0);
  b.u16(ID_CTRL.cntlid, ctrl.cntlid);
  b.u32(ID_CTRL.ver, subsys.ver);
  b.u32(ID_CTRL.oaes, NVMET_AEN_CFG_OPTIONAL);
  b.u32(ID_CTRL.ctratt, 1 | (1 << 6));
  b.u8(ID_CTRL.acl, 3);
  b.u8(ID_CTRL.aerl, NVMET_ASYNC_EVENTS - 1);
  b.u8(ID_CTRL.frmw, 3);
  b.u8(ID_CTRL.lpa, 7);
  b.u8(ID_CTRL.elpe, NVMET_ERROR_LOG_SLOTS - 1);
  b.u16(ID_CTRL.kas, NVMET_KAS);
  b.u8(ID_CTRL.sqes, 0x66);
  b.u8(ID_CTRL.cqes, 0x44);
  b.u16(ID_CTRL.maxcmd, Number(ctrl.cap & 0xffffn) + 1);
  b.u32(ID_CTRL.nn, NVMET_MAX_NAMESPACES);
  b.u32(ID_CTRL.mnan, NVMET_MAX_NAMESPACES);
  b.u16(ID_CTRL.oncs, (1 << 2) | (1 << 3));
  b.u8(ID_CTRL.vwc, 1);
  let sgls = 1;
  if (ctrl.ops.flags & NVMF_KEYED_SGLS) sgls |= 1 << 2;
  if (req.port.inlineDataSize) sgls |= 1 << 20;
  b.u32(ID_CTRL.sgls, sgls);
  b.str(ID_CTRL.subnqn, subsys.nqn, 255, 0);
  let capsule = 64;
  if (!ctrl.piSupport) capsule += req.port.inlineDataSize;
  b.u32(ID_CTRL.ioccsz, Math.floor(capsule / 16));
  b.u32(ID_CTRL.iorcsz, 1);
  b.u8(ID_CTRL.msdbd, ctrl.ops.msdbd);
  b.u8(ID_CTRL.anacap, 0x1f);
  b.u8(ID_CTRL.anatt, 10);
  b.u32(ID_CTRL.anagrpmax, NVMET_MAX_ANAGRPS);
  b.u32(ID_CTRL.nanagrpid, NVMET_MAX_ANAGRPS);
  b.u16(ID_CTRL.psd0, 0x9c4);
  b.u32(ID_CTRL.psd0 + 4, 0x10);
  b.u32(ID_CTRL.psd0 + 8, 0x4);
  b.u8(ID_CTRL.nwpc, 1);
  void t;
  nvmetReqComplete(req, copyToSgl(req, 0, b.b));
}

/** Models `nvmet_execute_identify_ns` (all zeroes for an inactive namespace). */
function executeIdentifyNs(req: NvmetReq): void {
  if (req.nsid === NVME_NSID_ALL) {
    req.errorLoc = SQE.nsid;
    nvmetReqComplete(req, NVME_SC.INVALID_NS | NVME_STATUS_DNR);
    return;
  }
  const b = new Buf(NVME_IDENTIFY_DATA_SIZE);
  if (!reqFindNs(req)) {
    const t = reqTarget(req);
    const ns = req.ns!;
    if (t.nsRevalidate(ns)) t.nsChanged(ns.subsys, ns.nsid);
    const nsze = BigInt(Math.floor(ns.size / 2 ** ns.blksizeShift));
    b.u64(ID_NS.nsze, nsze);
    b.u64(ID_NS.ncap, nsze);
    const st = req.port.anaState[ns.anagrpid];
    if (st !== NVME_ANA.INACCESSIBLE && st !== NVME_ANA.PERSISTENT_LOSS) b.u64(ID_NS.nuse, nsze);
    if (ns.bdev) bdevSetLimits(b, ns.bdev.logicalBlockSize, ns.bdev.physicalBlockSize, ns.bdev.ioMin, ns.bdev.ioOpt, ns.bdev.discardGranularity);
    b.u8(ID_NS.nmic, 1);
    b.u32(ID_NS.anagrpid, ns.anagrpid);
    b.b.set(ns.nguid, ID_NS.nguid);
    b.u8(ID_NS.lbaf0 + 2, ns.blksizeShift);
    if (ns.readonly) b.u8(ID_NS.nsattr, 1);
  }
  req.ns = null;
  nvmetReqComplete(req, copyToSgl(req, 0, b.b));
}

/** Models `nvmet_bdev_set_limits`. */
function bdevSetLimits(b: Buf, lbs: number, pbs: number, ioMin: number, ioOpt: number, discGran: number): void {
  const to0 = (x: number): number => (x > 0 ? x - 1 : 0);
  const lpp0b = to0(Math.floor(pbs / lbs));
  b.u8(ID_NS.nsfeat, (1 << 1) | (1 << 4));
  b.u16(ID_NS.nawun, lpp0b);
  b.u16(ID_NS.nawupf, lpp0b);
  b.u16(ID_NS.nacwu, lpp0b);
  const npwg = to0(Math.floor(ioMin / lbs));
  b.u16(ID_NS.npwg, npwg);
  b.u16(ID_NS.npwa, npwg);
  const npdg = to0(Math.floor(discGran / lbs));
  b.u16(ID_NS.npdg, npdg);
  b.u16(ID_NS.npda, npdg);
  b.u16(ID_NS.nows, to0(Math.floor(ioOpt / lbs)));
}

function executeIdentifyNslist(req: NvmetReq): void {
  const min = req.nsid;
  if (min === 0xfffffffe || min === NVME_NSID_ALL) {
    req.errorLoc = SQE.nsid;
    nvmetReqComplete(req, NVME_SC.INVALID_NS | NVME_STATUS_DNR);
    return;
  }
  const b = new Buf(NVME_IDENTIFY_DATA_SIZE);
  let i = 0;
  for (const ns of req.sq.ctrl!.subsys.namespaces.values()) {
    if (ns.nsid <= min) continue;
    b.u32(i * 4, ns.nsid);
    if (++i === 1024) break;
  }
  nvmetReqComplete(req, copyToSgl(req, 0, b.b));
}

function executeIdentifyDesclist(req: NvmetReq): void {
  let status = reqFindNs(req);
  if (!status) {
    const ns = req.ns!;
    const b = new Buf(NVME_IDENTIFY_DATA_SIZE);
    let off = 0;
    const add = (type: number, data: Uint8Array): void => {
      b.u8(off, type);
      b.u8(off + 1, data.length);
      b.b.set(data, off + 4);
      off += 4 + data.length;
    };
    if (ns.uuid.some((x) => x !== 0)) add(NVME_NIDT.UUID, ns.uuid);
    if (ns.nguid.some((x) => x !== 0)) add(NVME_NIDT.NGUID, ns.nguid);
    add(NVME_NIDT.CSI, Uint8Array.of(ns.csi));
    status = copyToSgl(req, 0, b.b);
  }
  req.ns = null;
  nvmetReqComplete(req, status);
}

/** Models `nvmet_execute_identify`. */
function executeIdentify(req: NvmetReq): void {
  if (!checkTransferLen(req, NVME_IDENTIFY_DATA_SIZE)) return;
  const cns = req.u8(SQE.cns);
  const csi = req.u8(SQE.csi);
  switch (cns) {
    case NVME_ID_CNS.NS: return executeIdentifyNs(req);
    case NVME_ID_CNS.CTRL: return executeIdentifyCtrl(req);
    case NVME_ID_CNS.NS_ACTIVE_LIST: return executeIdentifyNslist(req);
    case NVME_ID_CNS.NS_DESC_LIST: return executeIdentifyDesclist(req);
    case NVME_ID_CNS.CS_CTRL:
      if (csi === NVME_CSI_NVM) {
        nvmetReqComplete(req, zeroSgl(req, 0, NVME_IDENTIFY_DATA_SIZE));
        return;
      }
      break;
  }
  req.errorLoc = SQE.cns;
  nvmetReqComplete(req, NVME_SC.INVALID_FIELD | NVME_STATUS_DNR);
}

function executeAbort(req: NvmetReq): void {
  if (!checkTransferLen(req, 0)) return;
  req.cqe.result = 1n;
  nvmetReqComplete(req, 0);
}

/** Models `nvmet_set_feat_kato`. */
export function setFeatKato(req: NvmetReq): number {
  const t = reqTarget(req);
  const ctrl = req.sq.ctrl!;
  nvmetStopKeepAlive(t, ctrl);
  ctrl.kato = Math.ceil(req.u32(SQE.cdw11) / 1000);
  nvmetStartKeepAlive(t, ctrl);
  req.cqe.result = BigInt(ctrl.kato);
  return 0;
}

/** Models `nvmet_set_feat_async_event(req, mask)`. */
export function setFeatAsyncEvent(req: NvmetReq, mask: number): number {
  const v = req.u32(SQE.cdw11);
  if ((v & ~mask) >>> 0) {
    req.errorLoc = SQE.cdw11;
    return NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  }
  req.sq.ctrl!.aenEnabled = v;
  req.cqe.result = BigInt(v);
  return 0;
}

function setFeatWriteProtect(req: NvmetReq): number {
  const t = reqTarget(req);
  let status = reqFindNs(req);
  if (status) return status;
  const ns = req.ns!;
  const wp = req.u32(SQE.cdw11);
  if (wp === 1) ns.readonly = true;
  else if (wp === 0) ns.readonly = false;
  status = 0;
  t.nsChanged(ns.subsys, ns.nsid);
  return status;
}

function numQueues(ctrl: NvmetCtrl): bigint {
  return BigInt((((ctrl.maxQid - 1) & 0xffff) | (((ctrl.maxQid - 1) & 0xffff) << 16)) >>> 0);
}

/** Models `nvmet_execute_set_features`. */
function executeSetFeatures(req: NvmetReq): void {
  if (!checkDataLenLte(req, 0)) return;
  const ctrl = req.sq.ctrl!;
  const cdw10 = req.u32(SQE.cdw10);
  const cdw11 = req.u32(SQE.cdw11);
  let status = 0;
  switch (cdw10 & 0xff) {
    case NVME_FEAT.NUM_QUEUES:
      if ((cdw11 >>> 16) === 0xffff || (cdw11 & 0xffff) === 0xffff) status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
      else req.cqe.result = numQueues(ctrl);
      break;
    case NVME_FEAT.KATO:
      status = setFeatKato(req);
      break;
    case NVME_FEAT.ASYNC_EVENT:
      status = setFeatAsyncEvent(req, NVMET_AEN_CFG_ALL);
      break;
    case NVME_FEAT.HOST_ID:
      status = NVME_SC.CMD_SEQ_ERROR | NVME_STATUS_DNR;
      break;
    case NVME_FEAT.WRITE_PROTECT:
      status = setFeatWriteProtect(req);
      break;
    default:
      req.errorLoc = SQE.cdw10;
      status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  }
  req.ns = null;
  nvmetReqComplete(req, status);
}

/** Models `nvmet_execute_get_features`. */
function executeGetFeatures(req: NvmetReq): void {
  const cdw10 = req.u32(SQE.cdw10);
  if (!checkTransferLen(req, featDataLen(cdw10))) return;
  const ctrl = req.sq.ctrl!;
  let status = 0;
  switch (cdw10 & 0xff) {
    case NVME_FEAT.ASYNC_EVENT:
      req.cqe.result = BigInt(ctrl.aenEnabled >>> 0);
      break;
    case NVME_FEAT.VOLATILE_WC:
      req.cqe.result = 1n;
      break;
    case NVME_FEAT.NUM_QUEUES:
      req.cqe.result = numQueues(ctrl);
      break;
    case NVME_FEAT.KATO:
      req.cqe.result = BigInt(ctrl.kato * 1000);
      break;
    case NVME_FEAT.HOST_ID:
      if (!(req.u32(SQE.cdw11) & 1)) {
        req.errorLoc = SQE.cdw11;
        status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
      } else status = copyToSgl(req, 0, ctrl.hostid);
      break;
    case NVME_FEAT.WRITE_PROTECT:
      status = reqFindNs(req);
      if (!status) req.cqe.result = req.ns!.readonly ? 1n : 0n;
      req.ns = null;
      break;
    default:
      req.errorLoc = SQE.cdw10;
      status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  }
  nvmetReqComplete(req, status);
}

/** Models `nvmet_execute_async_event`: parks the request until an event arrives. */
export function executeAsyncEvent(req: NvmetReq): void {
  if (!checkTransferLen(req, 0)) return;
  const ctrl = req.sq.ctrl!;
  if (ctrl.asyncEventCmds.length >= NVMET_ASYNC_EVENTS) {
    nvmetReqComplete(req, NVME_SC.ASYNC_LIMIT | NVME_STATUS_DNR);
    return;
  }
  ctrl.asyncEventCmds.push(req);
  nvmetAsyncEventsProcess(reqTarget(req), ctrl);
}

/** Models `nvmet_execute_keep_alive`. */
export function executeKeepAlive(req: NvmetReq): void {
  if (!checkTransferLen(req, 0)) return;
  const ctrl = req.sq.ctrl!;
  if (!ctrl.kato) {
    nvmetReqComplete(req, NVME_SC.KA_TIMEOUT_INVALID);
    return;
  }
  nvmetModKeepAlive(reqTarget(req), ctrl);
  nvmetReqComplete(req, 0);
}

/** Models `nvmet_admin_cmd_data_len` (what a transport without keyed SGLs expects). */
export function adminCmdDataLen(req: NvmetReq): number {
  if (req.opcode === NVME_FABRICS_COMMAND) return 0;
  switch (req.opcode) {
    case NVME_ADMIN.GET_LOG_PAGE: return getLogPageLen(req);
    case NVME_ADMIN.IDENTIFY: return NVME_IDENTIFY_DATA_SIZE;
    case NVME_ADMIN.GET_FEATURES: return req.sq.ctrl?.subsys.type === "nvme" ? featDataLen(req.u32(SQE.cdw10)) : 0;
    default: return 0;
  }
}

/** Models `nvmet_parse_admin_cmd`. */
export function parseAdminCmd(req: NvmetReq): number {
  if (req.opcode === NVME_FABRICS_COMMAND) return parseFabricsAdminCmd(req);
  if (req.sq.ctrl!.subsys.type !== "nvme") return parseDiscoveryCmd(req);
  const ret = checkCtrlStatus(req);
  if (ret) return ret;
  switch (req.opcode) {
    case NVME_ADMIN.GET_LOG_PAGE: req.execute = executeGetLogPage; return 0;
    case NVME_ADMIN.IDENTIFY: req.execute = executeIdentify; return 0;
    case NVME_ADMIN.ABORT: req.execute = executeAbort; return 0;
    case NVME_ADMIN.SET_FEATURES: req.execute = executeSetFeatures; return 0;
    case NVME_ADMIN.GET_FEATURES: req.execute = executeGetFeatures; return 0;
    case NVME_ADMIN.ASYNC_EVENT: req.execute = executeAsyncEvent; return 0;
    case NVME_ADMIN.KEEP_ALIVE: req.execute = executeKeepAlive; return 0;
    default: return reportInvalidOpcode(req);
  }
}
