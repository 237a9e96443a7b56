/**
 * `struct gendisk` (block/genhd.c): a named disk device whose parent chain reaches the driver's
 * device (for nvme-pci: `nvme0n1` -> `nvme0` -> the PCI function, the walk nvmet and P2PDMA
 * use), its request queue and capacity; `add_disk` / `del_gendisk` with a per-machine registry.
 */
import type { KDevice } from "@p2pdma/pci-core";
import { KDevice as KDeviceClass } from "@p2pdma/pci-core";
import type { RequestQueue } from "./blk-core";
import { BlockError } from "./errors";

/** A disk. */
export class Gendisk extends KDeviceClass {
  /** Capacity in 512-byte sectors (`get_capacity`). */
  capacity = 0n;
  /** False after `del_gendisk` (GD_DEAD): new I/O fails with IOERR. */
  live = false;
  /** Driver data (`disk->private_data`). */
  privateData: unknown = null;

  constructor(
    readonly diskName: string,
    readonly queue: RequestQueue,
    parent: KDevice | null,
  ) {
    super(diskName, parent);
    queue.disk = this;
  }

  override get driverString(): string {
    return "block";
  }

  /** Capacity in bytes. */
  get capacityBytes(): bigint {
    return this.capacity << 9n;
  }
}

/** The disks of one machine (`/sys/block`), keyed by any owner object (a PciSystem). */
export class DiskRegistry {
  private static readonly all = new WeakMap<object, DiskRegistry>();
  private readonly disks = new Map<string, Gendisk>();

  static of(owner: object): DiskRegistry {
    let r = DiskRegistry.all.get(owner);
    if (!r) {
      r = new DiskRegistry();
      DiskRegistry.all.set(owner, r);
    }
    return r;
  }

  /** Models `add_disk`: the name must be unique. */
  add(disk: Gendisk): void {
    if (this.disks.has(disk.diskName)) throw new BlockError(`disk ${disk.diskName} already exists`, "EBLOCK_STATE");
    this.disks.set(disk.diskName, disk);
    disk.live = true;
  }

  /** Models `del_gendisk`. */
  remove(disk: Gendisk): void {
    disk.live = false;
    this.disks.delete(disk.diskName);
  }

  get(name: string): Gendisk | null {
    return this.disks.get(name) ?? null;
  }

  list(): Gendisk[] {
    return [...this.disks.values()].sort((a, b) => (a.diskName < b.diskName ? -1 : a.diskName > b.diskName ? 1 : 0));
  }
}
