/** `struct ib_pd`: a protection domain; MRs and QPs of one PD may only be used together. */
import type { IbDevice } from "./ib-device";
import { EBUSY } from "@p2pdma/pci-core";

export class Pd {
  /** MRs and QPs allocated on this PD (`usecnt`). */
  usecnt = 0;
  dead = false;

  constructor(readonly device: IbDevice) {}

  /** `pd->local_dma_lkey`. */
  get localDmaLkey(): number {
    return this.device.localDmaLkey;
  }
}

/** Models `ib_alloc_pd(device, 0)`. */
export function allocPd(device: IbDevice): Pd {
  return new Pd(device);
}

/** Models `ib_dealloc_pd`: -EBUSY while MRs or QPs still use it (the kernel WARNs there). */
export function deallocPd(pd: Pd): number {
  if (pd.usecnt > 0) return -EBUSY;
  pd.dead = true;
  return 0;
}
