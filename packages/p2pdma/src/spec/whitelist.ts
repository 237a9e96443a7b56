/**
 * The host-bridge table of drivers/pci/p2pdma.c (`pci_p2pdma_whitelist[]`) as of 6.12.117
 * (checked in the source; spec 2.17.2). Matched on the vendor/device of the "host bridge
 * device" (first device of the root bus if it is devfn 00.0 or a Root Port). An entry with
 * `requireSameHostBridge` only passes when provider and client sit below the same host bridge.
 */
export interface WhitelistEntry {
  readonly vendor: number;
  readonly device: number;
  readonly requireSameHostBridge: boolean;
  /** Which platform the entry is for (from the kernel table's grouping). */
  readonly platform: string;
}

const INTEL = 0x8086;

export const HOST_BRIDGE_WHITELIST_6_12: readonly WhitelistEntry[] = [
  { vendor: INTEL, device: 0x3c00, requireSameHostBridge: true, platform: "Intel Xeon E5/Core i7" },
  { vendor: INTEL, device: 0x3c01, requireSameHostBridge: true, platform: "Intel Xeon E5/Core i7" },
  { vendor: INTEL, device: 0x2f00, requireSameHostBridge: true, platform: "Intel Xeon E7 v3/Xeon E5 v3/Core i7" },
  { vendor: INTEL, device: 0x2f01, requireSameHostBridge: true, platform: "Intel Xeon E7 v3/Xeon E5 v3/Core i7" },
  { vendor: INTEL, device: 0x2030, requireSameHostBridge: false, platform: "Intel Skylake-E" },
  { vendor: INTEL, device: 0x2031, requireSameHostBridge: false, platform: "Intel Skylake-E" },
  { vendor: INTEL, device: 0x2032, requireSameHostBridge: false, platform: "Intel Skylake-E" },
  { vendor: INTEL, device: 0x2033, requireSameHostBridge: false, platform: "Intel Skylake-E" },
  { vendor: INTEL, device: 0x2020, requireSameHostBridge: false, platform: "Intel Skylake-E" },
  { vendor: INTEL, device: 0x09a2, requireSameHostBridge: false, platform: "Intel Skylake-E" },
];

/** `cpu_supports_p2pdma()`: on x86, an AMD CPU of family 0x17 (Zen) or later. */
export const AMD_ZEN_MIN_FAMILY = 0x17;
