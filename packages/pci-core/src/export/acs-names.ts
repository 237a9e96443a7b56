/** ACS capability/control bit names (PCIe 4.0 §7.7.8.2), lowest bit first, as lspci abbreviates them. */
export const ACS_FLAG_NAMES = ["SV", "TB", "RR", "CR", "UF", "EC", "DT"] as const;
export type AcsFlagName = (typeof ACS_FLAG_NAMES)[number];

/** The names of the set bits of an ACS capability or control value. */
export function acsFlagNames(value: number): AcsFlagName[] {
  return ACS_FLAG_NAMES.filter((_, i) => (value >> i) & 1);
}
