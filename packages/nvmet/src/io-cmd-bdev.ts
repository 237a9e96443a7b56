/**
 * Block-device namespaces (io-cmd-bdev.c): Read/Write as bios over the request's SGL (with
 * REQ_NOMERGE when its first page is P2P memory, spec 6.7), Flush, Write Zeroes, Dataset
 * Management, and the block-status to NVMe-status mapping.
 */
import type { Bio, BioFlag, BlockStatus } from "./backend";
import type { NvmetReq } from "./nvmet";
import { isP2pdmaEntry } from "./p2p";
import { checkDataLenLte, checkTransferLen, copyFromSgl, dsmLen, nvmetReqComplete, parseNvmIoCmd, rwDataLen } from "./req";
import type { SgEntry } from "./sgl";
import { NVME_CMD, NVME_DSMGMT_AD, NVME_RW_FUA, NVME_SC, NVME_STATUS_DNR, SQE } from "./spec/nvme";

/** `BIO_MAX_VECS`: pages per bio before nvmet chains a new one. */
const BIO_MAX_VECS = 256;

/** Models `blk_to_nvme_status`. */
export function blkToNvmeStatus(req: NvmetReq, sts: BlockStatus): number {
  if (sts === "OK") return 0;
  let status: number;
  switch (sts) {
    case "NOSPC":
      status = NVME_SC.CAP_EXCEEDED | NVME_STATUS_DNR;
      req.errorLoc = SQE.length;
      break;
    case "TARGET":
      status = NVME_SC.LBA_RANGE | NVME_STATUS_DNR;
      req.errorLoc = SQE.slba;
      break;
    case "NOTSUPP":
      status = NVME_SC.INVALID_OPCODE | NVME_STATUS_DNR;
      req.errorLoc = SQE.opcode;
      break;
    case "MEDIUM":
      status = NVME_SC.ACCESS_DENIED;
      req.errorLoc = SQE.nsid;
      break;
    default:
      status = NVME_SC.INTERNAL | NVME_STATUS_DNR;
      req.errorLoc = SQE.opcode;
  }
  const op = req.opcode;
  req.errorSlba = op === NVME_CMD.READ || op === NVME_CMD.WRITE || op === NVME_CMD.WRITE_ZEROES ? req.u64(SQE.slba) : 0n;
  return status;
}

/** Submits bios and completes the request with the first failure (`bio_chain` semantics). */
function submitAll(req: NvmetReq, bios: Bio[]): void {
  const bdev = req.ns!.bdev!;
  let pending = bios.length;
  let worst: BlockStatus = "OK";
  for (const bio of bios) {
    void bdev.submitBio(bio).then((sts) => {
      if (sts !== "OK" && worst === "OK") worst = sts;
      if (--pending === 0) nvmetReqComplete(req, blkToNvmeStatus(req, worst));
    });
  }
}

/** Models `nvmet_bdev_execute_rw`. */
function executeRw(req: NvmetReq): void {
  const total = rwDataLen(req) + req.metadataLen;
  if (!checkTransferLen(req, total)) return;
  const sg = req.sg ?? [];
  if (sg.length === 0) {
    nvmetReqComplete(req, 0);
    return;
  }
  const write = req.opcode === NVME_CMD.WRITE;
  const flags: BioFlag[] = write ? ["sync", "idle"] : [];
  if (write && req.u16(SQE.control) & NVME_RW_FUA) flags.push("fua");
  if (isP2pdmaEntry(sg[0])) flags.push("nomerge");
  const ns = req.ns!;
  let sector = Number(req.u64(SQE.slba)) * 2 ** (ns.blksizeShift - 9);
  const bios: Bio[] = [];
  for (let i = 0; i < sg.length; i += BIO_MAX_VECS) {
    const part: SgEntry[] = sg.slice(i, i + BIO_MAX_VECS);
    let bytes = 0;
    for (const e of part) bytes += e.buf.length;
    bios.push({ op: write ? "write" : "read", sector, nrSectors: bytes / 512, sgl: part, flags });
    sector += bytes / 512;
  }
  submitAll(req, bios);
}

/** Models `nvmet_bdev_execute_flush`. */
function executeFlush(req: NvmetReq): void {
  const bdev = req.ns!.bdev!;
  if (!bdev.writeCache) {
    nvmetReqComplete(req, 0);
    return;
  }
  if (!checkTransferLen(req, 0)) return;
  submitAll(req, [{ op: "flush", sector: 0, nrSectors: 0, sgl: [], flags: ["preflush"] }]);
}

/** Models `nvmet_bdev_execute_discard` (one bio per range). */
function executeDiscard(req: NvmetReq): void {
  const ns = req.ns!;
  const bios: Bio[] = [];
  let status = 0;
  const nr = req.u32(SQE.dsmNr) & 0xff;
  for (let i = 0; i <= nr; i++) {
    const range = new Uint8Array(16);
    status = copyFromSgl(req, i * 16, range);
    if (status) break;
    const v = new DataView(range.buffer);
    const nlb = v.getUint32(4, true);
    const slba = Number(v.getBigUint64(8, true));
    if (nlb) bios.push({ op: "discard", sector: slba * 2 ** (ns.blksizeShift - 9), nrSectors: nlb * 2 ** (ns.blksizeShift - 9), sgl: [], flags: [] });
  }
  if (status || bios.length === 0) nvmetReqComplete(req, status);
  else submitAll(req, bios);
}

/** Models `nvmet_bdev_execute_dsm`: only Deallocate does anything. */
function executeDsm(req: NvmetReq): void {
  if (!checkDataLenLte(req, dsmLen(req))) return;
  if (req.u32(SQE.dsmAttributes) === NVME_DSMGMT_AD) executeDiscard(req);
  else nvmetReqComplete(req, 0);
}

/** Models `nvmet_bdev_execute_write_zeroes`. */
function executeWriteZeroes(req: NvmetReq): void {
  if (!checkTransferLen(req, 0)) return;
  const ns = req.ns!;
  const shift = 2 ** (ns.blksizeShift - 9);
  const sector = Number(req.u64(SQE.slba)) * shift;
  const nr = (req.u16(SQE.length) + 1) * shift;
  submitAll(req, [{ op: "write-zeroes", sector, nrSectors: nr, sgl: [], flags: [] }]);
}

/** Models `nvmet_bdev_parse_io_cmd`. */
export function bdevParseIoCmd(req: NvmetReq): number {
  return parseNvmIoCmd(req, { rw: executeRw, flush: executeFlush, dsm: executeDsm, writeZeroes: executeWriteZeroes });
}
