/**
 * A deterministic benchmark machine: 16 host bridges (one PCI domain each, host function 00.0
 * Intel 8086:2020, whitelisted), each with 4 root ports -> a switch with 4 downstream ports ->
 * a second-level switch with 4 downstream ports -> 4 endpoints: 256 endpoints per host bridge,
 * 4,096 in all, each with a 2 MiB 64-bit memory BAR. Downstream ports of host bridge 3 redirect
 * (ACS RR|CR) so some pairs take the host-bridge path.
 */
import type { PciBus, PciFunction } from "@p2pdma/pci-core";
import { ConfigSpace, IORESOURCE_MEM, IORESOURCE_MEM_64, PCI_EXP_TYPE, PciSystem } from "@p2pdma/pci-core";

function cfg(vendor: number, device: number, cls: number, bridge: boolean, type: number | null, acs: number | null, bus?: { pri: number; sec: number }): ConfigSpace {
  const cs = new ConfigSpace(4096);
  cs.init(0x00, 2, vendor);
  cs.init(0x02, 2, device);
  cs.init(0x08, 4, (cls << 8) >>> 0);
  cs.init(0x0e, 1, bridge ? 1 : 0);
  if (type !== null) {
    cs.init(0x06, 2, 0x10);
    cs.init(0x34, 1, 0x40);
    cs.init(0x40, 2, 0x0010);
    cs.init(0x42, 2, (type << 4) | 2);
    if (acs !== null) {
      cs.init(0x100, 4, 0x0001000d);
      cs.init(0x106, 2, acs);
    }
  }
  if (bus) {
    cs.init(0x18, 1, bus.pri);
    cs.init(0x19, 1, bus.sec);
    cs.init(0x1a, 1, 0xff);
  }
  return cs;
}

export function benchMachine(): { system: PciSystem; endpoints: PciFunction[] } {
  const system = new PciSystem({ cpuVendor: "intel", cpuFamily: 6, arch: "x86" });
  const endpoints: PciFunction[] = [];
  let addr = 0x10000000000n;
  for (let d = 0; d < 16; d++) {
    const hb = system.addHostBridge({ domain: d, rootBus: 0, numaNode: d >> 3 });
    let next = 1;
    const add = (bus: PciBus, slot: number, fn: number, cs: ConfigSpace): PciFunction =>
      system.addFunction({ bus, devfn: (slot << 3) | fn, config: cs, autoBind: false });
    const bridge = (bus: PciBus, slot: number, type: number, acs: number | null): PciFunction =>
      add(bus, slot, 0, cfg(0x10b5, 0x8796, 0x060400, true, type, acs, { pri: bus.number, sec: next++ }));
    add(hb.bus, 0, 0, cfg(0x8086, 0x2020, 0x060000, false, null, null));
    const acs = d === 3 ? 0x000c : 0;
    for (let r = 0; r < 4; r++) {
      const rp = bridge(hb.bus, r + 1, PCI_EXP_TYPE.ROOT_PORT, 0);
      const usp = bridge(rp.subordinate!, 0, PCI_EXP_TYPE.UPSTREAM, null);
      for (let a = 0; a < 4; a++) {
        const dsp = bridge(usp.subordinate!, a, PCI_EXP_TYPE.DOWNSTREAM, acs);
        const usp2 = bridge(dsp.subordinate!, 0, PCI_EXP_TYPE.UPSTREAM, null);
        for (let b = 0; b < 4; b++) {
          const dsp2 = bridge(usp2.subordinate!, b, PCI_EXP_TYPE.DOWNSTREAM, acs);
          for (let e = 0; e < 4; e++) {
            const ep = add(dsp2.subordinate!, e, 0, cfg(0x1de5, 0x1000, 0x058000, false, PCI_EXP_TYPE.ENDPOINT, null));
            const res = ep.resources[0]!;
            res.start = addr;
            res.end = addr + 0x200000n - 1n;
            res.flags = IORESOURCE_MEM | IORESOURCE_MEM_64;
            addr += 0x200000n;
            endpoints.push(ep);
          }
        }
      }
    }
  }
  return { system, endpoints };
}
