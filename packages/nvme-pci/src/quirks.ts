/**
 * The driver's quirk table (drivers/nvme/host/pci.c `nvme_id_table` driver_data), as data a
 * user can extend. The pseudo-CMB quirk is the project's model of the seed's patch 11 (spec
 * 11.4): a controller whose CMBSZ reads 0 but whose memory BAR behaves like a CMB; the driver
 * registers the whole BAR as P2P memory, publishes it (as a CMB with RDS and WDS would be),
 * never puts SQs in it, and shows it in the `cmb` attribute as a pseudo CMB.
 */

/** What a quirk entry changes. */
export interface NvmeQuirks {
  /** Register the whole of this BAR as P2P memory when CMBSZ is 0 (spec 11.4). */
  readonly pseudoCmbBar?: number;
}

/** One table row: a vendor (and optionally device) and its quirks. */
export interface NvmeQuirkEntry {
  readonly vendor: number;
  readonly device?: number;
  readonly quirks: NvmeQuirks;
  readonly note?: string;
}

/** The built-in table: the seed's pseudo-CMB card (Eideticom NoLoad IO memory controller, BAR 4). */
export const NVME_QUIRK_TABLE: NvmeQuirkEntry[] = [
  { vendor: 0x1de5, device: 0x1000, quirks: { pseudoCmbBar: 4 }, note: "Eideticom NoLoad p2pmem BAR used as a pseudo CMB" },
];

/** Adds a row to the table (later rows win over earlier ones for the same device). */
export function addNvmeQuirk(entry: NvmeQuirkEntry): void {
  NVME_QUIRK_TABLE.push(entry);
}

/** The merged quirks of a device (`id->driver_data`). */
export function quirksFor(vendor: number, device: number, table: readonly NvmeQuirkEntry[] = NVME_QUIRK_TABLE): NvmeQuirks {
  let q: NvmeQuirks = {};
  for (const e of table) {
    if (e.vendor === vendor && (e.device === undefined || e.device === device)) q = { ...q, ...e.quirks };
  }
  return q;
}
