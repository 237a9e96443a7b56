/**
 * Controller lifecycle (core.c): allocation at Connect with the P2P map (spec 6.4),
 * controller IDs, CAP, CC/CSTS, keep-alive on the virtual clock, asynchronous events, queue
 * teardown and release.
 */
import type { Nvmet } from "./core";
import { newCounters } from "./p2p-stats";
import { NVMET_AEN_CFG_OPTIONAL, NVMET_DISC_KATO_MS, NvmetCtrl } from "./nvmet";
import type { NvmetReq, NvmetSq, NvmetSubsys } from "./nvmet";
import {
  NVME_CC_AMS_SHIFT,
  NVME_CC_CSS_CSI,
  NVME_CC_CSS_NVM,
  NVME_CC_CSS_SHIFT,
  NVME_CC_ENABLE,
  NVME_CC_IOCQES_SHIFT,
  NVME_CC_IOSQES_SHIFT,
  NVME_CC_MPS_SHIFT,
  NVME_CC_SHN_SHIFT,
  NVME_CSTS_CFS,
  NVME_CSTS_RDY,
  NVME_CSTS_SHST_CMPLT,
  NVME_NVM_IOCQES,
  NVME_NVM_IOSQES,
  NVME_SC,
  NVME_STATUS_DNR,
  CONNECT_DATA,
} from "./spec/nvme";
import { nvmetReqComplete } from "./req";

/** Models `nvmet_aen_bit_disabled`: disabled by Set Features, or masked until the log is read. */
export function nvmetAenBitDisabled(ctrl: NvmetCtrl, bit: number): boolean {
  if (((ctrl.aenEnabled >>> bit) & 1) === 0) return true;
  const masked = ((ctrl.aenMasked >>> bit) & 1) !== 0;
  ctrl.aenMasked = (ctrl.aenMasked | (1 << bit)) >>> 0;
  return masked;
}

/** Models `nvmet_clear_aen_bit`: unmask unless the command set RAE (cdw10 bit 15). */
export function nvmetClearAenBit(req: NvmetReq, bit: number): void {
  if ((req.u32(40) & (1 << 15)) !== 0) return;
  const ctrl = req.sq.ctrl!;
  ctrl.aenMasked = (ctrl.aenMasked & ~(1 << bit)) >>> 0;
}

/** Models `nvmet_add_async_event` + the AEN work: queue, then pair with waiting AERs. */
export function nvmetAddAsyncEvent(t: Nvmet, ctrl: NvmetCtrl, type: number, info: number, logPage: number): void {
  ctrl.asyncEvents.push({ eventType: type, eventInfo: info, logPage });
  nvmetAsyncEventsProcess(t, ctrl);
}

/** Models `nvmet_async_events_process`. */
export function nvmetAsyncEventsProcess(_t: Nvmet, ctrl: NvmetCtrl): void {
  while (ctrl.asyncEventCmds.length > 0 && ctrl.asyncEvents.length > 0) {
    const aen = ctrl.asyncEvents.shift()!;
    const req = ctrl.asyncEventCmds.pop()!;
    req.cqe.result = BigInt((aen.eventType | (aen.eventInfo << 8) | (aen.logPage << 16)) >>> 0);
    nvmetReqComplete(req, 0);
  }
}

/** Models `nvmet_async_events_failall` (admin queue teardown). */
function asyncEventsFailall(ctrl: NvmetCtrl): void {
  while (ctrl.asyncEventCmds.length > 0) {
    const req = ctrl.asyncEventCmds.pop()!;
    nvmetReqComplete(req, NVME_SC.INTERNAL | NVME_STATUS_DNR);
  }
}

/** Models `nvmet_start_keep_alive_timer`. */
export function nvmetStartKeepAlive(t: Nvmet, ctrl: NvmetCtrl): void {
  if (ctrl.kato === 0) return;
  scheduleKa(t, ctrl);
}

/** Models `nvmet_stop_keep_alive_timer`. */
export function nvmetStopKeepAlive(_t: Nvmet, ctrl: NvmetCtrl): void {
  if (ctrl.kaTimer) ctrl.kaTimer.cancelled = true;
  ctrl.kaTimer = null;
}

/** `mod_delayed_work(ka_work, kato * HZ)`. */
export function nvmetModKeepAlive(t: Nvmet, ctrl: NvmetCtrl): void {
  nvmetStopKeepAlive(t, ctrl);
  if (ctrl.kato) scheduleKa(t, ctrl);
}

function scheduleKa(t: Nvmet, ctrl: NvmetCtrl): void {
  if (ctrl.kaTimer) ctrl.kaTimer.cancelled = true;
  const ev = t.clock.schedule(ctrl.kato * 1e9, () => keepAliveTimer(t, ctrl));
  ctrl.kaTimer = ev;
}

/** Models `nvmet_keep_alive_timer` (traffic-based keep-alive, TBKAS). */
function keepAliveTimer(t: Nvmet, ctrl: NvmetCtrl): void {
  ctrl.kaTimer = null;
  if (ctrl.resetTbkas) {
    ctrl.resetTbkas = false;
    scheduleKa(t, ctrl);
    return;
  }
  t.pr("err", `ctrl ${ctrl.cntlid} keep-alive timer (${ctrl.kato} seconds) expired!`);
  nvmetCtrlFatalError(t, ctrl);
}

/** Models `nvmet_ctrl_fatal_error` + its work item. */
export function nvmetCtrlFatalError(t: Nvmet, ctrl: NvmetCtrl): void {
  if (ctrl.csts & NVME_CSTS_CFS) return;
  ctrl.csts |= NVME_CSTS_CFS;
  t.pr("err", `ctrl ${ctrl.cntlid} fatal error occurred!`);
  ctrl.ops.deleteCtrl(ctrl);
}

/** Models `nvmet_update_cc` (Property Set of CC). */
export function nvmetUpdateCc(t: Nvmet, ctrl: NvmetCtrl, value: number): void {
  const old = ctrl.cc;
  ctrl.cc = value >>> 0;
  const en = (x: number): boolean => (x & NVME_CC_ENABLE) !== 0;
  const shn = (x: number): number => (x >>> NVME_CC_SHN_SHIFT) & 0x3;
  if (en(value) && !en(old)) startCtrl(t, ctrl);
  if (!en(value) && en(old)) clearCtrl(ctrl);
  if (shn(value) && !shn(old)) {
    clearCtrl(ctrl);
    ctrl.csts |= NVME_CSTS_SHST_CMPLT;
  }
  if (!shn(value) && shn(old)) ctrl.csts &= ~NVME_CSTS_SHST_CMPLT;
}

/** Models `nvmet_start_ctrl`. */
function startCtrl(t: Nvmet, ctrl: NvmetCtrl): void {
  const cc = ctrl.cc;
  if (ctrl.subsys.type === "nvme" && (((cc >>> NVME_CC_IOSQES_SHIFT) & 0xf) !== NVME_NVM_IOSQES || ((cc >>> NVME_CC_IOCQES_SHIFT) & 0xf) !== NVME_NVM_IOCQES)) {
    ctrl.csts = NVME_CSTS_CFS;
    return;
  }
  const css = (cc >>> NVME_CC_CSS_SHIFT) & 0x7;
  if (((cc >>> NVME_CC_MPS_SHIFT) & 0xf) !== 0 || ((cc >>> NVME_CC_AMS_SHIFT) & 0x7) !== 0 || (css !== NVME_CC_CSS_NVM && css !== NVME_CC_CSS_CSI)) {
    ctrl.csts = NVME_CSTS_CFS;
    return;
  }
  ctrl.csts = NVME_CSTS_RDY;
  if (ctrl.kato) nvmetModKeepAlive(t, ctrl);
}

function clearCtrl(ctrl: NvmetCtrl): void {
  ctrl.csts &= ~NVME_CSTS_RDY;
  ctrl.cc = 0;
}

/** Models `nvmet_init_cap`. */
function initCap(ctrl: NvmetCtrl): void {
  let cap = (1n << 37n) | (1n << 43n) | (15n << 24n);
  const portMax = ctrl.port.maxQueueSize;
  const mqes = ctrl.ops.getMaxQueueSize ? Math.min(ctrl.ops.getMaxQueueSize(ctrl), portMax) : portMax;
  cap |= BigInt(mqes - 1);
  ctrl.cap = cap;
}

/** Models `IPO_IATTR_CONNECT_DATA(field)`: offending offset in the Connect data. */
export function ipoConnectData(field: keyof typeof CONNECT_DATA): bigint {
  return BigInt((1 << 16) | CONNECT_DATA[field]);
}

/** Models `nvmet_alloc_ctrl`: a status (0 on success) and the new controller. */
export function nvmetAllocCtrl(
  t: Nvmet,
  subsysnqn: string,
  hostnqn: string,
  req: NvmetReq,
  katoMs: number,
): { status: number; ctrl: NvmetCtrl | null } {
  const subsys = t.findSubsys(req.port, subsysnqn);
  if (!subsys) {
    t.pr("warn", `connect request for invalid subsystem ${subsysnqn}!`);
    req.cqe.result = ipoConnectData("subsysnqn");
    req.errorLoc = 24;
    return { status: NVME_SC.CONNECT_INVALID_PARAM | NVME_STATUS_DNR, ctrl: null };
  }
  if (!t.hostAllowed(subsys, hostnqn)) {
    t.pr("info", `connect by host ${hostnqn} for subsystem ${subsysnqn} not allowed`);
    req.cqe.result = ipoConnectData("hostnqn");
    req.errorLoc = 24;
    return { status: NVME_SC.CONNECT_INVALID_HOST | NVME_STATUS_DNR, ctrl: null };
  }
  const ctrl = new NvmetCtrl(subsys, req.port, req.ops, subsysnqn, hostnqn);
  ctrl.piSupport = req.port.piEnable && subsys.piSupport;
  initCap(ctrl);
  ctrl.aenEnabled = NVMET_AEN_CFG_OPTIONAL;
  let kato = katoMs;
  if (subsys.type !== "nvme" && !kato) kato = NVMET_DISC_KATO_MS;
  ctrl.kato = Math.ceil(kato / 1000);
  ctrl.maxQid = subsys.maxQid;
  for (let i = 0; i <= ctrl.maxQid; i++) ctrl.sqs.push(null);
  let id = -1;
  for (let c = subsys.cntlidMin; c <= subsys.cntlidMax; c++) {
    if (!t.cntlids.has(c)) {
      id = c;
      break;
    }
  }
  if (id < 0) return { status: NVME_SC.CONNECT_CTRL_BUSY | NVME_STATUS_DNR, ctrl: null };
  t.cntlids.add(id);
  ctrl.cntlid = id;
  ctrl.counters = newCounters();
  subsys.ctrls.push(ctrl);
  setupP2pNsMap(t, ctrl, req);
  nvmetStartKeepAlive(t, ctrl);
  return { status: 0, ctrl };
}

/** Models `nvmet_setup_p2p_ns_map`. */
function setupP2pNsMap(t: Nvmet, ctrl: NvmetCtrl, req: NvmetReq): void {
  if (!req.p2pClient) return;
  ctrl.p2pClient = req.p2pClient;
  for (const ns of ctrl.subsys.namespaces.values()) t.p2pmemNsAddP2p(ctrl, ns);
}

/** Models `nvmet_ctrl_find_get` (I/O queue Connect). */
export function nvmetCtrlFindGet(t: Nvmet, subsysnqn: string, hostnqn: string, cntlid: number, req: NvmetReq): NvmetCtrl | null {
  const subsys = t.findSubsys(req.port, subsysnqn);
  if (!subsys) {
    t.pr("warn", `connect request for invalid subsystem ${subsysnqn}!`);
    req.cqe.result = ipoConnectData("subsysnqn");
    return null;
  }
  for (const ctrl of subsys.ctrls) {
    if (ctrl.cntlid !== cntlid) continue;
    if (ctrl.hostnqn.slice(0, 223) !== hostnqn.slice(0, 223)) {
      t.pr("warn", "hostnqn mismatch.");
      continue;
    }
    if (ctrl.refs === 0) continue;
    ctrl.refs++;
    return ctrl;
  }
  t.pr("warn", `could not find controller ${cntlid} for subsys ${subsysnqn} / host ${hostnqn}`);
  req.cqe.result = ipoConnectData("cntlid");
  return null;
}

/** Models `nvmet_ctrl_put` and, at the last reference, `nvmet_ctrl_free`. */
export function nvmetCtrlPut(t: Nvmet, ctrl: NvmetCtrl): void {
  ctrl.refs--;
  if (ctrl.refs > 0) return;
  for (const p of ctrl.p2pNsMap.values()) t.p2p?.put(p);
  ctrl.p2pNsMap.clear();
  ctrl.p2pClient = null;
  const i = ctrl.subsys.ctrls.indexOf(ctrl);
  if (i >= 0) ctrl.subsys.ctrls.splice(i, 1);
  nvmetStopKeepAlive(t, ctrl);
  t.cntlids.delete(ctrl.cntlid);
  ctrl.asyncEvents.length = 0;
  ctrl.deleted = true;
}

/** Models `nvmet_sq_destroy`. */
export function nvmetSqDestroy(t: Nvmet, sq: NvmetSq): void {
  const ctrl = sq.ctrl;
  if (ctrl && ctrl.sqs[0] === sq) asyncEventsFailall(ctrl);
  sq.live = false;
  if (ctrl) {
    ctrl.resetTbkas = true;
    ctrl.sqs[sq.qid] = null;
    nvmetCtrlPut(t, ctrl);
    sq.ctrl = null;
  }
}

/** The subsystem a request's controller belongs to (`nvmet_req_subsys`). */
export function reqSubsys(req: NvmetReq): NvmetSubsys {
  return req.sq.ctrl!.subsys;
}
