/**
 * Completion status (NVMe 1.4 §4.6.1): Status Code Type, Status Code, the
 * More and Do Not Retry bits, with every status code of the generic, command specific, media
 * and path tables the project uses.
 *
 * A status is handled as the 15-bit Status Field without the phase tag, laid out as in the
 * upper bits of CQE dword 3 shifted down by 17 (and as `include/linux/nvme.h` does):
 * SC bits 7:0, SCT bits 10:8, CRD bits 12:11, More bit 13, DNR bit 14.
 */

/** Status Code Types (NVMe 1.4 §4.6.1.1). */
export const SCT = {
  GENERIC: 0x0,
  COMMAND_SPECIFIC: 0x1,
  MEDIA: 0x2,
  PATH: 0x3,
  VENDOR: 0x7,
} as const;

/** Bits of the 15-bit status value (NVMe 1.4 §4.6.1, CQE dword 3 bits 31:17). */
export const STATUS_BITS = {
  SC_MASK: 0xff,
  SCT_SHIFT: 8,
  SCT_MASK: 0x7,
  CRD_SHIFT: 11,
  CRD_MASK: 0x3,
  /** More: further information in the Error Information log page. */
  MORE: 0x2000,
  /** Do Not Retry. */
  DNR: 0x4000,
} as const;

/** Generic Command Status values (NVMe 1.4 §4.6.1.2.1; 80h-84h are the NVM command set's). */
export const SC_GENERIC = {
  SUCCESS: 0x00,
  INVALID_OPCODE: 0x01,
  INVALID_FIELD: 0x02,
  CID_CONFLICT: 0x03,
  DATA_TRANSFER_ERROR: 0x04,
  ABORTED_POWER_LOSS: 0x05,
  INTERNAL_ERROR: 0x06,
  ABORT_REQUESTED: 0x07,
  ABORTED_SQ_DELETION: 0x08,
  ABORTED_FAILED_FUSED: 0x09,
  ABORTED_MISSING_FUSED: 0x0a,
  INVALID_NAMESPACE_OR_FORMAT: 0x0b,
  COMMAND_SEQUENCE_ERROR: 0x0c,
  INVALID_SGL_SEGMENT_DESCRIPTOR: 0x0d,
  INVALID_NUMBER_OF_SGL_DESCRIPTORS: 0x0e,
  DATA_SGL_LENGTH_INVALID: 0x0f,
  METADATA_SGL_LENGTH_INVALID: 0x10,
  SGL_DESCRIPTOR_TYPE_INVALID: 0x11,
  INVALID_USE_OF_CMB: 0x12,
  PRP_OFFSET_INVALID: 0x13,
  ATOMIC_WRITE_UNIT_EXCEEDED: 0x14,
  OPERATION_DENIED: 0x15,
  SGL_OFFSET_INVALID: 0x16,
  HOST_ID_INCONSISTENT_FORMAT: 0x18,
  KEEP_ALIVE_EXPIRED: 0x19,
  KEEP_ALIVE_INVALID: 0x1a,
  ABORTED_PREEMPT: 0x1b,
  SANITIZE_FAILED: 0x1c,
  SANITIZE_IN_PROGRESS: 0x1d,
  SGL_DATA_BLOCK_GRANULARITY_INVALID: 0x1e,
  CMD_NOT_SUPPORTED_FOR_QUEUE_IN_CMB: 0x1f,
  NS_WRITE_PROTECTED: 0x20,
  COMMAND_INTERRUPTED: 0x21,
  TRANSIENT_TRANSPORT_ERROR: 0x22,
  LBA_OUT_OF_RANGE: 0x80,
  CAPACITY_EXCEEDED: 0x81,
  NS_NOT_READY: 0x82,
  RESERVATION_CONFLICT: 0x83,
  FORMAT_IN_PROGRESS: 0x84,
} as const;

/** Command Specific Status values (NVMe 1.4 §4.6.1.2.2; 80h-82h are the NVM command set's). */
export const SC_CMD_SPECIFIC = {
  COMPLETION_QUEUE_INVALID: 0x00,
  INVALID_QUEUE_IDENTIFIER: 0x01,
  INVALID_QUEUE_SIZE: 0x02,
  ABORT_COMMAND_LIMIT_EXCEEDED: 0x03,
  ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED: 0x05,
  INVALID_FIRMWARE_SLOT: 0x06,
  INVALID_FIRMWARE_IMAGE: 0x07,
  INVALID_INTERRUPT_VECTOR: 0x08,
  INVALID_LOG_PAGE: 0x09,
  INVALID_FORMAT: 0x0a,
  FW_ACTIVATION_REQUIRES_CONVENTIONAL_RESET: 0x0b,
  INVALID_QUEUE_DELETION: 0x0c,
  FEATURE_ID_NOT_SAVEABLE: 0x0d,
  FEATURE_NOT_CHANGEABLE: 0x0e,
  FEATURE_NOT_NS_SPECIFIC: 0x0f,
  FW_ACTIVATION_REQUIRES_NSSR: 0x10,
  FW_ACTIVATION_REQUIRES_RESET: 0x11,
  FW_ACTIVATION_REQUIRES_MTFA: 0x12,
  FW_ACTIVATION_PROHIBITED: 0x13,
  OVERLAPPING_RANGE: 0x14,
  NS_INSUFFICIENT_CAPACITY: 0x15,
  NS_ID_UNAVAILABLE: 0x16,
  NS_ALREADY_ATTACHED: 0x18,
  NS_IS_PRIVATE: 0x19,
  NS_NOT_ATTACHED: 0x1a,
  THIN_PROVISIONING_NOT_SUPPORTED: 0x1b,
  CONTROLLER_LIST_INVALID: 0x1c,
  DEVICE_SELF_TEST_IN_PROGRESS: 0x1d,
  BOOT_PARTITION_WRITE_PROHIBITED: 0x1e,
  INVALID_CONTROLLER_ID: 0x1f,
  INVALID_SECONDARY_CONTROLLER_STATE: 0x20,
  INVALID_NUMBER_OF_CONTROLLER_RESOURCES: 0x21,
  INVALID_RESOURCE_ID: 0x22,
  SANITIZE_PROHIBITED_WITH_PMR: 0x23,
  ANA_GROUP_ID_INVALID: 0x24,
  ANA_ATTACH_FAILED: 0x25,
  CONFLICTING_ATTRIBUTES: 0x80,
  INVALID_PROTECTION_INFORMATION: 0x81,
  WRITE_TO_READ_ONLY_RANGE: 0x82,
} as const;

/** Fabrics command specific status values (NVMe-oF 1.1 §2.4.1; same SCT as {@link SC_CMD_SPECIFIC}). */
export const SC_FABRICS = {
  INCOMPATIBLE_FORMAT: 0x80,
  CONTROLLER_BUSY: 0x81,
  CONNECT_INVALID_PARAMETERS: 0x82,
  CONNECT_RESTART_DISCOVERY: 0x83,
  CONNECT_INVALID_HOST: 0x84,
  INVALID_QUEUE_TYPE: 0x90,
  DISCOVER_RESTART: 0x91,
  AUTHENTICATION_REQUIRED: 0x92,
} as const;

/** Media and Data Integrity Errors (NVMe 1.4 §4.6.1.2.3). */
export const SC_MEDIA = {
  WRITE_FAULT: 0x80,
  UNRECOVERED_READ_ERROR: 0x81,
  END_TO_END_GUARD_CHECK_ERROR: 0x82,
  END_TO_END_APPLICATION_TAG_CHECK_ERROR: 0x83,
  END_TO_END_REFERENCE_TAG_CHECK_ERROR: 0x84,
  COMPARE_FAILURE: 0x85,
  ACCESS_DENIED: 0x86,
  DEALLOCATED_OR_UNWRITTEN_LOGICAL_BLOCK: 0x87,
} as const;

/** Path Related Status values (NVMe 1.4 §4.6.1.2.4). */
export const SC_PATH = {
  INTERNAL_PATH_ERROR: 0x00,
  ASYMMETRIC_ACCESS_PERSISTENT_LOSS: 0x01,
  ASYMMETRIC_ACCESS_INACCESSIBLE: 0x02,
  ASYMMETRIC_ACCESS_TRANSITION: 0x03,
  CONTROLLER_PATHING_ERROR: 0x60,
  HOST_PATHING_ERROR: 0x70,
  COMMAND_ABORTED_BY_HOST: 0x71,
} as const;

/** Options of {@link nvmeStatus}. */
export interface StatusFlags {
  readonly dnr?: boolean;
  readonly more?: boolean;
  readonly crd?: number;
}

/** Builds a 15-bit status value from SCT, SC and flags (NVMe 1.4 §4.6.1). */
export function nvmeStatus(sct: number, sc: number, flags: StatusFlags = {}): number {
  let v = (sc & STATUS_BITS.SC_MASK) | ((sct & STATUS_BITS.SCT_MASK) << STATUS_BITS.SCT_SHIFT);
  v |= ((flags.crd ?? 0) & STATUS_BITS.CRD_MASK) << STATUS_BITS.CRD_SHIFT;
  if (flags.more === true) v |= STATUS_BITS.MORE;
  if (flags.dnr === true) v |= STATUS_BITS.DNR;
  return v;
}

/** The Status Code Type of a 15-bit status value. */
export function statusSct(status: number): number {
  return (status >> STATUS_BITS.SCT_SHIFT) & STATUS_BITS.SCT_MASK;
}

/** The Status Code of a 15-bit status value. */
export function statusSc(status: number): number {
  return status & STATUS_BITS.SC_MASK;
}

/** SCT and SC of a status without CRD/More/DNR, for comparisons. */
export function statusCode(status: number): number {
  return status & 0x7ff;
}

const TABLES: Readonly<Record<number, readonly Readonly<Record<string, number>>[]>> = {
  [SCT.GENERIC]: [SC_GENERIC],
  [SCT.COMMAND_SPECIFIC]: [SC_CMD_SPECIFIC, SC_FABRICS],
  [SCT.MEDIA]: [SC_MEDIA],
  [SCT.PATH]: [SC_PATH],
};

const SCT_NAME: Readonly<Record<number, string>> = {
  [SCT.GENERIC]: "GENERIC",
  [SCT.COMMAND_SPECIFIC]: "COMMAND_SPECIFIC",
  [SCT.MEDIA]: "MEDIA",
  [SCT.PATH]: "PATH",
  [SCT.VENDOR]: "VENDOR",
};

/**
 * The name of a status code (`INVALID_FIELD`), or `SC_xx` when the table has none. For SCT 1,
 * codes 80h-82h are named as NVM command set statuses (fabrics share the numbers).
 */
export function statusName(status: number): string {
  const sct = statusSct(status);
  const sc = statusSc(status);
  for (const table of TABLES[sct] ?? []) {
    for (const [name, v] of Object.entries(table)) if (v === sc) return name;
  }
  return `SC_${sc.toString(16).padStart(2, "0")}`;
}

/** Human-readable status: `GENERIC/INVALID_FIELD (sct 0 sc 0x02) DNR`. */
export function formatStatus(status: number): string {
  const sct = statusSct(status);
  const sc = statusSc(status);
  const flags = [status & STATUS_BITS.MORE ? " MORE" : "", status & STATUS_BITS.DNR ? " DNR" : ""].join("");
  const sctName = SCT_NAME[sct] ?? `SCT_${sct}`;
  return `${sctName}/${statusName(status)} (sct ${sct} sc 0x${sc.toString(16).padStart(2, "0")})${flags}`;
}
