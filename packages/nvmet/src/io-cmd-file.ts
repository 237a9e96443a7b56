/**
 * File-backed namespaces (io-cmd-file.c): Read/Write at `slba << lba_shift` with the
 * capacity check (ENOSPC -> Capacity Exceeded), Flush (fsync), Write Zeroes and Deallocate
 * (fallocate). Never P2P (spec 6.7): the SGLs are system memory.
 */
import { ENOSPC } from "@p2pdma/pci-core";
import type { NvmetReq } from "./nvmet";
import { checkDataLenLte, checkTransferLen, copyFromSgl, dsmLen, errnoToNvmeStatus, nvmetReqComplete, parseNvmIoCmd, rwDataLen } from "./req";
import { NVME_CMD, NVME_DSMGMT_AD, SQE } from "./spec/nvme";

async function fileIo(req: NvmetReq): Promise<number> {
  const ns = req.ns!;
  const file = ns.file!;
  let pos = Number(req.u64(SQE.slba)) * 2 ** ns.blksizeShift;
  if (pos + req.transferLen > ns.size) return errnoToNvmeStatus(req, -ENOSPC);
  const write = req.opcode === NVME_CMD.WRITE;
  for (const e of req.sg ?? []) {
    const r = write ? await file.write(pos, e.buf) : await file.read(pos, e.buf);
    if (r < 0) return errnoToNvmeStatus(req, r);
    pos += e.buf.length;
  }
  return 0;
}

/** Models `nvmet_file_execute_rw`. */
function executeRw(req: NvmetReq): void {
  if (!checkTransferLen(req, rwDataLen(req))) return;
  if (!req.sg || req.sg.length === 0) {
    nvmetReqComplete(req, 0);
    return;
  }
  void fileIo(req).then((s) => nvmetReqComplete(req, s));
}

/** Models `nvmet_file_execute_flush`. */
function executeFlush(req: NvmetReq): void {
  if (!checkTransferLen(req, 0)) return;
  void req.ns!.file!.fsync().then((r) => nvmetReqComplete(req, errnoToNvmeStatus(req, r)));
}

async function discard(req: NvmetReq): Promise<number> {
  const ns = req.ns!;
  const nr = req.u32(SQE.dsmNr) & 0xff;
  for (let i = 0; i <= nr; i++) {
    const range = new Uint8Array(16);
    const st = copyFromSgl(req, i * 16, range);
    if (st) return st;
    const v = new DataView(range.buffer);
    const slba = v.getBigUint64(8, true);
    const offset = Number(slba) * 2 ** ns.blksizeShift;
    const len = v.getUint32(4, true) * 2 ** ns.blksizeShift;
    if (offset + len > ns.size) {
      req.errorSlba = slba;
      return errnoToNvmeStatus(req, -ENOSPC);
    }
    const r = await ns.file!.fallocate("punch", offset, len);
    if (r < 0 && r !== -95) {
      req.errorSlba = slba;
      return errnoToNvmeStatus(req, r);
    }
  }
  return 0;
}

/** Models `nvmet_file_execute_dsm`. */
function executeDsm(req: NvmetReq): void {
  if (!checkDataLenLte(req, dsmLen(req))) return;
  if (req.u32(SQE.dsmAttributes) === NVME_DSMGMT_AD) void discard(req).then((s) => nvmetReqComplete(req, s));
  else nvmetReqComplete(req, 0);
}

/** Models `nvmet_file_execute_write_zeroes`. */
function executeWriteZeroes(req: NvmetReq): void {
  if (!checkTransferLen(req, 0)) return;
  const ns = req.ns!;
  const offset = Number(req.u64(SQE.slba)) * 2 ** ns.blksizeShift;
  const len = (req.u16(SQE.length) + 1) * 2 ** ns.blksizeShift;
  if (offset + len > ns.size) {
    nvmetReqComplete(req, errnoToNvmeStatus(req, -ENOSPC));
    return;
  }
  void ns.file!.fallocate("zero", offset, len).then((r) => nvmetReqComplete(req, r < 0 ? errnoToNvmeStatus(req, r) : 0));
}

/** Models `nvmet_file_parse_io_cmd`. */
export function fileParseIoCmd(req: NvmetReq): number {
  return parseNvmIoCmd(req, { rw: executeRw, flush: executeFlush, dsm: executeDsm, writeZeroes: executeWriteZeroes });
}
