/**
 * PCI Bus Power Management Interface 1.2 §3.2: the Power Management capability.
 * Offsets from the capability start and register bits only; no behaviour.
 */

/** Power Management Capabilities register (PMC, 16-bit). */
export const PCI_PM_PMC = 0x02;
/** PMC: version field (3 = PM 1.2). */
export const PCI_PM_CAP_VER_MASK = 0x0007;
/** PMC: PME clock required. */
export const PCI_PM_CAP_PME_CLOCK = 0x0008;
/** PMC: device-specific initialization required. */
export const PCI_PM_CAP_DSI = 0x0020;
/** PMC: auxiliary current field, bits 8:6. */
export const PCI_PM_CAP_AUX_POWER = 0x01c0;
/** PMC: shift of the auxiliary current field. */
export const PCI_PM_CAP_AUX_POWER_SHIFT = 6;
/** PMC: D1 supported. */
export const PCI_PM_CAP_D1 = 0x0200;
/** PMC: D2 supported. */
export const PCI_PM_CAP_D2 = 0x0400;
/** PMC: PME support mask, bits 15:11 (D0, D1, D2, D3hot, D3cold). */
export const PCI_PM_CAP_PME_MASK = 0xf800;
/** PMC: shift of the PME support field. */
export const PCI_PM_CAP_PME_SHIFT = 11;
/** PMC: PME from D0. */
export const PCI_PM_CAP_PME_D0 = 0x0800;
/** PMC: PME from D1. */
export const PCI_PM_CAP_PME_D1 = 0x1000;
/** PMC: PME from D2. */
export const PCI_PM_CAP_PME_D2 = 0x2000;
/** PMC: PME from D3hot. */
export const PCI_PM_CAP_PME_D3HOT = 0x4000;
/** PMC: PME from D3cold. */
export const PCI_PM_CAP_PME_D3COLD = 0x8000;

/** Power Management Control/Status register (PMCSR, 16-bit). */
export const PCI_PM_CTRL = 0x04;
/** PMCSR: power state field (0 = D0 .. 3 = D3hot). */
export const PCI_PM_CTRL_STATE_MASK = 0x0003;
/** PMCSR: no soft reset on D3hot to D0. */
export const PCI_PM_CTRL_NO_SOFT_RESET = 0x0008;
/** PMCSR: PME enable. */
export const PCI_PM_CTRL_PME_ENABLE = 0x0100;
/** PMCSR: data select, bits 12:9. */
export const PCI_PM_CTRL_DATA_SEL_MASK = 0x1e00;
/** PMCSR: data scale, bits 14:13. */
export const PCI_PM_CTRL_DATA_SCALE_MASK = 0x6000;
/** PMCSR: PME status (write 1 to clear). */
export const PCI_PM_CTRL_PME_STATUS = 0x8000;
/** PMCSR bridge support extensions (PMCSR_BSE, 8-bit). */
export const PCI_PM_PPB_EXTENSIONS = 0x06;
/** PM data register (8-bit). */
export const PCI_PM_DATA_REGISTER = 0x07;
/** Size of the PM capability. */
export const PCI_PM_SIZEOF = 8;
/** PM 1.2 capability version value. */
export const PCI_PM_VERSION_1_2 = 3;
