/**
 * The discovery service (discovery.c): the generation counter and change notices, referrals,
 * and the discovery controller's commands (Get Log Page 0x70 with one entry per allowed
 * port-subsystem link and per referral, Identify, Get/Set Features).
 */
import type { Nvmet } from "./core";
import { nvmetAddAsyncEvent, nvmetAenBitDisabled, nvmetClearAenBit } from "./ctrl";
import { Buf, executeAsyncEvent, executeKeepAlive, getLogPageLen, setFeatAsyncEvent, setFeatKato } from "./admin-cmd";
import { NVMET_DISC_AEN_CFG_OPTIONAL, NVMET_SN_MAX_SIZE, NVMF_KEYED_SGLS } from "./nvmet";
import type { NvmetCtrl, NvmetHost, NvmetPort, NvmetReq, NvmetSubsys } from "./nvmet";
import { checkTransferLen, copyToSgl, nvmetReqComplete, reqTarget, zeroSgl } from "./req";
import {
  DISC_LOG,
  ID_CTRL,
  NVME_ADMIN,
  NVME_AEN_BIT_DISC_CHANGE,
  NVME_AER_NOTICE,
  NVME_AER_NOTICE_DISC_CHANGED,
  NVME_AQ_DEPTH,
  NVME_CNTLID_DYNAMIC,
  NVME_CSTS_RDY,
  NVME_CTRL_DISC,
  NVME_DISC_SUBSYS_NAME,
  NVME_FEAT,
  NVME_ID_CNS,
  NVME_IDENTIFY_DATA_SIZE,
  NVME_LOG,
  NVME_NQN_CURR,
  NVME_NQN_DISC,
  NVME_NQN_NVME,
  NVME_SC,
  NVME_STATUS_DNR,
  NVMF_TRTYPE,
  SQE,
} from "./spec/nvme";

function discChanged(t: Nvmet, port: NvmetPort, ctrl: NvmetCtrl): void {
  if (ctrl.port !== port) return;
  if (nvmetAenBitDisabled(ctrl, NVME_AEN_BIT_DISC_CHANGE)) return;
  nvmetAddAsyncEvent(t, ctrl, NVME_AER_NOTICE, NVME_AER_NOTICE_DISC_CHANGED, NVME_LOG.DISC);
}

/** Models `nvmet_port_disc_changed`. */
export function portDiscChanged(t: Nvmet, port: NvmetPort, subsys: NvmetSubsys | null): void {
  t.genctr++;
  for (const ctrl of [...t.discSubsys.ctrls]) {
    if (subsys && !t.hostAllowed(subsys, ctrl.hostnqn)) continue;
    discChanged(t, port, ctrl);
  }
}

/** Models `nvmet_subsys_disc_changed`. */
export function subsysDiscChanged(t: Nvmet, subsys: NvmetSubsys, host: NvmetHost | null): void {
  t.genctr++;
  for (const port of t.ports) {
    if (!port.subsystems.includes(subsys)) continue;
    for (const ctrl of [...t.discSubsys.ctrls]) {
      if (host && host.nqn !== ctrl.hostnqn) continue;
      discChanged(t, port, ctrl);
    }
  }
}

/** Models `nvmet_referral_enable`. */
export function referralEnable(t: Nvmet, parent: NvmetPort, port: NvmetPort): void {
  if (port.onReferralList) return;
  parent.referrals.push(port);
  port.onReferralList = true;
  port.enabled = true;
  portDiscChanged(t, parent, null);
}

/** Models `nvmet_referral_disable`. */
export function referralDisable(t: Nvmet, parent: NvmetPort, port: NvmetPort): void {
  if (!port.onReferralList) return;
  port.enabled = false;
  port.onReferralList = false;
  parent.referrals.splice(parent.referrals.indexOf(port), 1);
  portDiscChanged(t, parent, null);
}

const enc = new TextEncoder();

function formatEntry(b: Buf, i: number, port: NvmetPort, nqn: string, traddr: string, type: number): void {
  const o = DISC_LOG.headerSize + i * DISC_LOG.entrySize;
  const a = port.discAddr;
  b.u8(o + DISC_LOG.e.trtype, a.trtype);
  b.u8(o + DISC_LOG.e.adrfam, a.adrfam);
  b.u8(o + DISC_LOG.e.treq, a.treq);
  b.u16(o + DISC_LOG.e.portid, a.portid);
  b.u16(o + DISC_LOG.e.cntlid, NVME_CNTLID_DYNAMIC);
  b.u16(o + DISC_LOG.e.asqsz, NVME_AQ_DEPTH);
  b.u8(o + DISC_LOG.e.subtype, type);
  b.b.set(enc.encode(a.trsvcid).subarray(0, 32), o + DISC_LOG.e.trsvcid);
  b.b.set(enc.encode(traddr).subarray(0, 256), o + DISC_LOG.e.traddr);
  if (a.trtype === NVMF_TRTYPE.RDMA) {
    b.u8(o + DISC_LOG.e.tsas, a.tsas.qptype);
    b.u8(o + DISC_LOG.e.tsas + 1, a.tsas.prtype);
    b.u8(o + DISC_LOG.e.tsas + 2, a.tsas.cms);
  } else if (a.trtype === NVMF_TRTYPE.TCP) b.u8(o + DISC_LOG.e.tsas, a.tsas.sectype);
  b.b.set(enc.encode(nqn).subarray(0, 223), o + DISC_LOG.e.subnqn);
}

/** Models `nvmet_execute_disc_get_log_page` (with 6.12.117's offset validation). */
function executeDiscGetLogPage(req: NvmetReq): void {
  const t = reqTarget(req);
  const ctrl = req.sq.ctrl!;
  const offset = req.u64(SQE.lpo);
  const dataLen = getLogPageLen(req);
  if (!checkTransferLen(req, dataLen)) return;
  if (req.u8(SQE.lid) !== NVME_LOG.DISC) {
    req.errorLoc = SQE.lid;
    nvmetReqComplete(req, NVME_SC.INVALID_FIELD | NVME_STATUS_DNR);
    return;
  }
  if (offset & 3n) {
    req.errorLoc = SQE.lpo;
    nvmetReqComplete(req, NVME_SC.INVALID_FIELD | NVME_STATUS_DNR);
    return;
  }
  const port = req.port;
  const subs = port.subsystems.filter((s) => t.hostAllowed(s, ctrl.hostnqn));
  const entries = 1 + subs.length + port.referrals.length;
  const allocLen = DISC_LOG.headerSize + entries * DISC_LOG.entrySize;
  const b = new Buf(allocLen);
  let n = 0;
  formatEntry(b, n++, port, t.discSubsys.nqn, port.discAddr.traddr, NVME_NQN_CURR);
  for (const s of subs) formatEntry(b, n++, port, s.nqn, port.discAddr.traddr, NVME_NQN_NVME);
  for (const r of port.referrals) formatEntry(b, n++, r, NVME_DISC_SUBSYS_NAME, r.discAddr.traddr, NVME_NQN_DISC);
  b.u64(DISC_LOG.genctr, t.genctr);
  b.u64(DISC_LOG.numrec, BigInt(n));
  b.u16(DISC_LOG.recfmt, 0);
  nvmetClearAenBit(req, NVME_AEN_BIT_DISC_CHANGE);
  if (offset > BigInt(allocLen)) {
    req.errorLoc = SQE.lpo;
    nvmetReqComplete(req, NVME_SC.INVALID_FIELD | NVME_STATUS_DNR);
    return;
  }
  const off = Number(offset);
  const copyLen = Math.min(dataLen, allocLen - off);
  let status = copyToSgl(req, 0, b.b.subarray(off, off + copyLen));
  if (!status && copyLen < dataLen) status = zeroSgl(req, copyLen, dataLen - copyLen);
  nvmetReqComplete(req, status);
}

/** Models `nvmet_execute_disc_identify`. */
function executeDiscIdentify(req: NvmetReq): void {
  if (!checkTransferLen(req, NVME_IDENTIFY_DATA_SIZE)) return;
  if (req.u8(SQE.cns) !== NVME_ID_CNS.CTRL) {
    req.errorLoc = SQE.cns;
    nvmetReqComplete(req, NVME_SC.INVALID_FIELD | NVME_STATUS_DNR);
    return;
  }
  const t = reqTarget(req);
  const ctrl = req.sq.ctrl!;
  const b = new Buf(NVME_IDENTIFY_DATA_SIZE);
  b.str(ID_CTRL.sn, ctrl.subsys.serial, NVMET_SN_MAX_SIZE);
  b.str(ID_CTRL.mn, ctrl.subsys.modelNumber, 40);
  b.str(ID_CTRL.fr, t.utsRelease, 8);
  b.u8(ID_CTRL.cntrltype, NVME_CTRL_DISC);
  b.u16(ID_CTRL.cntlid, ctrl.cntlid);
  b.u32(ID_CTRL.ver, ctrl.subsys.ver);
  b.u8(ID_CTRL.lpa, 1 << 2);
  b.u16(ID_CTRL.maxcmd, Number(ctrl.cap & 0xffffn) + 1);
  let sgls = 1;
  if (ctrl.ops.flags & NVMF_KEYED_SGLS) sgls |= 1 << 2;
  if (req.port.inlineDataSize) sgls |= 1 << 20;
  b.u32(ID_CTRL.sgls, sgls);
  b.u32(ID_CTRL.oaes, NVMET_DISC_AEN_CFG_OPTIONAL);
  b.str(ID_CTRL.subnqn, ctrl.subsys.nqn, 255, 0);
  nvmetReqComplete(req, copyToSgl(req, 0, b.b));
}

function executeDiscSetFeatures(req: NvmetReq): void {
  if (!checkTransferLen(req, 0)) return;
  let stat: number;
  switch (req.u32(SQE.cdw10) & 0xff) {
    case NVME_FEAT.KATO: stat = setFeatKato(req); break;
    case NVME_FEAT.ASYNC_EVENT: stat = setFeatAsyncEvent(req, NVMET_DISC_AEN_CFG_OPTIONAL); break;
    default:
      req.errorLoc = SQE.cdw10;
      stat = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  }
  nvmetReqComplete(req, stat);
}

function executeDiscGetFeatures(req: NvmetReq): void {
  if (!checkTransferLen(req, 0)) return;
  const ctrl = req.sq.ctrl!;
  let stat = 0;
  switch (req.u32(SQE.cdw10) & 0xff) {
    case NVME_FEAT.KATO: req.cqe.result = BigInt(ctrl.kato * 1000); break;
    case NVME_FEAT.ASYNC_EVENT: req.cqe.result = BigInt(ctrl.aenEnabled >>> 0); break;
    default:
      req.errorLoc = SQE.cdw10;
      stat = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  }
  nvmetReqComplete(req, stat);
}

/** Models `nvmet_parse_discovery_cmd`. */
export function parseDiscoveryCmd(req: NvmetReq): number {
  if (!(req.sq.ctrl!.csts & NVME_CSTS_RDY)) {
    reqTarget(req).pr("err", `got cmd ${req.opcode} while not ready`);
    req.errorLoc = SQE.opcode;
    return NVME_SC.INVALID_OPCODE | NVME_STATUS_DNR;
  }
  switch (req.opcode) {
    case NVME_ADMIN.SET_FEATURES: req.execute = executeDiscSetFeatures; return 0;
    case NVME_ADMIN.GET_FEATURES: req.execute = executeDiscGetFeatures; return 0;
    case NVME_ADMIN.ASYNC_EVENT: req.execute = executeAsyncEvent; return 0;
    case NVME_ADMIN.KEEP_ALIVE: req.execute = executeKeepAlive; return 0;
    case NVME_ADMIN.GET_LOG_PAGE: req.execute = executeDiscGetLogPage; return 0;
    case NVME_ADMIN.IDENTIFY: req.execute = executeDiscIdentify; return 0;
    default:
      req.errorLoc = SQE.opcode;
      return NVME_SC.INVALID_OPCODE | NVME_STATUS_DNR;
  }
}
