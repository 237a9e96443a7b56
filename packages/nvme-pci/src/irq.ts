/**
 * Interrupt wiring of one machine (`request_irq` / the interrupt controller): a device model
 * raises a vector on its PCI function, the bound driver's handler runs. The only link between
 * device and driver besides config space, MMIO and DMA.
 */
import type { PciFunction } from "@p2pdma/pci-core";

export type IrqHandler = (vector: number) => void;

/** The interrupt lines of one machine, keyed by PCI function. */
export class IrqDomain {
  private static readonly all = new WeakMap<object, IrqDomain>();
  private readonly handlers = new Map<PciFunction, IrqHandler>();

  static of(owner: object): IrqDomain {
    let d = IrqDomain.all.get(owner);
    if (!d) {
      d = new IrqDomain();
      IrqDomain.all.set(owner, d);
    }
    return d;
  }

  /** Device side: deliver an interrupt (dropped when no handler is registered). */
  raise(dev: PciFunction, vector: number): void {
    this.handlers.get(dev)?.(vector);
  }

  /** Models `request_irq`. */
  request(dev: PciFunction, handler: IrqHandler): void {
    this.handlers.set(dev, handler);
  }

  /** Models `free_irq`. */
  free(dev: PciFunction): void {
    this.handlers.delete(dev);
  }
}
