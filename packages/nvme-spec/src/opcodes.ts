/**
 * Command opcodes: admin (NVMe 1.4 §5, Figure 139), NVM command set I/O (NVMe 1.4 §6,
 * Figure 346) and fabrics (NVMe-oF 1.1 §3.3, Figure 10; opcode 7Fh with an FCTYPE).
 */

/** Admin command opcodes (NVMe 1.4 Figure 139). */
export const ADMIN_OPC = {
  DELETE_IO_SQ: 0x00,
  CREATE_IO_SQ: 0x01,
  GET_LOG_PAGE: 0x02,
  DELETE_IO_CQ: 0x04,
  CREATE_IO_CQ: 0x05,
  IDENTIFY: 0x06,
  ABORT: 0x08,
  SET_FEATURES: 0x09,
  GET_FEATURES: 0x0a,
  ASYNC_EVENT_REQUEST: 0x0c,
  NAMESPACE_MANAGEMENT: 0x0d,
  FIRMWARE_COMMIT: 0x10,
  FIRMWARE_IMAGE_DOWNLOAD: 0x11,
  DEVICE_SELF_TEST: 0x14,
  NAMESPACE_ATTACHMENT: 0x15,
  KEEP_ALIVE: 0x18,
  DIRECTIVE_SEND: 0x19,
  DIRECTIVE_RECEIVE: 0x1a,
  VIRTUALIZATION_MANAGEMENT: 0x1c,
  NVME_MI_SEND: 0x1d,
  NVME_MI_RECEIVE: 0x1e,
  DOORBELL_BUFFER_CONFIG: 0x7c,
  FABRICS: 0x7f,
  FORMAT_NVM: 0x80,
  SECURITY_SEND: 0x81,
  SECURITY_RECEIVE: 0x82,
  SANITIZE: 0x84,
  GET_LBA_STATUS: 0x86,
} as const;
/** An admin opcode value. */
export type AdminOpcode = (typeof ADMIN_OPC)[keyof typeof ADMIN_OPC];

/** NVM command set I/O opcodes (NVMe 1.4 Figure 346). */
export const NVM_OPC = {
  FLUSH: 0x00,
  WRITE: 0x01,
  READ: 0x02,
  WRITE_UNCORRECTABLE: 0x04,
  COMPARE: 0x05,
  WRITE_ZEROES: 0x08,
  DATASET_MANAGEMENT: 0x09,
  VERIFY: 0x0c,
  RESERVATION_REGISTER: 0x0d,
  RESERVATION_REPORT: 0x0e,
  RESERVATION_ACQUIRE: 0x11,
  RESERVATION_RELEASE: 0x15,
} as const;
/** An NVM I/O opcode value. */
export type NvmOpcode = (typeof NVM_OPC)[keyof typeof NVM_OPC];

/** The fabrics command opcode (NVMe-oF 1.1 Figure 10). */
export const FABRICS_OPC = 0x7f;

/** Fabrics command types, byte 4 of a fabrics SQE (NVMe-oF 1.1 Figure 10). */
export const FABRICS_TYPE = {
  PROPERTY_SET: 0x00,
  CONNECT: 0x01,
  PROPERTY_GET: 0x04,
  AUTHENTICATION_SEND: 0x05,
  AUTHENTICATION_RECEIVE: 0x06,
  DISCONNECT: 0x08,
} as const;

/**
 * Data transfer direction encoded in opcode bits 1:0 (NVMe 1.4 Figure 139/346 note):
 * 00b none, 01b host to controller, 10b controller to host, 11b bidirectional.
 */
export const OPC_DATA_XFER = { NONE: 0, HOST_TO_CTRL: 1, CTRL_TO_HOST: 2, BIDIRECTIONAL: 3 } as const;

/** The data transfer direction of an opcode (its bits 1:0). */
export function opcodeDataTransfer(opc: number): number {
  return opc & 0x3;
}
