/**
 * The remote host (the initiator's machine): its own PCI system with a ConnectX-5 on a root
 * port, its own fabric and DRAM, and memory registration (`ib_reg_mr`: rkey -> range) for the
 * buffers the target reaches with RDMA READ/WRITE.
 */
import { loadTopologyFile } from "@p2pdma/pci-core";
import type { KernelMode, PciFunction, VirtualClock } from "@p2pdma/pci-core";
import { HostDma } from "../dma";
import type { RemoteMr } from "../rdma-wire";

const HOST_TOPOLOGY = `
name: initiator
platform: { cpu: intel:0x6, arch: x86, iommu: false }
hostBridges:
  - domain: 0
    rootBus: 0
    hostFunction: { vendor: 0x8086, device: 0x2020 }
    children:
      - kind: root-port
        slot: 1
        vendor: 0x8086
        device: 0x2030
        link: { speed: 8, width: 16 }
        children:
          - kind: endpoint
            label: nic0
            vendor: 0x15b3
            device: 0x1017
            class: 0x020000
            link: { speed: 8, width: 16 }
            bars: [{ index: 0, size: 32M, bits: 64, prefetchable: true }]
            model: { kind: rnic, ports: 2, gbps: 100 }
`;

/** The initiator's machine. */
export class InitiatorHost {
  readonly dma: HostDma;
  readonly nic: PciFunction;
  readonly mrs = new Map<number, RemoteMr>();
  private nextKey = 0x1000;

  constructor(clock: VirtualClock, kernel: KernelMode) {
    const built = loadTopologyFile(HOST_TOPOLOGY, "initiator", { kernel });
    this.dma = new HostDma("initiator", built.system, clock);
    const nic = built.labels.get("nic0");
    if (!nic) throw new Error("initiator topology lacks nic0");
    this.nic = nic;
  }

  /** Allocates DRAM (`kmalloc` of an I/O buffer); throws when RAM is exhausted. */
  alloc(bytes: number): bigint {
    const a = this.dma.dram.alloc(bytes);
    if (a === null) throw new Error(`initiator: out of memory for ${bytes} bytes`);
    return a;
  }

  /** Registers `[addr, addr+length)` for remote access; returns the rkey. */
  registerMr(addr: bigint, length: number): number {
    const key = this.nextKey++;
    this.mrs.set(key, { addr, length });
    return key;
  }

  deregisterMr(key: number): void {
    this.mrs.delete(key);
  }
}
