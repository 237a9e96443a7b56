/**
 * Small hand-written machines for tests, as facts (what an lspci -vvv capture would state).
 */
import type { FunctionFacts, MachineFacts } from "../../src/import/facts";

const ACS_CAP_ALL = 0x5f; // SV TB RR CR UF DT (no EC), as many switch ports advertise

export function rootPort(bdf: string, secondary: number, subordinate: number, acsCtl = 0): FunctionFacts {
  return {
    bdf,
    vendor: 0x8086,
    device: 0x2030,
    classCode: 0x060400,
    headerType: 1,
    pcieType: "root-port",
    secondaryBus: secondary,
    subordinateBus: subordinate,
    acs: { cap: ACS_CAP_ALL, ctl: acsCtl },
    numaNode: 0,
    bars: [],
  };
}

export function switchPort(bdf: string, type: "upstream-port" | "downstream-port", secondary: number, subordinate: number, acsCtl = 0): FunctionFacts {
  return {
    bdf,
    vendor: 0x10b5,
    device: 0x8796,
    classCode: 0x060400,
    headerType: 1,
    pcieType: type,
    secondaryBus: secondary,
    subordinateBus: subordinate,
    acs: type === "downstream-port" ? { cap: ACS_CAP_ALL, ctl: acsCtl } : "absent",
    numaNode: 0,
    bars: [],
  };
}

export function endpoint(bdf: string, extra: Partial<FunctionFacts> = {}): FunctionFacts {
  return {
    bdf,
    vendor: 0x144d,
    device: 0xa808,
    classCode: 0x010802,
    headerType: 0,
    pcieType: "endpoint",
    acs: "absent",
    numaNode: 0,
    bars: [{ index: 0, kind: "mem64", prefetchable: false, address: 0xfe000000n, size: 0x4000n }],
    ...extra,
  };
}

export function hostBridgeFn(bdf = "0000:00:00.0", device = 0x2020): FunctionFacts {
  return { bdf, vendor: 0x8086, device, classCode: 0x060000, headerType: 0, isPcie: false, acs: "absent", numaNode: 0, bars: [] };
}

/**
 * The seed-like machine: host bridge 00.0; root port 00:01.0 -> switch (USP 01:00.0, DSPs
 * 02:00.0 .. 02:03.0) with endpoints 03..06:00.0; a second root port 00:02.0 -> 07:00.0.
 */
export function seedFacts(dspAcsCtl = 0): MachineFacts {
  return {
    sources: [{ name: "test", format: "lspci-verbose" }],
    functions: [
      hostBridgeFn(),
      rootPort("0000:00:01.0", 1, 6),
      rootPort("0000:00:02.0", 7, 7),
      switchPort("0000:01:00.0", "upstream-port", 2, 6),
      switchPort("0000:02:00.0", "downstream-port", 3, 3, dspAcsCtl),
      switchPort("0000:02:01.0", "downstream-port", 4, 4, dspAcsCtl),
      switchPort("0000:02:02.0", "downstream-port", 5, 5, dspAcsCtl),
      switchPort("0000:02:03.0", "downstream-port", 6, 6, dspAcsCtl),
      endpoint("0000:03:00.0", { vendor: 0x15b3, device: 0x1017, classCode: 0x020000, bars: [{ index: 0, kind: "mem64", prefetchable: true, address: 0x38000000000n, size: 0x2000000n }] }),
      endpoint("0000:04:00.0", { bars: [{ index: 0, kind: "mem64", address: 0xf0000000n, size: 0x4000n }, { index: 2, kind: "mem64", prefetchable: true, address: 0x38004000000n, size: 0x4000000n }] }),
      endpoint("0000:05:00.0", { bars: [{ index: 0, kind: "mem64", address: 0xf0010000n, size: 0x4000n }] }),
      endpoint("0000:06:00.0", { multifunction: true, bars: [{ index: 0, kind: "mem64", address: 0xf0020000n, size: 0x4000n }] }),
      endpoint("0000:06:00.1", { multifunction: true, bars: [{ index: 0, kind: "mem64", address: 0xf0024000n, size: 0x4000n }] }),
      endpoint("0000:07:00.0", { bars: [{ index: 0, kind: "mem64", address: 0xf1000000n, size: 0x4000n }] }),
    ],
  };
}
