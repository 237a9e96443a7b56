/**
 * `enum pci_p2pdma_map_type` (include/linux/pci-p2pdma.h, 6.12): how a P2P page must be mapped
 * for a given client. Spec 2.17.2. `UNKNOWN` is the cache's "not computed yet" (the value an
 * empty xarray slot reads as); `NONE` ("not a P2P page") exists from the 2025 refactor only.
 */
export const MAP_TYPE = {
  UNKNOWN: 0,
  NOT_SUPPORTED: 1,
  BUS_ADDR: 2,
  THRU_HOST_BRIDGE: 3,
} as const;

/** The map types a computation can produce (names as the CLI contract prints them). */
export type MapType = "BUS_ADDR" | "THRU_HOST_BRIDGE" | "NOT_SUPPORTED";

/** The enum value of a map type name. */
export function mapTypeValue(t: MapType): number {
  return MAP_TYPE[t];
}
