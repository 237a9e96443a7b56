/**
 * Log pages (NVMe 1.4 §5.14.1): identifiers, the Error Information entry (Figure 196), the
 * SMART / Health Information page (Figure 197), the Changed Namespace List (§5.14.1.4), and
 * the Discovery log page header and entry (NVMe-oF 1.1 §5.3, Figures 40-41).
 */

/** Log Page Identifiers (NVMe 1.4 Figure 191; 70h from NVMe-oF 1.1). */
export const LID = {
  ERROR_INFORMATION: 0x01,
  SMART_HEALTH: 0x02,
  FIRMWARE_SLOT: 0x03,
  CHANGED_NS_LIST: 0x04,
  COMMANDS_SUPPORTED_AND_EFFECTS: 0x05,
  DEVICE_SELF_TEST: 0x06,
  TELEMETRY_HOST: 0x07,
  TELEMETRY_CONTROLLER: 0x08,
  ENDURANCE_GROUP: 0x09,
  PREDICTABLE_LATENCY_PER_SET: 0x0a,
  PREDICTABLE_LATENCY_AGGREGATE: 0x0b,
  ANA: 0x0c,
  PERSISTENT_EVENT: 0x0d,
  LBA_STATUS: 0x0e,
  ENDURANCE_GROUP_EVENT_AGGREGATE: 0x0f,
  DISCOVERY: 0x70,
  RESERVATION_NOTIFICATION: 0x80,
  SANITIZE_STATUS: 0x81,
} as const;

/** Error Information log entry (NVMe 1.4 Figure 196), 64 bytes. */
export const ERROR_LOG = {
  SIZE: 64,
  ERROR_COUNT: 0,
  SQID: 8,
  CMDID: 10,
  /** Status Field (bits 15:1) and phase tag (bit 0) of the failed command. */
  STATUS: 12,
  PARAM_ERROR_LOCATION: 14,
  LBA: 16,
  NSID: 24,
  VS_INFO_AVAILABLE: 28,
  TRTYPE: 29,
  COMMAND_SPECIFIC: 32,
  TRTYPE_SPECIFIC: 40,
} as const;

/** Parameter Error Location fields (NVMe 1.4 Figure 197): byte (7:0) and bit (10:8) in the SQE. */
export const PARAM_ERROR_LOCATION = {
  BYTE: { shift: 0, width: 8 },
  BIT: { shift: 8, width: 3 },
} as const;

/** SMART / Health Information log page (NVMe 1.4 Figure 197), 512 bytes. */
export const SMART_LOG = {
  SIZE: 512,
  CRITICAL_WARNING: 0,
  COMPOSITE_TEMPERATURE: 1,
  AVAILABLE_SPARE: 3,
  AVAILABLE_SPARE_THRESHOLD: 4,
  PERCENTAGE_USED: 5,
  ENDURANCE_GROUP_CRITICAL_WARNING: 6,
  /** 16-byte counters follow; data units are thousands of 512-byte units, rounded up. */
  DATA_UNITS_READ: 32,
  DATA_UNITS_WRITTEN: 48,
  HOST_READ_COMMANDS: 64,
  HOST_WRITE_COMMANDS: 80,
  CONTROLLER_BUSY_TIME: 96,
  POWER_CYCLES: 112,
  POWER_ON_HOURS: 128,
  UNSAFE_SHUTDOWNS: 144,
  MEDIA_ERRORS: 160,
  NUM_ERROR_LOG_ENTRIES: 176,
  WARNING_TEMP_TIME: 192,
  CRITICAL_TEMP_TIME: 196,
  /** Temperature sensors 1-8, 2 bytes each. */
  TEMP_SENSOR1: 200,
  THERMAL_MGMT_T1_COUNT: 216,
  THERMAL_MGMT_T2_COUNT: 220,
  THERMAL_MGMT_T1_TIME: 224,
  THERMAL_MGMT_T2_TIME: 228,
  /** Width of the 128-bit counters. */
  COUNTER_SIZE: 16,
} as const;

/** SMART Critical Warning bits (NVMe 1.4 Figure 197). */
export const SMART_CRITICAL_WARNING = {
  SPARE: 1 << 0,
  TEMPERATURE: 1 << 1,
  RELIABILITY: 1 << 2,
  READ_ONLY: 1 << 3,
  VOLATILE_BACKUP: 1 << 4,
  PMR_READ_ONLY: 1 << 5,
} as const;

/** Changed Namespace List log page: up to 1024 NSIDs (NVMe 1.4 §5.14.1.4, Figure 199). */
export const CHANGED_NS_LIST = {
  SIZE: 4096,
  ENTRIES: 1024,
  ENTRY_SIZE: 4,
  /** First entry FFFFFFFFh: more than 1024 namespaces changed. */
  OVERFLOW: 0xffffffff,
} as const;

/** Discovery log page header (NVMe-oF 1.1 Figure 40), 1024 bytes before the entries. */
export const DISCOVERY_LOG = {
  HEADER_SIZE: 1024,
  /** Generation Counter (8 bytes). */
  GENCTR: 0,
  /** Number of Records (8 bytes). */
  NUMREC: 8,
  /** Record Format (2 bytes). */
  RECFMT: 16,
  /** First entry. */
  ENTRIES: 1024,
} as const;

/** Discovery log page entry (NVMe-oF 1.1 Figure 41), 1024 bytes. */
export const DISCOVERY_ENTRY = {
  SIZE: 1024,
  TRTYPE: 0,
  ADRFAM: 1,
  SUBTYPE: 2,
  TREQ: 3,
  PORTID: 4,
  CNTLID: 6,
  ASQSZ: 8,
  TRSVCID: 32,
  SUBNQN: 256,
  TRADDR: 512,
  TSAS: 768,
  TRSVCID_SIZE: 32,
  SUBNQN_SIZE: 256,
  TRADDR_SIZE: 256,
  TSAS_SIZE: 256,
} as const;

/** Transport types (NVMe-oF 1.1 Figure 41 TRTYPE). */
export const TRTYPE = { RDMA: 1, FC: 2, TCP: 3, LOOP: 254 } as const;
/** Address families (NVMe-oF 1.1 Figure 41 ADRFAM). */
export const ADRFAM = { IPV4: 1, IPV6: 2, IB: 3, FC: 4, LOOP: 254 } as const;
/** Subsystem types (NVMe-oF 1.1 Figure 41 SUBTYPE). */
export const SUBTYPE = { DISCOVERY: 1, NVME: 2 } as const;
/** TREQ secure channel values, bits 1:0 (NVMe-oF 1.1 Figure 41). */
export const TREQ = { NOT_SPECIFIED: 0, REQUIRED: 1, NOT_REQUIRED: 2 } as const;
