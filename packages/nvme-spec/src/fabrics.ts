/**
 * NVMe over Fabrics commands (NVMe-oF 1.1 §3): the fabrics command layout, Connect command
 * and data (Figures 19-21), Property Get/Set (Figures 26-29) and the property map (the
 * controller registers as properties, NVMe 1.4 §3.1 with Figure 11 of NVMe-oF 1.1).
 */
import type { BitField } from "./field";

/** Fabrics command SQE offsets common to all FCTYPEs (NVMe-oF 1.1 Figure 10). */
export const FABRICS_CMD = {
  OPC: 0,
  CID: 2,
  FCTYPE: 4,
  /** SGL Descriptor 1 (16 bytes). */
  SGL1: 24,
} as const;

/** Connect command SQE offsets (NVMe-oF 1.1 Figure 19). */
export const CONNECT_CMD = {
  RECFMT: 40,
  QID: 42,
  /** Submission queue size, 0's based. */
  SQSIZE: 44,
  /** Connect Attributes. */
  CATTR: 46,
  /** Keep Alive Timeout, ms. */
  KATO: 48,
} as const;

/** CATTR bits (NVMe-oF 1.1 Figure 19). */
export const CONNECT_CATTR = {
  PRIORITY_CLASS: { shift: 0, width: 2 },
  SQ_FLOW_CONTROL_DISABLE: { shift: 2, width: 1 },
  IO_QUEUE_TYPE: { shift: 3, width: 1 },
} as const satisfies Record<string, BitField>;

/** Connect command data (NVMe-oF 1.1 Figure 20), 1024 bytes. */
export const CONNECT_DATA = {
  SIZE: 1024,
  HOSTID: 0,
  HOSTID_SIZE: 16,
  CNTLID: 16,
  SUBNQN: 256,
  HOSTNQN: 512,
  NQN_SIZE: 256,
} as const;

/** CNTLID values in Connect data (NVMe-oF 1.1 §3.3). */
export const CNTLID = {
  /** Dynamic controller model: the subsystem allocates any controller. */
  DYNAMIC: 0xffff,
  /** Static model: any available controller. */
  ANY_STATIC: 0xfffe,
} as const;

/** Connect response DW0 (NVMe-oF 1.1 Figure 21): CNTLID on success; IATTR/IPO on Invalid Parameters. */
export const CONNECT_RESPONSE = {
  CNTLID: { shift: 0, width: 16 },
  /** Invalid parameter offset (bits 31:16) and attributes (bits 7:0) for Connect Invalid Parameters. */
  IPO: { shift: 16, width: 16 },
  IATTR: { shift: 0, width: 8 },
} as const satisfies Record<string, BitField>;

/** Property Get / Set SQE offsets (NVMe-oF 1.1 Figures 26, 28). */
export const PROPERTY_CMD = {
  /** Attributes: bits 2:0 size (0 = 4 bytes, 1 = 8 bytes). */
  ATTRIB: 40,
  /** Property offset. */
  OFST: 44,
  /** Property Set value (8 bytes). */
  VALUE: 48,
} as const;

/** Property ATTRIB size values (NVMe-oF 1.1 Figure 26). */
export const PROPERTY_SIZE = { BYTES4: 0, BYTES8: 1 } as const;

/** Properties of a fabrics controller: the same offsets as the PCIe registers (NVMe-oF 1.1 Figure 11). */
export const PROPERTY = {
  CAP: 0x00,
  VS: 0x08,
  CC: 0x14,
  CSTS: 0x1c,
  NSSR: 0x20,
} as const;

/** Length of an NVMe Qualified Name field (NVMe 1.4 §7.9: at most 223 bytes plus NUL in 256). */
export const NQN_FIELD_SIZE = 256;
/** The well-known discovery subsystem NQN (NVMe-oF 1.1 §5). */
export const DISCOVERY_NQN = "nqn.2014-08.org.nvmexpress.discovery";
