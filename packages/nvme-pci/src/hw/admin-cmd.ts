/**
 * Admin command set (NVMe 1.4 §5), as a table indexed by opcode: Identify, Create/Delete I/O
 * SQ and CQ, Get/Set Features, Get Log Page, Asynchronous Event Request and Abort. Opcodes
 * outside the table are Invalid Command Opcode; admin data pointers are PRPs only (PSDT 00b
 * for admin commands over PCIe, checked by the controller).
 */
import {
  ABORT_RESULT_NOT_ABORTED,
  ADMIN_OPC,
  CC,
  CNS,
  CREATE_CQ,
  CREATE_SQ,
  DELETE_QUEUE,
  GET_LOG_PAGE,
  IDENTIFY_CMD,
  LID,
  SC_CMD_SPECIFIC,
  SC_GENERIC,
  getField,
} from "@p2pdma/nvme-spec";
import type { Command, CommandHandler, Outcome } from "./command";
import type { NvmeController } from "./controller";
import { failWith, generic, ok, specific } from "./command";
import { getFeatures, setFeatures } from "./features";
import { activeNamespaceList, identifyController, identifyNamespace, namespaceDescriptors } from "./identify";
import { changedNsListPage } from "./log-page";
import { msixEnabled, msixTableSize } from "./pci";
import { pageAligned } from "./prp";
import { CompletionQueue, SubmissionQueue } from "./queues";
import { cmbAllows, copyToHost } from "./xfer";

const NSID_BROADCAST = 0xffffffff;

/** Transfers controller-to-host admin data through the command's PRPs. */
function sendData(c: NvmeController, cmd: Command, data: Uint8Array): Outcome {
  const m = c.mapData(cmd, data.length, "to-host");
  if ("status" in m) return failWith(m.status);
  const st = copyToHost(c.dma, m.segs, data);
  return st === null ? ok("admin", data.length) : failWith(st);
}

/** Identify (NVMe 1.4 §5.15). */
function identify(c: NvmeController, cmd: Command): Outcome {
  const cns = getField(cmd.cdw(10), IDENTIFY_CMD.CNS);
  const nsid = cmd.nsid;
  switch (cns) {
    case CNS.CONTROLLER:
      return sendData(c, cmd, identifyController(c));
    case CNS.NAMESPACE:
      if (nsid === NSID_BROADCAST) return sendData(c, cmd, identifyNamespace(c, undefined));
      if (nsid === 0 || nsid > c.options.maxNamespaces) return generic(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT);
      return sendData(c, cmd, identifyNamespace(c, c.namespaces.get(nsid)));
    case CNS.ACTIVE_NS_LIST:
      if (nsid >= 0xfffffffe) return generic(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT);
      return sendData(c, cmd, activeNamespaceList(c, nsid));
    case CNS.NS_ID_DESCRIPTORS: {
      const ns = c.namespaces.get(nsid);
      if (!ns) return generic(SC_GENERIC.INVALID_NAMESPACE_OR_FORMAT);
      return sendData(c, cmd, namespaceDescriptors(c, ns));
    }
    default:
      return generic(SC_GENERIC.INVALID_FIELD);
  }
}

function queueVectors(c: NvmeController): number {
  return msixEnabled(c.dev) ? msixTableSize(c.dev) : 1;
}

/** Create I/O Completion Queue (NVMe 1.4 §5.3). */
function createCq(c: NvmeController, cmd: Command): Outcome {
  const dw10 = cmd.cdw(10);
  const dw11 = cmd.cdw(11);
  const qid = getField(dw10, CREATE_CQ.QID);
  const entries = getField(dw10, CREATE_CQ.QSIZE) + 1;
  if (qid === 0 || qid > c.features.maxCq || c.cqs.has(qid)) return specific(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER);
  if (entries < 2 || entries > c.options.maxQueueEntries) return specific(SC_CMD_SPECIFIC.INVALID_QUEUE_SIZE);
  if (getField(dw11, CREATE_CQ.PC) === 0) return generic(SC_GENERIC.INVALID_FIELD); // CAP.CQR = 1
  const base = cmd.prp1;
  if (!pageAligned(base, c.pageSize)) return generic(SC_GENERIC.PRP_OFFSET_INVALID);
  const ien = getField(dw11, CREATE_CQ.IEN) === 1;
  const iv = getField(dw11, CREATE_CQ.IV);
  if (iv >= queueVectors(c)) return specific(SC_CMD_SPECIFIC.INVALID_INTERRUPT_VECTOR);
  const bytes = entries << getField(c.cc, CC.IOCQES);
  if (getField(c.cc, CC.IOCQES) !== 4) return generic(SC_GENERIC.INVALID_FIELD);
  if (!cmbAllows(c.xferContext, base, bytes, "cqs")) return generic(SC_GENERIC.INVALID_USE_OF_CMB);
  const inCmb = c.cmb?.touches(base, bytes) ?? false;
  c.cqs.set(qid, new CompletionQueue(qid, base, entries, ien, iv, inCmb));
  return ok();
}

/** Create I/O Submission Queue (NVMe 1.4 §5.4). */
function createSq(c: NvmeController, cmd: Command): Outcome {
  const dw10 = cmd.cdw(10);
  const dw11 = cmd.cdw(11);
  const qid = getField(dw10, CREATE_SQ.QID);
  const entries = getField(dw10, CREATE_SQ.QSIZE) + 1;
  const cqid = getField(dw11, CREATE_SQ.CQID);
  if (qid === 0 || qid > c.features.maxSq || c.sqs.has(qid)) return specific(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER);
  if (cqid === 0 || !c.cqs.has(cqid)) return specific(SC_CMD_SPECIFIC.COMPLETION_QUEUE_INVALID);
  if (entries < 2 || entries > c.options.maxQueueEntries) return specific(SC_CMD_SPECIFIC.INVALID_QUEUE_SIZE);
  if (getField(dw11, CREATE_SQ.PC) === 0) return generic(SC_GENERIC.INVALID_FIELD); // CAP.CQR = 1
  const base = cmd.prp1;
  if (!pageAligned(base, c.pageSize)) return generic(SC_GENERIC.PRP_OFFSET_INVALID);
  if (getField(c.cc, CC.IOSQES) !== 6) return generic(SC_GENERIC.INVALID_FIELD);
  const bytes = entries << 6;
  if (!cmbAllows(c.xferContext, base, bytes, "sqs")) return generic(SC_GENERIC.INVALID_USE_OF_CMB);
  const inCmb = c.cmb?.touches(base, bytes) ?? false;
  c.addSq(new SubmissionQueue(qid, base, entries, cqid, getField(dw11, CREATE_SQ.QPRIO), inCmb));
  c.cqs.get(cqid)!.sqs.add(qid);
  return ok();
}

/** Delete I/O Submission Queue (NVMe 1.4 §5.6). */
function deleteSq(c: NvmeController, cmd: Command): Outcome {
  const qid = getField(cmd.cdw(10), DELETE_QUEUE.QID);
  if (qid === 0 || !c.sqs.has(qid)) return specific(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER);
  c.deleteSq(qid);
  return ok();
}

/** Delete I/O Completion Queue (NVMe 1.4 §5.5). */
function deleteCq(c: NvmeController, cmd: Command): Outcome {
  const qid = getField(cmd.cdw(10), DELETE_QUEUE.QID);
  const cq = c.cqs.get(qid);
  if (qid === 0 || !cq) return specific(SC_CMD_SPECIFIC.INVALID_QUEUE_IDENTIFIER);
  if (cq.sqs.size > 0) return specific(SC_CMD_SPECIFIC.INVALID_QUEUE_DELETION);
  c.cqs.delete(qid);
  return ok();
}

/** Get Log Page (NVMe 1.4 §5.14): Error Information, SMART / Health, Changed Namespace List. */
function getLogPage(c: NvmeController, cmd: Command): Outcome {
  const dw10 = cmd.cdw(10);
  const lid = getField(dw10, GET_LOG_PAGE.LID);
  const numd = (getField(dw10, GET_LOG_PAGE.NUMDL) | (getField(cmd.cdw(11), GET_LOG_PAGE.NUMDU) << 16)) + 1;
  const offset = BigInt(cmd.cdw(12)) | (BigInt(cmd.cdw(13)) << 32n);
  let page: Uint8Array;
  switch (lid) {
    case LID.ERROR_INFORMATION:
      page = c.errorLog.page();
      break;
    case LID.SMART_HEALTH:
      if (cmd.nsid !== 0 && cmd.nsid !== NSID_BROADCAST) return generic(SC_GENERIC.INVALID_FIELD); // LPA bit 0 = 0
      page = c.smart.page(c.errorLog.total);
      break;
    case LID.CHANGED_NS_LIST:
      page = changedNsListPage();
      break;
    default:
      return specific(SC_CMD_SPECIFIC.INVALID_LOG_PAGE);
  }
  if ((offset & 3n) !== 0n || offset > BigInt(page.length)) return generic(SC_GENERIC.INVALID_FIELD);
  const len = numd * 4;
  const data = new Uint8Array(len);
  data.set(page.subarray(Number(offset), Math.min(page.length, Number(offset) + len)));
  if (len > (1 << c.options.mdts) * (4096 << c.options.mpsMin) && c.options.mdts !== 0) return generic(SC_GENERIC.INVALID_FIELD);
  return sendData(c, cmd, data);
}

/** Asynchronous Event Request (NVMe 1.4 §5.2): held until an event, at most AERL + 1. */
function asyncEventRequest(c: NvmeController, cmd: Command): Outcome | "deferred" {
  if (c.aers.length >= c.options.asyncEventLimit) return specific(SC_CMD_SPECIFIC.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED);
  const queued = c.takeQueuedEvent();
  if (queued !== undefined) return ok("admin", 0, queued);
  c.aers.push(cmd);
  return "deferred";
}

/** Abort (NVMe 1.4 §5.1): commands complete too fast to abort; DW0 bit 0 = not aborted. */
function abort(_c: NvmeController, _cmd: Command): Outcome {
  return ok("admin", 0, ABORT_RESULT_NOT_ABORTED);
}

/** Supported admin commands, indexed by opcode (NVMe 1.4 Figure 139). */
export const ADMIN_COMMANDS: Readonly<Partial<Record<number, CommandHandler>>> = {
  [ADMIN_OPC.DELETE_IO_SQ]: deleteSq,
  [ADMIN_OPC.CREATE_IO_SQ]: createSq,
  [ADMIN_OPC.GET_LOG_PAGE]: getLogPage,
  [ADMIN_OPC.DELETE_IO_CQ]: deleteCq,
  [ADMIN_OPC.CREATE_IO_CQ]: createCq,
  [ADMIN_OPC.IDENTIFY]: identify,
  [ADMIN_OPC.ABORT]: abort,
  [ADMIN_OPC.SET_FEATURES]: setFeatures,
  [ADMIN_OPC.GET_FEATURES]: getFeatures,
  [ADMIN_OPC.ASYNC_EVENT_REQUEST]: asyncEventRequest,
};
