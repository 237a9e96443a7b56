/**
 * Identify data the controller returns (NVMe 1.4 §5.15.2): Identify Controller (Figure 247),
 * Identify Namespace (Figure 245), the active namespace ID list and the namespace
 * identification descriptor list (Figure 249).
 */
import { writeLE, writeLE64 } from "@p2pdma/pci-core";
import {
  ACTIVE_NS_LIST,
  CQE_SIZE_SHIFT,
  DLFEAT,
  DLFEAT_READ,
  IDENTIFY_DATA_SIZE,
  ID_CTRL,
  ID_CTRL_SIZE,
  ID_NS,
  ID_VWC,
  LBAF,
  NIDT,
  NS_ID_DESC,
  ONCS,
  SGLS,
  SGLS_SUPPORT,
  SQE_SIZE_SHIFT,
  setField,
} from "@p2pdma/nvme-spec";
import type { NvmeController } from "./controller";
import type { Namespace } from "./namespace";

function ascii(out: Uint8Array, at: number, size: number, text: string): void {
  for (let i = 0; i < size; i++) out[at + i] = i < text.length ? text.charCodeAt(i) & 0x7f : 0x20;
}

/** Identify Controller data structure. */
export function identifyController(c: NvmeController): Uint8Array {
  const o = c.options;
  const d = new Uint8Array(IDENTIFY_DATA_SIZE);
  writeLE(d, ID_CTRL.VID, 2, o.vendor);
  writeLE(d, ID_CTRL.SSVID, 2, o.subsystemVendor);
  ascii(d, ID_CTRL.SN, ID_CTRL_SIZE.SN, o.serial);
  ascii(d, ID_CTRL.MN, ID_CTRL_SIZE.MN, o.modelNumber);
  ascii(d, ID_CTRL.FR, ID_CTRL_SIZE.FR, o.firmware);
  d[ID_CTRL.RAB] = 6;
  d[ID_CTRL.MDTS] = o.mdts;
  writeLE(d, ID_CTRL.CNTLID, 2, o.cntlid);
  writeLE(d, ID_CTRL.VER, 4, o.version);
  d[ID_CTRL.CNTRLTYPE] = 1; // I/O controller
  d[ID_CTRL.ACL] = o.abortLimit - 1;
  d[ID_CTRL.AERL] = o.asyncEventLimit - 1;
  d[ID_CTRL.FRMW] = 0x02; // one firmware slot
  d[ID_CTRL.ELPE] = o.errorLogEntries - 1;
  writeLE(d, ID_CTRL.WCTEMP, 2, 0x0157);
  writeLE(d, ID_CTRL.CCTEMP, 2, 0x0175);
  let total = 0n;
  for (const ns of c.namespaces.values()) total += ns.blocks * BigInt(ns.lbaSize);
  writeLE64(d, ID_CTRL.TNVMCAP, total);
  d[ID_CTRL.SQES] = (SQE_SIZE_SHIFT << 4) | SQE_SIZE_SHIFT;
  d[ID_CTRL.CQES] = (CQE_SIZE_SHIFT << 4) | CQE_SIZE_SHIFT;
  writeLE(d, ID_CTRL.NN, 4, o.maxNamespaces);
  writeLE(d, ID_CTRL.ONCS, 2, ONCS.DSM | ONCS.WRITE_ZEROES);
  d[ID_CTRL.VWC] = o.volatileWriteCache ? ID_VWC.PRESENT | ID_VWC.FLUSH_BROADCAST_SUPPORTED : 0;
  writeLE(d, ID_CTRL.SGLS, 4, o.sgl ? setField(SGLS.BIT_BUCKET, SGLS.SUPPORT, SGLS_SUPPORT.SUPPORTED) : 0);
  const nqn = `nqn.2024-01.io.p2pdma:nvme:${o.serial}`.slice(0, ID_CTRL_SIZE.SUBNQN - 1);
  for (let i = 0; i < nqn.length; i++) d[ID_CTRL.SUBNQN + i] = nqn.charCodeAt(i) & 0x7f;
  // Power state 0: maximum power 25.00 W (centiwatts), entry/exit latencies 0.
  writeLE(d, ID_CTRL.PSD0, 2, 2500);
  return d;
}

/** Identify Namespace data structure; all zero for an inactive NSID. */
export function identifyNamespace(c: NvmeController, ns: Namespace | undefined): Uint8Array {
  const d = new Uint8Array(IDENTIFY_DATA_SIZE);
  if (!ns) return d;
  writeLE64(d, ID_NS.NSZE, ns.blocks);
  writeLE64(d, ID_NS.NCAP, ns.blocks);
  writeLE64(d, ID_NS.NUSE, ns.blocks);
  d[ID_NS.NLBAF] = 0;
  d[ID_NS.FLBAS] = 0;
  d[ID_NS.DLFEAT] = DLFEAT_READ.ZEROES | DLFEAT.WRITE_ZEROES_DEAC;
  writeLE64(d, ID_NS.NVMCAP, ns.blocks * BigInt(ns.lbaSize));
  putEui64(d, ID_NS.EUI64, ns.eui64(c.euiSeed));
  writeLE(d, ID_NS.LBAF0, 4, setField(0, LBAF.LBADS, ns.lbads));
  return d;
}

/** Active Namespace ID list: active NSIDs greater than `after`, ascending (NVMe 1.4 §5.15.2.2). */
export function activeNamespaceList(c: NvmeController, after: number): Uint8Array {
  const d = new Uint8Array(IDENTIFY_DATA_SIZE);
  const ids = [...c.namespaces.keys()].filter((n) => n > after).sort((a, b) => a - b).slice(0, ACTIVE_NS_LIST.ENTRIES);
  ids.forEach((id, i) => writeLE(d, i * ACTIVE_NS_LIST.ENTRY_SIZE, 4, id));
  return d;
}

/** Namespace Identification Descriptor list: the EUI-64 of the namespace (NVMe 1.4 Figure 249). */
export function namespaceDescriptors(c: NvmeController, ns: Namespace): Uint8Array {
  const d = new Uint8Array(IDENTIFY_DATA_SIZE);
  d[NS_ID_DESC.NIDT] = NIDT.EUI64;
  d[NS_ID_DESC.NIDL] = 8;
  putEui64(d, NS_ID_DESC.NID, ns.eui64(c.euiSeed));
  return d;
}

/** An EUI-64 is a byte string, most significant byte first (NVMe 1.4 §7.11). */
function putEui64(d: Uint8Array, at: number, eui: bigint): void {
  for (let i = 0; i < 8; i++) d[at + i] = Number((eui >> BigInt(8 * (7 - i))) & 0xffn);
}
