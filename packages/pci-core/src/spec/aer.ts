/**
 * PCIe Base 4.0 §7.8.4: the Advanced Error Reporting extended capability.
 * Offsets from the capability start and register bits only; no behaviour.
 */

/** Uncorrectable Error Status (32-bit, RW1CS). */
export const PCI_ERR_UNCOR_STATUS = 0x04;
/** Uncorrectable Error Mask (32-bit, RWS). */
export const PCI_ERR_UNCOR_MASK = 0x08;
/** Uncorrectable Error Severity (32-bit, RWS). */
export const PCI_ERR_UNCOR_SEVER = 0x0c;
/** Uncorrectable: data link protocol error. */
export const PCI_ERR_UNC_DLP = 0x00000010;
/** Uncorrectable: surprise down. */
export const PCI_ERR_UNC_SURPDN = 0x00000020;
/** Uncorrectable: poisoned TLP received. */
export const PCI_ERR_UNC_POISON_TLP = 0x00001000;
/** Uncorrectable: flow control protocol error. */
export const PCI_ERR_UNC_FCP = 0x00002000;
/** Uncorrectable: completion timeout. */
export const PCI_ERR_UNC_COMP_TIME = 0x00004000;
/** Uncorrectable: completer abort. */
export const PCI_ERR_UNC_COMP_ABORT = 0x00008000;
/** Uncorrectable: unexpected completion. */
export const PCI_ERR_UNC_UNX_COMP = 0x00010000;
/** Uncorrectable: receiver overflow. */
export const PCI_ERR_UNC_RX_OVER = 0x00020000;
/** Uncorrectable: malformed TLP. */
export const PCI_ERR_UNC_MALF_TLP = 0x00040000;
/** Uncorrectable: ECRC error. */
export const PCI_ERR_UNC_ECRC = 0x00080000;
/** Uncorrectable: unsupported request. */
export const PCI_ERR_UNC_UNSUP = 0x00100000;
/** Uncorrectable: ACS violation. */
export const PCI_ERR_UNC_ACSV = 0x00200000;
/** Uncorrectable: internal error. */
export const PCI_ERR_UNC_INTN = 0x00400000;
/** Uncorrectable: MC blocked TLP. */
export const PCI_ERR_UNC_MCBTLP = 0x00800000;
/** Uncorrectable: AtomicOp egress blocked. */
export const PCI_ERR_UNC_ATOMEG = 0x01000000;
/** Uncorrectable: TLP prefix blocked. */
export const PCI_ERR_UNC_TLPPRE = 0x02000000;
/** Uncorrectable: poisoned TLP egress blocked. */
export const PCI_ERR_UNC_POISON_BLK = 0x04000000;
/** Every defined uncorrectable error bit. */
export const PCI_ERR_UNC_DEFINED = 0x07fff030;
/** Default severity after reset: DLP, SDES, FCP, RxOF, MalfTLP, internal error are fatal. */
export const PCI_ERR_UNC_SEVER_DEFAULT = 0x00462030;

/** Correctable Error Status (32-bit, RW1CS). */
export const PCI_ERR_COR_STATUS = 0x10;
/** Correctable Error Mask (32-bit, RWS). */
export const PCI_ERR_COR_MASK = 0x14;
/** Correctable: receiver error. */
export const PCI_ERR_COR_RCVR = 0x00000001;
/** Correctable: bad TLP. */
export const PCI_ERR_COR_BAD_TLP = 0x00000040;
/** Correctable: bad DLLP. */
export const PCI_ERR_COR_BAD_DLLP = 0x00000080;
/** Correctable: REPLAY_NUM rollover. */
export const PCI_ERR_COR_REP_ROLL = 0x00000100;
/** Correctable: replay timer timeout. */
export const PCI_ERR_COR_REP_TIMER = 0x00001000;
/** Correctable: advisory non-fatal error. */
export const PCI_ERR_COR_ADV_NFAT = 0x00002000;
/** Correctable: corrected internal error. */
export const PCI_ERR_COR_INTERNAL = 0x00004000;
/** Correctable: header log overflow. */
export const PCI_ERR_COR_LOG_OVER = 0x00008000;
/** Every defined correctable error bit. */
export const PCI_ERR_COR_DEFINED = 0x0000f1c1;
/** Default correctable mask after reset: advisory non-fatal masked. */
export const PCI_ERR_COR_MASK_DEFAULT = 0x00002000;

/** Advanced Error Capabilities and Control (32-bit). */
export const PCI_ERR_CAP = 0x18;
/** Capabilities: first error pointer, bits 4:0. */
export const PCI_ERR_CAP_FEP = 0x0000001f;
/** Capabilities: ECRC generation capable. */
export const PCI_ERR_CAP_ECRC_GENC = 0x00000020;
/** Control: ECRC generation enable. */
export const PCI_ERR_CAP_ECRC_GENE = 0x00000040;
/** Capabilities: ECRC check capable. */
export const PCI_ERR_CAP_ECRC_CHKC = 0x00000080;
/** Control: ECRC check enable. */
export const PCI_ERR_CAP_ECRC_CHKE = 0x00000100;
/** Header Log (16 bytes). */
export const PCI_ERR_HEADER_LOG = 0x1c;
/** Size of the header log. */
export const PCI_ERR_HEADER_LOG_SIZEOF = 16;
/** Root Error Command (32-bit; root ports and event collectors). */
export const PCI_ERR_ROOT_COMMAND = 0x2c;
/** Root command: every defined enable (correctable, non-fatal, fatal). */
export const PCI_ERR_ROOT_CMD_DEFINED = 0x00000007;
/** Root Error Status (32-bit). */
export const PCI_ERR_ROOT_STATUS = 0x30;
/** Root status: the RW1C bits (received flags, first fatal, non-fatal / fatal received). */
export const PCI_ERR_ROOT_STATUS_W1C = 0x0000007f;
/** Root status: advanced error interrupt message number, bits 31:27. */
export const PCI_ERR_ROOT_AER_IRQ = 0xf8000000;
/** Error Source Identification (32-bit). */
export const PCI_ERR_ROOT_ERR_SRC = 0x34;
/** Capability size for functions that are not root ports or event collectors. */
export const PCI_EXT_CAP_AER_SIZEOF = 0x2c;
/** Capability size for root ports and root complex event collectors. */
export const PCI_EXT_CAP_AER_ROOT_SIZEOF = 0x38;
