/**
 * Feature identifiers and the dword layouts of the features the device model implements
 * (NVMe 1.4 §5.21.1, Figure 271), and Asynchronous Event Request completion fields (§5.2).
 */
import type { BitField } from "./field";

/** Feature Identifiers (NVMe 1.4 Figure 271). */
export const FID = {
  ARBITRATION: 0x01,
  POWER_MANAGEMENT: 0x02,
  LBA_RANGE_TYPE: 0x03,
  TEMPERATURE_THRESHOLD: 0x04,
  ERROR_RECOVERY: 0x05,
  VOLATILE_WRITE_CACHE: 0x06,
  NUMBER_OF_QUEUES: 0x07,
  INTERRUPT_COALESCING: 0x08,
  INTERRUPT_VECTOR_CONFIG: 0x09,
  WRITE_ATOMICITY_NORMAL: 0x0a,
  ASYNC_EVENT_CONFIG: 0x0b,
  AUTONOMOUS_POWER_STATE_TRANSITION: 0x0c,
  HOST_MEMORY_BUFFER: 0x0d,
  TIMESTAMP: 0x0e,
  KEEP_ALIVE_TIMER: 0x0f,
  HOST_CONTROLLED_THERMAL_MGMT: 0x10,
  NON_OPERATIONAL_POWER_STATE_CONFIG: 0x11,
  READ_RECOVERY_LEVEL_CONFIG: 0x12,
  PREDICTABLE_LATENCY_MODE_CONFIG: 0x13,
  PREDICTABLE_LATENCY_MODE_WINDOW: 0x14,
  LBA_STATUS_INFO_REPORT_INTERVAL: 0x15,
  HOST_BEHAVIOR_SUPPORT: 0x16,
  SANITIZE_CONFIG: 0x17,
  ENDURANCE_GROUP_EVENT_CONFIG: 0x18,
  SOFTWARE_PROGRESS_MARKER: 0x80,
  HOST_IDENTIFIER: 0x81,
  RESERVATION_NOTIFICATION_MASK: 0x82,
  RESERVATION_PERSISTENCE: 0x83,
  NS_WRITE_PROTECTION_CONFIG: 0x84,
} as const;

/** Arbitration (FID 01h) CDW11 (NVMe 1.4 §5.21.1.1, Figure 273). */
export const FEAT_ARBITRATION = {
  /** Arbitration Burst, log2 commands (111b: no limit). */
  AB: { shift: 0, width: 3 },
  LPW: { shift: 8, width: 8 },
  MPW: { shift: 16, width: 8 },
  HPW: { shift: 24, width: 8 },
} as const satisfies Record<string, BitField>;

/** Volatile Write Cache (FID 06h) CDW11 (NVMe 1.4 §5.21.1.4, Figure 279). */
export const FEAT_VWC = { WCE: { shift: 0, width: 1 } } as const satisfies Record<string, BitField>;

/** Number of Queues (FID 07h) CDW11 and completion DW0, all 0's based (NVMe 1.4 §5.21.1.7, Figures 280-281). */
export const FEAT_NUM_QUEUES = {
  /** Number of I/O Submission Queues Requested / Allocated. */
  NSQ: { shift: 0, width: 16 },
  /** Number of I/O Completion Queues Requested / Allocated. */
  NCQ: { shift: 16, width: 16 },
  /** The value FFFFh is not allowed in either field (Invalid Field in Command). */
  INVALID: 0xffff,
} as const;

/** Interrupt Coalescing (FID 08h) CDW11 (NVMe 1.4 §5.21.1.8, Figure 282). */
export const FEAT_IRQ_COALESCE = {
  THR: { shift: 0, width: 8 },
  TIME: { shift: 8, width: 8 },
} as const satisfies Record<string, BitField>;

/** Asynchronous Event Configuration (FID 0Bh) CDW11 (NVMe 1.4 §5.21.1.11, Figure 286). */
export const FEAT_ASYNC_EVENT = {
  SMART_CRITICAL_WARNINGS: { shift: 0, width: 8 },
  NS_ATTRIBUTE_NOTICES: 1 << 8,
  FW_ACTIVATION_NOTICES: 1 << 9,
  TELEMETRY_LOG_NOTICES: 1 << 10,
  ANA_CHANGE_NOTICES: 1 << 11,
} as const;

/** Asynchronous Event Request completion DW0 (NVMe 1.4 §5.2.1, Figure 146). */
export const AER_RESULT = {
  TYPE: { shift: 0, width: 3 },
  INFO: { shift: 8, width: 8 },
  LOG_PAGE: { shift: 16, width: 8 },
} as const satisfies Record<string, BitField>;

/** Asynchronous Event Types (NVMe 1.4 Figure 146). */
export const AER_TYPE = {
  ERROR: 0x0,
  SMART: 0x1,
  NOTICE: 0x2,
  IO_COMMAND_SPECIFIC: 0x6,
  VENDOR: 0x7,
} as const;

/** Asynchronous Event Information for Error Status events (NVMe 1.4 Figure 147). */
export const AER_ERROR_INFO = {
  INVALID_DOORBELL_REGISTER: 0x00,
  INVALID_DOORBELL_WRITE_VALUE: 0x01,
  DIAGNOSTIC_FAILURE: 0x02,
  PERSISTENT_INTERNAL_ERROR: 0x03,
  TRANSIENT_INTERNAL_ERROR: 0x04,
  FIRMWARE_IMAGE_LOAD_ERROR: 0x05,
} as const;

/** Asynchronous Event Information for Notice events (NVMe 1.4 Figure 149). */
export const AER_NOTICE_INFO = {
  NS_ATTRIBUTE_CHANGED: 0x00,
  FW_ACTIVATION_STARTING: 0x01,
  TELEMETRY_LOG_CHANGED: 0x02,
  ANA_CHANGE: 0x03,
  PREDICTABLE_LATENCY_AGGREGATE_CHANGE: 0x04,
  LBA_STATUS_ALERT: 0x05,
  ENDURANCE_GROUP_EVENT_AGGREGATE_CHANGE: 0x06,
  DISCOVERY_LOG_CHANGED: 0xf0,
} as const;

/** Abort completion DW0 bit 0: set when the command was not aborted (NVMe 1.4 §5.1.1). */
export const ABORT_RESULT_NOT_ABORTED = 0x1;
