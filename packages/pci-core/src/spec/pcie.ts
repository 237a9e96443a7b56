/**
 * PCIe Base 4.0 §7.5.3: the PCI Express Capability structure (capability version 2).
 * Offsets from the capability start and register bits only; no behaviour.
 */

/** PCI Express Capabilities register (16-bit). */
export const PCI_EXP_FLAGS = 0x02;
/** Flags: capability version, bits 3:0. */
export const PCI_EXP_FLAGS_VERS = 0x000f;
/** Flags: Device/Port Type, bits 7:4. */
export const PCI_EXP_FLAGS_TYPE = 0x00f0;
/** Flags: shift of the Device/Port Type field. */
export const PCI_EXP_FLAGS_TYPE_SHIFT = 4;
/** Flags: slot implemented (root and downstream ports). */
export const PCI_EXP_FLAGS_SLOT = 0x0100;
/** Flags: interrupt message number, bits 13:9. */
export const PCI_EXP_FLAGS_IRQ = 0x3e00;

/** Device/Port Type values (PCIe 4.0 §7.5.3.2). */
export const PCI_EXP_TYPE_ENDPOINT = 0x0;
/** Legacy PCI Express endpoint. */
export const PCI_EXP_TYPE_LEG_END = 0x1;
/** Root port of a root complex. */
export const PCI_EXP_TYPE_ROOT_PORT = 0x4;
/** Upstream port of a switch. */
export const PCI_EXP_TYPE_UPSTREAM = 0x5;
/** Downstream port of a switch. */
export const PCI_EXP_TYPE_DOWNSTREAM = 0x6;
/** PCI Express to PCI/PCI-X bridge. */
export const PCI_EXP_TYPE_PCI_BRIDGE = 0x7;
/** PCI/PCI-X to PCI Express bridge. */
export const PCI_EXP_TYPE_PCIE_BRIDGE = 0x8;
/** Root complex integrated endpoint. */
export const PCI_EXP_TYPE_RC_END = 0x9;
/** Root complex event collector. */
export const PCI_EXP_TYPE_RC_EC = 0xa;

/** Device Capabilities (32-bit). */
export const PCI_EXP_DEVCAP = 0x04;
/** DEVCAP: Max_Payload_Size supported (128 << n). */
export const PCI_EXP_DEVCAP_PAYLOAD = 0x00000007;
/** DEVCAP: phantom functions supported. */
export const PCI_EXP_DEVCAP_PHANTOM = 0x00000018;
/** DEVCAP: extended tag field supported. */
export const PCI_EXP_DEVCAP_EXT_TAG = 0x00000020;
/** DEVCAP: endpoint L0s acceptable latency. */
export const PCI_EXP_DEVCAP_L0S = 0x000001c0;
/** DEVCAP: endpoint L1 acceptable latency. */
export const PCI_EXP_DEVCAP_L1 = 0x00000e00;
/** DEVCAP: role-based error reporting. */
export const PCI_EXP_DEVCAP_RBER = 0x00008000;
/** DEVCAP: captured slot power limit value. */
export const PCI_EXP_DEVCAP_PWR_VAL = 0x03fc0000;
/** DEVCAP: captured slot power limit scale. */
export const PCI_EXP_DEVCAP_PWR_SCL = 0x0c000000;
/** DEVCAP: function level reset capable. */
export const PCI_EXP_DEVCAP_FLR = 0x10000000;

/** Device Control (16-bit). */
export const PCI_EXP_DEVCTL = 0x08;
/** DEVCTL: correctable error reporting enable. */
export const PCI_EXP_DEVCTL_CERE = 0x0001;
/** DEVCTL: non-fatal error reporting enable. */
export const PCI_EXP_DEVCTL_NFERE = 0x0002;
/** DEVCTL: fatal error reporting enable. */
export const PCI_EXP_DEVCTL_FERE = 0x0004;
/** DEVCTL: unsupported request reporting enable. */
export const PCI_EXP_DEVCTL_URRE = 0x0008;
/** DEVCTL: relaxed ordering enable. */
export const PCI_EXP_DEVCTL_RELAX_EN = 0x0010;
/** DEVCTL: Max_Payload_Size, bits 7:5. */
export const PCI_EXP_DEVCTL_PAYLOAD = 0x00e0;
/** DEVCTL: shift of Max_Payload_Size. */
export const PCI_EXP_DEVCTL_PAYLOAD_SHIFT = 5;
/** DEVCTL: extended tag field enable. */
export const PCI_EXP_DEVCTL_EXT_TAG = 0x0100;
/** DEVCTL: phantom functions enable. */
export const PCI_EXP_DEVCTL_PHANTOM = 0x0200;
/** DEVCTL: aux power PM enable. */
export const PCI_EXP_DEVCTL_AUX_PME = 0x0400;
/** DEVCTL: no snoop enable. */
export const PCI_EXP_DEVCTL_NOSNOOP_EN = 0x0800;
/** DEVCTL: Max_Read_Request_Size, bits 14:12. */
export const PCI_EXP_DEVCTL_READRQ = 0x7000;
/** DEVCTL: shift of Max_Read_Request_Size. */
export const PCI_EXP_DEVCTL_READRQ_SHIFT = 12;
/** DEVCTL: bridge configuration retry enable / initiate function level reset. */
export const PCI_EXP_DEVCTL_BCR_FLR = 0x8000;

/** Device Status (16-bit). */
export const PCI_EXP_DEVSTA = 0x0a;
/** DEVSTA: correctable error detected (RW1C). */
export const PCI_EXP_DEVSTA_CED = 0x0001;
/** DEVSTA: non-fatal error detected (RW1C). */
export const PCI_EXP_DEVSTA_NFED = 0x0002;
/** DEVSTA: fatal error detected (RW1C). */
export const PCI_EXP_DEVSTA_FED = 0x0004;
/** DEVSTA: unsupported request detected (RW1C). */
export const PCI_EXP_DEVSTA_URD = 0x0008;
/** DEVSTA: aux power detected. */
export const PCI_EXP_DEVSTA_AUXPD = 0x0010;
/** DEVSTA: transactions pending. */
export const PCI_EXP_DEVSTA_TRPND = 0x0020;

/** Link Capabilities (32-bit). */
export const PCI_EXP_LNKCAP = 0x0c;
/** LNKCAP: max link speed, bits 3:0 (an index into LNKCAP2's vector). */
export const PCI_EXP_LNKCAP_SLS = 0x0000000f;
/** LNKCAP: maximum link width, bits 9:4. */
export const PCI_EXP_LNKCAP_MLW = 0x000003f0;
/** LNKCAP: shift of the maximum link width. */
export const PCI_EXP_LNKCAP_MLW_SHIFT = 4;
/** LNKCAP: ASPM support, bits 11:10. */
export const PCI_EXP_LNKCAP_ASPMS = 0x00000c00;
/** LNKCAP: L0s exit latency, bits 14:12. */
export const PCI_EXP_LNKCAP_L0SEL = 0x00007000;
/** LNKCAP: L1 exit latency, bits 17:15. */
export const PCI_EXP_LNKCAP_L1EL = 0x00038000;
/** LNKCAP: clock power management. */
export const PCI_EXP_LNKCAP_CLKPM = 0x00040000;
/** LNKCAP: surprise down error reporting capable. */
export const PCI_EXP_LNKCAP_SDERC = 0x00080000;
/** LNKCAP: data link layer link active reporting capable. */
export const PCI_EXP_LNKCAP_DLLLARC = 0x00100000;
/** LNKCAP: link bandwidth notification capability. */
export const PCI_EXP_LNKCAP_LBNC = 0x00200000;
/** LNKCAP: ASPM optionality compliance. */
export const PCI_EXP_LNKCAP_AOC = 0x00400000;
/** LNKCAP: port number, bits 31:24. */
export const PCI_EXP_LNKCAP_PN = 0xff000000;
/** LNKCAP: shift of the port number. */
export const PCI_EXP_LNKCAP_PN_SHIFT = 24;

/** Link Control (16-bit). */
export const PCI_EXP_LNKCTL = 0x10;
/** LNKCTL: ASPM control, bits 1:0. */
export const PCI_EXP_LNKCTL_ASPMC = 0x0003;
/** LNKCTL: read completion boundary (128 bytes when set). */
export const PCI_EXP_LNKCTL_RCB = 0x0008;
/** LNKCTL: link disable (downstream-facing ports). */
export const PCI_EXP_LNKCTL_LD = 0x0010;
/** LNKCTL: retrain link (downstream-facing ports; reads 0). */
export const PCI_EXP_LNKCTL_RL = 0x0020;
/** LNKCTL: common clock configuration. */
export const PCI_EXP_LNKCTL_CCC = 0x0040;
/** LNKCTL: extended synch. */
export const PCI_EXP_LNKCTL_ES = 0x0080;
/** LNKCTL: enable clock power management. */
export const PCI_EXP_LNKCTL_CLKREQ_EN = 0x0100;
/** LNKCTL: hardware autonomous width disable. */
export const PCI_EXP_LNKCTL_HAWD = 0x0200;
/** LNKCTL: link bandwidth management interrupt enable. */
export const PCI_EXP_LNKCTL_LBMIE = 0x0400;
/** LNKCTL: link autonomous bandwidth interrupt enable. */
export const PCI_EXP_LNKCTL_LABIE = 0x0800;

/** Link Status (16-bit). */
export const PCI_EXP_LNKSTA = 0x12;
/** LNKSTA: current link speed, bits 3:0. */
export const PCI_EXP_LNKSTA_CLS = 0x000f;
/** LNKSTA: negotiated link width, bits 9:4. */
export const PCI_EXP_LNKSTA_NLW = 0x03f0;
/** LNKSTA: shift of the negotiated link width. */
export const PCI_EXP_LNKSTA_NLW_SHIFT = 4;
/** LNKSTA: link training. */
export const PCI_EXP_LNKSTA_LT = 0x0800;
/** LNKSTA: slot clock configuration. */
export const PCI_EXP_LNKSTA_SLC = 0x1000;
/** LNKSTA: data link layer link active. */
export const PCI_EXP_LNKSTA_DLLLA = 0x2000;
/** LNKSTA: link bandwidth management status (RW1C). */
export const PCI_EXP_LNKSTA_LBMS = 0x4000;
/** LNKSTA: link autonomous bandwidth status (RW1C). */
export const PCI_EXP_LNKSTA_LABS = 0x8000;

/** Link speed encodings shared by LNKCAP.SLS, LNKSTA.CLS and LNKCTL2.TLS (PCIe 4.0 §7.5.3.18). */
export const PCI_EXP_LNK_SPEED_2_5GT = 1;
/** 5.0 GT/s. */
export const PCI_EXP_LNK_SPEED_5_0GT = 2;
/** 8.0 GT/s. */
export const PCI_EXP_LNK_SPEED_8_0GT = 3;
/** 16.0 GT/s. */
export const PCI_EXP_LNK_SPEED_16_0GT = 4;
/** 32.0 GT/s (PCIe 5.0). */
export const PCI_EXP_LNK_SPEED_32_0GT = 5;
/** 64.0 GT/s (PCIe 6.0). */
export const PCI_EXP_LNK_SPEED_64_0GT = 6;

/** Slot Capabilities (32-bit). */
export const PCI_EXP_SLTCAP = 0x14;
/** SLTCAP: attention button present. */
export const PCI_EXP_SLTCAP_ABP = 0x00000001;
/** SLTCAP: power controller present. */
export const PCI_EXP_SLTCAP_PCP = 0x00000002;
/** SLTCAP: MRL sensor present. */
export const PCI_EXP_SLTCAP_MRLSP = 0x00000004;
/** SLTCAP: attention indicator present. */
export const PCI_EXP_SLTCAP_AIP = 0x00000008;
/** SLTCAP: power indicator present. */
export const PCI_EXP_SLTCAP_PIP = 0x00000010;
/** SLTCAP: hot-plug surprise. */
export const PCI_EXP_SLTCAP_HPS = 0x00000020;
/** SLTCAP: hot-plug capable. */
export const PCI_EXP_SLTCAP_HPC = 0x00000040;
/** SLTCAP: slot power limit value, bits 14:7. */
export const PCI_EXP_SLTCAP_SPLV = 0x00007f80;
/** SLTCAP: slot power limit scale, bits 16:15. */
export const PCI_EXP_SLTCAP_SPLS = 0x00018000;
/** SLTCAP: electromechanical interlock present. */
export const PCI_EXP_SLTCAP_EIP = 0x00020000;
/** SLTCAP: no command completed support. */
export const PCI_EXP_SLTCAP_NCCS = 0x00040000;
/** SLTCAP: physical slot number, bits 31:19. */
export const PCI_EXP_SLTCAP_PSN = 0xfff80000;
/** SLTCAP: shift of the physical slot number. */
export const PCI_EXP_SLTCAP_PSN_SHIFT = 19;

/** Slot Control (16-bit); bits 12:0 are defined. */
export const PCI_EXP_SLTCTL = 0x18;
/** SLTCTL: every defined control bit (enables, indicator and power control). */
export const PCI_EXP_SLTCTL_DEFINED = 0x1fff;
/** Slot Status (16-bit). */
export const PCI_EXP_SLTSTA = 0x1a;
/** SLTSTA: the RW1C change bits (ABP, PFD, MRLSC, PDC, CC, DLLSC). */
export const PCI_EXP_SLTSTA_W1C = 0x011f;
/** SLTSTA: presence detect state. */
export const PCI_EXP_SLTSTA_PDS = 0x0040;

/** Root Control (16-bit). */
export const PCI_EXP_RTCTL = 0x1c;
/** RTCTL: every defined control bit (system error enables, PME interrupt, CRS visibility). */
export const PCI_EXP_RTCTL_DEFINED = 0x001f;
/** Root Capabilities (16-bit). */
export const PCI_EXP_RTCAP = 0x1e;
/** RTCAP: CRS software visibility. */
export const PCI_EXP_RTCAP_CRSVIS = 0x0001;
/** Root Status (32-bit). */
export const PCI_EXP_RTSTA = 0x20;
/** RTSTA: PME status (RW1C). */
export const PCI_EXP_RTSTA_PME = 0x00010000;
/** RTSTA: PME pending. */
export const PCI_EXP_RTSTA_PENDING = 0x00020000;

/** Device Capabilities 2 (32-bit). */
export const PCI_EXP_DEVCAP2 = 0x24;
/** DEVCAP2: completion timeout ranges supported, bits 3:0. */
export const PCI_EXP_DEVCAP2_COMP_TMOUT_RANGES = 0x0000000f;
/** DEVCAP2: completion timeout disable supported. */
export const PCI_EXP_DEVCAP2_COMP_TMOUT_DIS = 0x00000010;
/** DEVCAP2: ARI forwarding supported (downstream-facing ports). */
export const PCI_EXP_DEVCAP2_ARI = 0x00000020;
/** DEVCAP2: AtomicOp routing supported. */
export const PCI_EXP_DEVCAP2_ATOMIC_ROUTE = 0x00000040;
/** DEVCAP2: 32-bit AtomicOp completer. */
export const PCI_EXP_DEVCAP2_ATOMIC_COMP32 = 0x00000080;
/** DEVCAP2: 64-bit AtomicOp completer. */
export const PCI_EXP_DEVCAP2_ATOMIC_COMP64 = 0x00000100;
/** DEVCAP2: 128-bit CAS completer. */
export const PCI_EXP_DEVCAP2_ATOMIC_COMP128 = 0x00000200;
/** DEVCAP2: LTR mechanism supported. */
export const PCI_EXP_DEVCAP2_LTR = 0x00000800;
/** DEVCAP2: OBFF supported, bits 19:18. */
export const PCI_EXP_DEVCAP2_OBFF_MASK = 0x000c0000;

/** Device Control 2 (16-bit). */
export const PCI_EXP_DEVCTL2 = 0x28;
/** DEVCTL2: completion timeout value, bits 3:0. */
export const PCI_EXP_DEVCTL2_COMP_TIMEOUT = 0x000f;
/** DEVCTL2: completion timeout disable. */
export const PCI_EXP_DEVCTL2_COMP_TMOUT_DIS = 0x0010;
/** DEVCTL2: ARI forwarding enable. */
export const PCI_EXP_DEVCTL2_ARI = 0x0020;
/** DEVCTL2: AtomicOp requester enable. */
export const PCI_EXP_DEVCTL2_ATOMIC_REQ = 0x0040;
/** DEVCTL2: AtomicOp egress blocking. */
export const PCI_EXP_DEVCTL2_ATOMIC_EGRESS_BLOCK = 0x0080;
/** DEVCTL2: IDO request enable. */
export const PCI_EXP_DEVCTL2_IDO_REQ_EN = 0x0100;
/** DEVCTL2: IDO completion enable. */
export const PCI_EXP_DEVCTL2_IDO_CMP_EN = 0x0200;
/** DEVCTL2: LTR mechanism enable. */
export const PCI_EXP_DEVCTL2_LTR_EN = 0x0400;
/** DEVCTL2: OBFF enable, bits 14:13. */
export const PCI_EXP_DEVCTL2_OBFF = 0x6000;
/** Device Status 2 (16-bit). */
export const PCI_EXP_DEVSTA2 = 0x2a;

/** Link Capabilities 2 (32-bit). */
export const PCI_EXP_LNKCAP2 = 0x2c;
/** LNKCAP2: supported link speeds vector, bits 7:1 (bit n+0 set = speed code n supported). */
export const PCI_EXP_LNKCAP2_SLS = 0x000000fe;
/** LNKCAP2: 2.5 GT/s supported. */
export const PCI_EXP_LNKCAP2_SLS_2_5GB = 0x00000002;
/** LNKCAP2: 5.0 GT/s supported. */
export const PCI_EXP_LNKCAP2_SLS_5_0GB = 0x00000004;
/** LNKCAP2: 8.0 GT/s supported. */
export const PCI_EXP_LNKCAP2_SLS_8_0GB = 0x00000008;
/** LNKCAP2: 16.0 GT/s supported. */
export const PCI_EXP_LNKCAP2_SLS_16_0GB = 0x00000010;
/** LNKCAP2: 32.0 GT/s supported. */
export const PCI_EXP_LNKCAP2_SLS_32_0GB = 0x00000020;
/** LNKCAP2: 64.0 GT/s supported. */
export const PCI_EXP_LNKCAP2_SLS_64_0GB = 0x00000040;
/** LNKCAP2: crosslink supported. */
export const PCI_EXP_LNKCAP2_CROSSLINK = 0x00000100;

/** Link Control 2 (16-bit). */
export const PCI_EXP_LNKCTL2 = 0x30;
/** LNKCTL2: target link speed, bits 3:0. */
export const PCI_EXP_LNKCTL2_TLS = 0x000f;
/** LNKCTL2: enter compliance. */
export const PCI_EXP_LNKCTL2_ENTER_COMP = 0x0010;
/** LNKCTL2: hardware autonomous speed disable. */
export const PCI_EXP_LNKCTL2_HASD = 0x0020;
/** LNKCTL2: selectable de-emphasis. */
export const PCI_EXP_LNKCTL2_SDE = 0x0040;
/** LNKCTL2: transmit margin, bits 9:7. */
export const PCI_EXP_LNKCTL2_TX_MARGIN = 0x0380;
/** LNKCTL2: enter modified compliance. */
export const PCI_EXP_LNKCTL2_EMC = 0x0400;
/** LNKCTL2: compliance SOS. */
export const PCI_EXP_LNKCTL2_CSOS = 0x0800;
/** LNKCTL2: compliance preset / de-emphasis, bits 15:12. */
export const PCI_EXP_LNKCTL2_CDE = 0xf000;
/** Link Status 2 (16-bit). */
export const PCI_EXP_LNKSTA2 = 0x32;

/** Slot Capabilities 2 (32-bit). */
export const PCI_EXP_SLTCAP2 = 0x34;
/** Slot Control 2 (16-bit). */
export const PCI_EXP_SLTCTL2 = 0x38;
/** Slot Status 2 (16-bit). */
export const PCI_EXP_SLTSTA2 = 0x3a;

/** v1 root complex integrated endpoints end after DEVSTA. */
export const PCI_CAP_EXP_RC_ENDPOINT_SIZEOF_V1 = 0x0c;
/** v1 endpoints with a link end after LNKSTA. */
export const PCI_CAP_EXP_ENDPOINT_SIZEOF_V1 = 0x14;
/** v2 functions without a link end before LNKCAP2. */
export const PCI_CAP_EXP_RC_ENDPOINT_SIZEOF_V2 = 0x2c;
/** v2 endpoints with a link end after LNKSTA2. */
export const PCI_CAP_EXP_ENDPOINT_SIZEOF_V2 = 0x34;
/** The whole v2 structure including slot registers 2. */
export const PCI_CAP_EXP_SIZEOF = 0x3c;
