/**
 * Fabrics commands (fabrics-cmd.c): Property Get/Set and Connect for admin and I/O queues,
 * with every failure status and error location of 6.12.
 */
import { nvmetAllocCtrl, nvmetCtrlFindGet, nvmetCtrlPut, nvmetUpdateCc } from "./ctrl";
import type { NvmetCtrl, NvmetReq } from "./nvmet";
import { checkTransferLen, copyFromSgl, nvmetReqComplete, reqTarget } from "./req";
import {
  CONNECT_DATA,
  NVME_CONNECT_DISABLE_SQFLOW,
  NVME_FABRICS_COMMAND,
  NVME_REG,
  NVME_SC,
  NVME_STATUS_DNR,
  NVMF_FCTYPE,
  NVMF_NQN_FIELD_LEN,
  SQE,
} from "./spec/nvme";

/** Models `nvmet_execute_prop_set`. */
function executePropSet(req: NvmetReq): void {
  if (!checkTransferLen(req, 0)) return;
  let status = 0;
  if (req.u8(SQE.attrib) & 1) {
    req.errorLoc = SQE.attrib;
    status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  } else if (req.u32(SQE.propOffset) === NVME_REG.CC) {
    nvmetUpdateCc(reqTarget(req), req.sq.ctrl!, Number(req.u64(SQE.propValue) & 0xffffffffn));
  } else {
    req.errorLoc = SQE.propOffset;
    status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  }
  nvmetReqComplete(req, status);
}

/** Models `nvmet_execute_prop_get` (including its error-location quirk). */
function executePropGet(req: NvmetReq): void {
  if (!checkTransferLen(req, 0)) return;
  const ctrl = req.sq.ctrl!;
  let status = 0;
  let val = 0n;
  const size8 = (req.u8(SQE.attrib) & 1) !== 0;
  const off = req.u32(SQE.propOffset);
  if (size8) {
    if (off === NVME_REG.CAP) val = ctrl.cap;
    else status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  } else if (off === NVME_REG.VS) val = BigInt(ctrl.subsys.ver);
  else if (off === NVME_REG.CC) val = BigInt(ctrl.cc >>> 0);
  else if (off === NVME_REG.CSTS) val = BigInt(ctrl.csts >>> 0);
  else status = NVME_SC.INVALID_FIELD | NVME_STATUS_DNR;
  req.errorLoc = status && size8 ? SQE.propOffset : SQE.attrib;
  req.cqe.result = val;
  nvmetReqComplete(req, status);
}

/** Models `nvmet_parse_fabrics_admin_cmd` (no DH-HMAC-CHAP). */
export function parseFabricsAdminCmd(req: NvmetReq): number {
  switch (req.u8(SQE.fctype)) {
    case NVMF_FCTYPE.PROPERTY_SET:
      req.execute = executePropSet;
      return 0;
    case NVMF_FCTYPE.PROPERTY_GET:
      req.execute = executePropGet;
      return 0;
    default:
      req.errorLoc = SQE.fctype;
      return NVME_SC.INVALID_OPCODE | NVME_STATUS_DNR;
  }
}

/** Models `nvmet_parse_fabrics_io_cmd`: nothing is valid without authentication. */
export function parseFabricsIoCmd(req: NvmetReq): number {
  req.errorLoc = SQE.fctype;
  return NVME_SC.INVALID_OPCODE | NVME_STATUS_DNR;
}

/** Models `nvmet_install_queue`: 0 or a status. */
function installQueue(ctrl: NvmetCtrl, req: NvmetReq): number {
  const t = reqTarget(req);
  const qid = req.u16(SQE.qid);
  const sqsize = req.u16(SQE.sqsize);
  const mqes = Number(ctrl.cap & 0xffffn);
  if (!sqsize) {
    t.pr("warn", "queue size zero!");
    req.errorLoc = SQE.sqsize;
    req.cqe.result = BigInt(SQE.sqsize);
    req.sq.ctrl = null;
    return NVME_SC.CONNECT_INVALID_PARAM | NVME_STATUS_DNR;
  }
  if (ctrl.sqs[qid]) {
    t.pr("warn", `qid ${qid} has already been created`);
    req.errorLoc = SQE.qid;
    return NVME_SC.CMD_SEQ_ERROR | NVME_STATUS_DNR;
  }
  if (qid && sqsize > mqes) {
    t.pr("warn", `sqsize ${sqsize} is larger than MQES supported ${mqes} cntlid ${ctrl.cntlid}`);
    req.errorLoc = SQE.sqsize;
    req.cqe.result = BigInt(SQE.sqsize);
    return NVME_SC.CONNECT_INVALID_PARAM | NVME_STATUS_DNR;
  }
  if (req.sq.ctrl) {
    t.pr("warn", "queue already connected!");
    req.errorLoc = SQE.opcode;
    return NVME_SC.CONNECT_CTRL_BUSY | NVME_STATUS_DNR;
  }
  req.sq.ctrl = ctrl;
  req.sq.sqhd = 0;
  req.sq.qid = qid;
  req.sq.size = sqsize + 1;
  ctrl.sqs[qid] = req.sq;
  if (req.u8(SQE.cattr) & NVME_CONNECT_DISABLE_SQFLOW) {
    req.sq.sqhdDisabled = true;
    req.cqe.sqHead = 0xffff;
  }
  return 0;
}

const decoder = new TextDecoder();
function cstr(b: Uint8Array): string {
  const z = b.indexOf(0);
  return decoder.decode(z < 0 ? b : b.subarray(0, z));
}

/** Reads and NUL-terminates the Connect data (`d->subsysnqn[255] = 0`). */
function readConnectData(req: NvmetReq): { status: number; d: Uint8Array } {
  const d = new Uint8Array(CONNECT_DATA.size);
  const status = copyFromSgl(req, 0, d);
  d[CONNECT_DATA.subsysnqn + NVMF_NQN_FIELD_LEN - 1] = 0;
  d[CONNECT_DATA.hostnqn + NVMF_NQN_FIELD_LEN - 1] = 0;
  return { status, d };
}

function nqnOf(d: Uint8Array, off: number): string {
  return cstr(d.subarray(off, off + NVMF_NQN_FIELD_LEN));
}

/** Models `nvmet_execute_admin_connect`. */
function executeAdminConnect(req: NvmetReq): void {
  if (!checkTransferLen(req, CONNECT_DATA.size)) return;
  const t = reqTarget(req);
  const { status: s0, d } = readConnectData(req);
  let status = s0;
  if (!status) {
    const recfmt = req.u16(SQE.recfmt);
    const cntlid = d[CONNECT_DATA.cntlid]! | (d[CONNECT_DATA.cntlid + 1]! << 8);
    if (recfmt !== 0) {
      t.pr("warn", `invalid connect version (${recfmt}).`);
      req.errorLoc = SQE.recfmt;
      status = NVME_SC.CONNECT_FORMAT | NVME_STATUS_DNR;
    } else if (cntlid !== 0xffff) {
      t.pr("warn", `connect attempt for invalid controller ID 0x${cntlid.toString(16)}`);
      status = NVME_SC.CONNECT_INVALID_PARAM | NVME_STATUS_DNR;
      req.cqe.result = BigInt((1 << 16) | CONNECT_DATA.cntlid);
    } else {
      const subsysnqn = nqnOf(d, CONNECT_DATA.subsysnqn);
      const hostnqn = nqnOf(d, CONNECT_DATA.hostnqn);
      const r = nvmetAllocCtrl(t, subsysnqn, hostnqn, req, req.u32(SQE.kato));
      status = r.status;
      if (!status && r.ctrl) {
        const ctrl = r.ctrl;
        ctrl.hostid = d.slice(0, 16);
        status = installQueue(ctrl, req);
        if (status) nvmetCtrlPut(t, ctrl);
        else {
          t.pr("info", `creating ${ctrl.subsys.type === "nvme" ? "nvm" : "discovery"} controller ${ctrl.cntlid} for subsystem ${ctrl.subsys.nqn} for NQN ${ctrl.hostnqn}${ctrl.piSupport ? " T10-PI is enabled" : ""}.`);
          req.cqe.result = BigInt(ctrl.cntlid);
        }
      }
    }
  }
  nvmetReqComplete(req, status);
}

/** Models `nvmet_execute_io_connect`. */
function executeIoConnect(req: NvmetReq): void {
  if (!checkTransferLen(req, CONNECT_DATA.size)) return;
  const t = reqTarget(req);
  const qid = req.u16(SQE.qid);
  const { status: s0, d } = readConnectData(req);
  let status = s0;
  if (!status) {
    const recfmt = req.u16(SQE.recfmt);
    if (recfmt !== 0) {
      t.pr("warn", `invalid connect version (${recfmt}).`);
      status = NVME_SC.CONNECT_FORMAT | NVME_STATUS_DNR;
    } else {
      const cntlid = d[CONNECT_DATA.cntlid]! | (d[CONNECT_DATA.cntlid + 1]! << 8);
      const ctrl = nvmetCtrlFindGet(t, nqnOf(d, CONNECT_DATA.subsysnqn), nqnOf(d, CONNECT_DATA.hostnqn), cntlid, req);
      if (!ctrl) status = NVME_SC.CONNECT_INVALID_PARAM | NVME_STATUS_DNR;
      else if (qid > ctrl.maxQid) {
        t.pr("warn", `invalid queue id (${qid})`);
        status = NVME_SC.CONNECT_INVALID_PARAM | NVME_STATUS_DNR;
        req.cqe.result = BigInt(SQE.qid);
        nvmetCtrlPut(t, ctrl);
      } else {
        status = installQueue(ctrl, req);
        if (status) nvmetCtrlPut(t, ctrl);
        else req.cqe.result = BigInt(ctrl.cntlid);
      }
    }
  }
  nvmetReqComplete(req, status);
}

/** Models `nvmet_connect_cmd_data_len`. */
export function connectCmdDataLen(req: NvmetReq): number {
  return req.opcode === NVME_FABRICS_COMMAND && req.u8(SQE.fctype) === NVMF_FCTYPE.CONNECT ? CONNECT_DATA.size : 0;
}

/** Models `nvmet_parse_connect_cmd`: only Connect is valid on an unconnected queue. */
export function parseConnectCmd(req: NvmetReq): number {
  if (req.opcode !== NVME_FABRICS_COMMAND) {
    req.errorLoc = SQE.opcode;
    return NVME_SC.INVALID_OPCODE | NVME_STATUS_DNR;
  }
  if (req.u8(SQE.fctype) !== NVMF_FCTYPE.CONNECT) {
    req.errorLoc = SQE.fctype;
    return NVME_SC.INVALID_OPCODE | NVME_STATUS_DNR;
  }
  req.execute = req.u16(SQE.qid) === 0 ? executeAdminConnect : executeIoConnect;
  return 0;
}
