/**
 * A generated machine of about `target` functions, as facts: host bridges, each with root ports
 * leading to two levels of switches and endpoints below. Deterministic.
 */
import type { FunctionFacts, MachineFacts } from "../src/import/facts";

const hex = (v: number, w: number): string => v.toString(16).padStart(w, "0");

export function generatedFacts(target: number): MachineFacts {
  const functions: FunctionFacts[] = [];
  let domain = 0;
  while (functions.length < target) {
    let bus = 0;
    const bdf = (b: number, slot: number, fn = 0): string => `${hex(domain, 4)}:${hex(b, 2)}:${hex(slot, 2)}.${fn}`;
    functions.push({ bdf: bdf(0, 0), vendor: 0x8086, device: 0x2020, classCode: 0x060000, headerType: 0, isPcie: false, acs: "absent" });
    // Up to 8 root ports, each: USP -> 8 DSPs -> USP -> 4 DSPs -> endpoint (fits 255 buses).
    for (let rp = 1; rp <= 8 && bus < 200 && functions.length < target; rp++) {
      const rpBus = ++bus;
      const bridge = (b: string, sec: number, sub: number, type: "root-port" | "upstream-port" | "downstream-port"): FunctionFacts => ({
        bdf: b, vendor: 0x10b5, device: 0x8796, classCode: 0x060400, headerType: 1, pcieType: type,
        secondaryBus: sec, subordinateBus: sub, acs: type === "upstream-port" ? "absent" : { cap: 0x5f, ctl: 0 },
      });
      const rpFacts = bridge(bdf(0, rp), rpBus, 0, "root-port");
      functions.push(rpFacts);
      const usp1Bus = rpBus;
      const dspBus = ++bus;
      const usp1 = bridge(bdf(usp1Bus, 0), dspBus, 0, "upstream-port");
      functions.push(usp1);
      for (let d = 0; d < 8; d++) {
        const below = ++bus;
        const dsp = bridge(bdf(dspBus, d), below, 0, "downstream-port");
        functions.push(dsp);
        const inner = ++bus;
        const usp2 = bridge(bdf(below, 0), inner, 0, "upstream-port");
        functions.push(usp2);
        for (let e = 0; e < 4; e++) {
          const epBus = ++bus;
          functions.push({ ...bridge(bdf(inner, e), epBus, epBus, "downstream-port") });
          functions.push({ bdf: bdf(epBus, 0), vendor: 0x144d, device: 0xa808, classCode: 0x010802, headerType: 0, pcieType: "endpoint", acs: "absent" });
        }
        (usp2 as { subordinateBus: number }).subordinateBus = bus;
        (dsp as { subordinateBus: number }).subordinateBus = bus;
      }
      (usp1 as { subordinateBus: number }).subordinateBus = bus;
      (rpFacts as { subordinateBus: number }).subordinateBus = bus;
    }
    domain++;
  }
  return { functions, sources: [{ name: "generated", format: "lspci-verbose" }] };
}
