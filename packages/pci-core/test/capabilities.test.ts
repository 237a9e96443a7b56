/**
 * The config-space builder and the typed readers: each builder round-trips through its
 * reader; BAR sizing works as firmware does it (`__pci_read_base`: write all-ones, read back);
 * ACS control only takes advertised bits (PCIe 4.0 §7.7.8.3); the capability walks
 * (`pci_find_capability`, `pci_find_ext_capability`) find every built capability; status
 * bits are RW1C. Property tests: random descriptions always build a walkable list, and every
 * reader is total on random bytes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findCapability, findExtCapability, listCapabilities, listExtCapabilities } from "../src/capability-walk";
import { ConfigSpace } from "../src/config-space";
import {
  ConfigBuildError,
  ConfigBuilder,
  buildConfigSpace,
  readAcs,
  readAer,
  readBars,
  readExpansionRom,
  readExtCapabilities,
  readHeader,
  readMsi,
  readMsix,
  readPcie,
  readPm,
  readSriov,
} from "../src/capabilities";
import type { BarSpec, CapabilitySpec, ConfigDescription, LinkSpeedGTs } from "../src/capabilities";
import * as A from "../src/spec/acs";
import * as AER from "../src/spec/aer";
import * as C from "../src/spec/capability-ids";
import * as E from "../src/spec/pcie";
import * as H from "../src/spec/header";
import * as S from "../src/spec/sriov";

/** Firmware BAR sizing (`__pci_read_base`): save, write all-ones, read back, restore. */
function sizeBar(cs: ConfigSpace, reg: number): bigint {
  const orig = cs.read32(reg);
  cs.write32(reg, 0xffffffff);
  const lo = cs.read32(reg);
  cs.write32(reg, orig);
  if ((orig & H.PCI_BASE_ADDRESS_SPACE_IO) !== 0) return BigInt(((~(lo & H.PCI_BASE_ADDRESS_IO_MASK) >>> 0) + 1) >>> 0);
  if ((orig & H.PCI_BASE_ADDRESS_MEM_TYPE_MASK) === H.PCI_BASE_ADDRESS_MEM_TYPE_64) {
    const origHi = cs.read32(reg + 4);
    cs.write32(reg + 4, 0xffffffff);
    const hi = cs.read32(reg + 4);
    cs.write32(reg + 4, origHi);
    const mask = (BigInt(hi) << 32n) | BigInt((lo & H.PCI_BASE_ADDRESS_MEM_MASK) >>> 0);
    return ((~mask & 0xffffffffffffffffn) + 1n) & 0xffffffffffffffffn;
  }
  return BigInt(((~(lo & H.PCI_BASE_ADDRESS_MEM_MASK) >>> 0) + 1) >>> 0);
}

const NVME = { type: 0, vendor: 0x144d, device: 0xa808, classCode: 0x010802, revision: 0 } as const;

function endpoint(): ConfigBuilder {
  return new ConfigBuilder(NVME).pcie({ portType: "endpoint", link: { maxSpeedGTs: 8, maxWidth: 4 } });
}

describe("header", () => {
  it("type 0: ids, 24-bit class, revision, subsystem, multifunction, interrupt pin", () => {
    const cs = new ConfigBuilder({ ...NVME, revision: 0x12, multifunction: true, interruptPin: 1, subsystemVendor: 0x1028, subsystemDevice: 0x1fe4 }).build();
    const h = readHeader(cs);
    expect(h).toMatchObject({ vendor: 0x144d, device: 0xa808, classCode: 0x010802, revision: 0x12, headerType: 0, multifunction: true });
    expect(h).toMatchObject({ interruptPin: 1, subsystemVendor: 0x1028, subsystemDevice: 0x1fe4, bridge: null });
    expect(cs.read8(H.PCI_HEADER_TYPE)).toBe(0x80);
    expect(cs.read32(H.PCI_CLASS_REVISION)).toBe(0x01080212);
    expect(cs.size).toBe(256);
    expect(h.status & H.PCI_STATUS_CAP_LIST).toBe(0);
  });

  it("COMMAND: enables are RW, reserved bits RO; memory enable hardwired 0 without memory BARs", () => {
    const cs = new ConfigBuilder(NVME).bar({ index: 0, kind: "mem64", size: 0x4000n }).build();
    cs.write16(H.PCI_COMMAND, 0xffff);
    expect(cs.read16(H.PCI_COMMAND)).toBe(0x0546);
    const bare = new ConfigBuilder(NVME).build();
    bare.write16(H.PCI_COMMAND, 0xffff);
    expect(bare.read16(H.PCI_COMMAND)).toBe(0x0544);
  });

  it("STATUS: CAP_LIST set when capabilities exist; error bits RW1C", () => {
    const cs = endpoint().build();
    expect(cs.read16(H.PCI_STATUS)).toBe(H.PCI_STATUS_CAP_LIST);
    cs.init(H.PCI_STATUS, 2, 0xf910);
    cs.write16(H.PCI_STATUS, 0x2000);
    expect(cs.read16(H.PCI_STATUS)).toBe(0xd910);
    cs.write16(H.PCI_STATUS, 0xffff);
    expect(cs.read16(H.PCI_STATUS)).toBe(0x0010);
  });

  it("type 1: bus numbers and windows are RW and decode to addresses; absent windows closed", () => {
    const cs = new ConfigBuilder({
      type: 1, vendor: 0x10b5, device: 0x8747, classCode: 0x060400, primaryBus: 1, secondaryBus: 2, subordinateBus: 5,
      ioDecode: "32", io: { base: 0x12000n, limit: 0x12fffn }, memory: { base: 0xe0000000n, limit: 0xe09fffffn },
      prefetchable: { base: 0x38000000000n, limit: 0x380ffffffffn },
    }).build();
    const b = readHeader(cs).bridge!;
    expect(b).toMatchObject({ primaryBus: 1, secondaryBus: 2, subordinateBus: 5 });
    expect(b.io).toEqual({ base: 0x12000n, limit: 0x12fffn, bits: 32, enabled: true });
    expect(b.memory).toEqual({ base: 0xe0000000n, limit: 0xe09fffffn, bits: 32, enabled: true });
    expect(b.prefetchable).toEqual({ base: 0x38000000000n, limit: 0x380ffffffffn, bits: 64, enabled: true });
    // Firmware re-programs: bus numbers and window registers are RW.
    cs.write32(H.PCI_PRIMARY_BUS, 0x00090800);
    cs.write16(H.PCI_MEMORY_BASE, 0xfff0);
    cs.write16(H.PCI_MEMORY_LIMIT, 0x0000);
    cs.write32(H.PCI_PREF_BASE_UPPER32, 0);
    cs.write16(H.PCI_PREF_MEMORY_BASE, 0x8000);
    const b2 = readHeader(cs).bridge!;
    expect([b2.primaryBus, b2.secondaryBus, b2.subordinateBus]).toEqual([0, 8, 9]);
    expect(b2.memory?.enabled).toBe(false);
    expect(b2.prefetchable?.base).toBe(0x80000000n);
    // Type bits are read-only.
    cs.write8(H.PCI_IO_BASE, 0x00);
    expect(cs.read8(H.PCI_IO_BASE) & 0xf).toBe(1);
    const closed = readHeader(new ConfigBuilder({ type: 1, vendor: 1, device: 2, classCode: 0x060400 }).build()).bridge!;
    expect(closed.io).toMatchObject({ base: 0xf000n, limit: 0xfffn, bits: 16, enabled: false });
    expect(closed.memory?.enabled).toBe(false);
    expect(closed.prefetchable).toMatchObject({ bits: 64, enabled: false });
  });

  it("type 1 subsystem ids come from the SSVID capability", () => {
    const cs = new ConfigBuilder({ type: 1, vendor: 0x8086, device: 0x3408, classCode: 0x060400 }).ssvid({ subsystemVendor: 0x8086, subsystemDevice: 0x4f53 }).build();
    expect(readHeader(cs)).toMatchObject({ subsystemVendor: 0x8086, subsystemDevice: 0x4f53 });
  });
});

describe("BARs: firmware sizing (write all-ones, read back)", () => {
  const cases: [string, BarSpec][] = [
    ["mem32 16 KiB", { index: 0, kind: "mem32", size: 0x4000n }],
    ["mem32 prefetchable 256 MiB", { index: 1, kind: "mem32", prefetchable: true, size: 0x10000000n }],
    ["mem32 2 GiB", { index: 0, kind: "mem32", size: 0x80000000n }],
    ["mem64 16 bytes", { index: 0, kind: "mem64", size: 16n }],
    ["mem64 1 MiB", { index: 2, kind: "mem64", size: 0x100000n }],
    ["mem64 4 GiB", { index: 0, kind: "mem64", prefetchable: true, size: 1n << 32n }],
    ["mem64 64 GiB prefetchable", { index: 4, kind: "mem64", prefetchable: true, size: 1n << 36n }],
    ["mem64 2^63", { index: 0, kind: "mem64", prefetchable: true, size: 1n << 63n }],
    ["io 4", { index: 5, kind: "io", size: 4n }],
    ["io 256", { index: 3, kind: "io", size: 256n }],
  ];
  for (const [name, bar] of cases) {
    it(name, () => {
      const cs = new ConfigBuilder(NVME).bar(bar).build();
      const reg = H.PCI_BASE_ADDRESS_0 + 4 * bar.index;
      const before = cs.read32(reg);
      expect(sizeBar(cs, reg)).toBe(bar.size);
      expect(cs.read32(reg)).toBe(before);
      const flags = cs.read32(reg) & 0xf;
      if (bar.kind === "io") expect(flags & 3).toBe(1);
      else expect(flags).toBe((bar.kind === "mem64" ? 4 : 0) | (bar.prefetchable === true ? 8 : 0));
    });
  }

  it("programmed addresses read back and decode, both dwords of a 64-bit BAR", () => {
    const cs = new ConfigBuilder(NVME)
      .bar({ index: 0, kind: "mem64", prefetchable: true, size: 1n << 34n, address: 0x3c0000000000n })
      .bar({ index: 2, kind: "mem32", size: 0x4000n, address: 0xfe000000n })
      .bar({ index: 4, kind: "io", size: 0x20n, address: 0xe020n })
      .rom({ size: 0x10000n, address: 0xfd000000n })
      .build();
    expect(readBars(cs)).toEqual([
      { index: 0, kind: "mem64", prefetchable: true, address: 0x3c0000000000n, memType: 2, broken: false, raw: 0x0000000c },
      { index: 2, kind: "mem32", prefetchable: false, address: 0xfe000000n, memType: 0, broken: false, raw: 0xfe000000 },
      { index: 4, kind: "io", prefetchable: false, address: 0xe020n, memType: 0, broken: false, raw: 0xe021 },
    ]);
    cs.write32(H.PCI_BASE_ADDRESS_0, 0x00000000);
    // A 16 GiB BAR: address bits 33:32 of the upper dword are read-only zero.
    cs.write32(H.PCI_BASE_ADDRESS_0 + 4, 0x00000043);
    expect(readBars(cs)[0]!.address).toBe(0x4000000000n);
    expect(readExpansionRom(cs)).toEqual({ address: 0xfd000000n, enabled: false, raw: 0xfd000000 });
    cs.write32(H.PCI_ROM_ADDRESS, 0xffffffff);
    expect(cs.read32(H.PCI_ROM_ADDRESS)).toBe(0xffff0001);
  });

  it("rejects impossible BARs with typed errors", () => {
    const bad: [BarSpec[], string][] = [
      [[{ index: 0, kind: "mem32", size: 0x3000n }], "EBAR_SIZE"],
      [[{ index: 0, kind: "mem32", size: 8n }], "EBAR_SIZE"],
      [[{ index: 0, kind: "io", size: 512n }], "EBAR_SIZE"],
      [[{ index: 0, kind: "mem32", size: 1n << 32n }], "EBAR_SIZE"],
      [[{ index: 5, kind: "mem64", size: 16n }], "EBAR_INDEX"],
      [[{ index: 6, kind: "mem32", size: 16n }], "EBAR_INDEX"],
      [[{ index: 0, kind: "mem64", size: 16n }, { index: 1, kind: "mem32", size: 16n }], "EBAR_OVERLAP"],
      [[{ index: 0, kind: "mem32", size: 0x1000n, address: 0x800n }], "EBAR_ADDRESS"],
    ];
    for (const [bars, code] of bad) {
      expect(() => buildConfigSpace({ header: NVME, bars }), code).toThrow(expect.objectContaining({ code, name: "ConfigBuildError" }));
    }
    expect(() => buildConfigSpace({ header: { type: 1, vendor: 1, device: 1, classCode: 0x060400 }, bars: [{ index: 2, kind: "mem32", size: 16n }] })).toThrow(ConfigBuildError);
  });
});

describe("capabilities round-trip", () => {
  it("PCI Express endpoint, root port and switch ports", () => {
    const ep = endpoint().build();
    const p = readPcie(ep)!;
    expect(p).toMatchObject({ offset: 0x40, version: 2, typeCode: 0, portType: "endpoint", slotImplemented: false, maxPayloadSupported: 256 });
    expect(p.link).toMatchObject({ maxSpeedGTs: 8, maxWidth: 4, speedGTs: 8, width: 4, port: 0, supportedSpeedsGTs: [2.5, 5, 8] });
    expect(ep.read32(p.offset + E.PCI_EXP_LNKCAP2)).toBe(0x0e);

    const rp = new ConfigBuilder({ type: 1, vendor: 0x8086, device: 0x3408, classCode: 0x060400 })
      .pcie({ portType: "root-port", slotImplemented: true, slotNumber: 64, link: { maxSpeedGTs: 16, maxWidth: 16, port: 1, speedGTs: 2.5, width: 4 } })
      .build();
    const r = readPcie(rp)!;
    expect(r).toMatchObject({ portType: "root-port", slotImplemented: true, slotNumber: 64 });
    expect(r.link).toMatchObject({ maxSpeedGTs: 16, maxWidth: 16, port: 1, speedGTs: 2.5, width: 4, dllActive: true });
    expect(r.link!.supportedSpeedsGTs).toEqual([2.5, 5, 8, 16]);

    for (const portType of ["upstream-port", "downstream-port"] as const) {
      const cs = new ConfigBuilder({ type: 1, vendor: 0x10b5, device: 0x8747, classCode: 0x060400 })
        .pcie({ portType, link: { maxSpeedGTs: 32, maxWidth: 8, port: 9 } })
        .build();
      expect(readPcie(cs)).toMatchObject({ portType, link: { maxSpeedGTs: 32, speedGTs: 32, width: 8, port: 9 } });
    }
    const rc = new ConfigBuilder(NVME).pcie({ portType: "rc-endpoint" }).build();
    expect(readPcie(rc)).toMatchObject({ portType: "rc-endpoint", link: null });
  });

  it("PCI Express control registers: DEVCTL/LNKCTL/SLTCTL RW, DEVSTA and LNKSTA bits RW1C", () => {
    const cs = new ConfigBuilder({ type: 1, vendor: 1, device: 2, classCode: 0x060400 })
      .pcie({ portType: "downstream-port", slotImplemented: true, link: { maxSpeedGTs: 8, maxWidth: 4 } })
      .build();
    const at = readPcie(cs)!.offset;
    expect(cs.read16(at + E.PCI_EXP_DEVCTL)).toBe(0x2810);
    cs.write16(at + E.PCI_EXP_DEVCTL, 0x50ff);
    expect(cs.read16(at + E.PCI_EXP_DEVCTL)).toBe(0x50ff);
    cs.write16(at + E.PCI_EXP_LNKCTL, 0xffff);
    expect(cs.read16(at + E.PCI_EXP_LNKCTL)).toBe(0x0fd3);
    cs.write16(at + E.PCI_EXP_SLTCTL, 0xffff);
    expect(cs.read16(at + E.PCI_EXP_SLTCTL)).toBe(0x1fff);
    cs.init(at + E.PCI_EXP_DEVSTA, 2, 0x003f);
    cs.write16(at + E.PCI_EXP_DEVSTA, 0xffff);
    expect(cs.read16(at + E.PCI_EXP_DEVSTA)).toBe(0x0030);
    const sta = cs.read16(at + E.PCI_EXP_LNKSTA);
    cs.init(at + E.PCI_EXP_LNKSTA, 2, sta | 0xc000);
    cs.write16(at + E.PCI_EXP_LNKSTA, 0x4000);
    expect(cs.read16(at + E.PCI_EXP_LNKSTA)).toBe(sta | 0x8000);
    // LNKCAP is read-only.
    cs.write32(at + E.PCI_EXP_LNKCAP, 0);
    expect(readPcie(cs)!.link!.maxWidth).toBe(4);
  });

  it("PCIe v1 capability is shorter and has no LNKCAP2", () => {
    const b = endpoint();
    const cs = new ConfigBuilder(NVME).pcie({ portType: "legacy-endpoint", version: 1, link: { maxSpeedGTs: 2.5, maxWidth: 1 } }).msi().layout();
    expect(cs.capabilities.map((c) => [c.kind, c.offset, c.size])).toEqual([["pcie", 0x40, 0x14], ["msi", 0x54, 12]]);
    expect(readPcie(cs.config)).toMatchObject({ version: 1, portType: "legacy-endpoint", devcap2: null, link: { supportedSpeedsGTs: [] } });
    expect(b.layout().capabilities[0]!.size).toBe(0x3c);
  });

  it("ACS: control accepts exactly the advertised bits; redirect bits decode", () => {
    const cs = endpoint().acs({ cap: A.PCI_ACS_SV | A.PCI_ACS_RR | A.PCI_ACS_CR | A.PCI_ACS_UF, ctl: A.PCI_ACS_RR }).build();
    const acs = readAcs(cs)!;
    expect(acs).toEqual({ offset: 0x100, version: 1, cap: 0x1d, ctl: 0x04, egressVectorBits: 0 });
    cs.write16(acs.offset + A.PCI_ACS_CTRL, 0xffff);
    expect(readAcs(cs)!.ctl).toBe(0x1d);
    cs.write16(acs.offset + A.PCI_ACS_CTRL, 0);
    expect(readAcs(cs)!.ctl).toBe(0);
    expect(() => endpoint().acs({ cap: A.PCI_ACS_SV, ctl: A.PCI_ACS_RR }).build()).toThrow(expect.objectContaining({ code: "ECAP_FIELD" }));
    const ec = endpoint().acs({ cap: 0x7f, egressVectorBits: 40 }).layout();
    expect(ec.capabilities[1]).toMatchObject({ kind: "acs", size: 16 });
    const e = readAcs(ec.config)!;
    expect(e.egressVectorBits).toBe(40);
    ec.config.write32(e.offset + A.PCI_ACS_EGRESS_CTL_V + 4, 0xffffffff);
    expect(ec.config.read32(e.offset + A.PCI_ACS_EGRESS_CTL_V + 4)).toBe(0xff);
  });

  it("AER: status RW1C, mask and severity RW, root registers on root ports", () => {
    const cs = new ConfigBuilder({ type: 1, vendor: 1, device: 2, classCode: 0x060400 })
      .pcie({ portType: "root-port", link: { maxSpeedGTs: 8, maxWidth: 16 } })
      .aer({ ecrcGenerationCapable: true })
      .build();
    const aer = readAer(cs)!;
    expect(aer).toMatchObject({ offset: 0x100, version: 2, uncorrectableSeverity: 0x00462030, correctableMask: 0x2000, rootCommand: 0, rootStatus: 0 });
    const at = aer.offset;
    cs.init(at + AER.PCI_ERR_UNCOR_STATUS, 4, AER.PCI_ERR_UNC_ACSV | AER.PCI_ERR_UNC_UNSUP);
    cs.write32(at + AER.PCI_ERR_UNCOR_STATUS, AER.PCI_ERR_UNC_ACSV);
    expect(readAer(cs)!.uncorrectableStatus).toBe(AER.PCI_ERR_UNC_UNSUP);
    cs.write32(at + AER.PCI_ERR_UNCOR_MASK, 0xffffffff);
    expect(readAer(cs)!.uncorrectableMask).toBe(AER.PCI_ERR_UNC_DEFINED);
    cs.init(at + AER.PCI_ERR_COR_STATUS, 4, 0x41);
    cs.write32(at + AER.PCI_ERR_COR_STATUS, 0xffffffff);
    expect(readAer(cs)!.correctableStatus).toBe(0);
    cs.write32(at + AER.PCI_ERR_CAP, 0xffffffff);
    expect(readAer(cs)!.capControl).toBe(AER.PCI_ERR_CAP_ECRC_GENC | AER.PCI_ERR_CAP_ECRC_GENE);
    const ep = endpoint().aer().layout();
    expect(ep.capabilities[1]).toMatchObject({ kind: "aer", size: 0x2c });
    expect(readAer(ep.config)).toMatchObject({ rootCommand: null, rootStatus: null });
  });

  it("SR-IOV: fields, NumVFs and control RW, VF BARs sized like BARs", () => {
    const cs = endpoint()
      .ari()
      .sriov({
        totalVFs: 64, initialVFs: 64, vfOffset: 0x80, vfStride: 2, vfDeviceId: 0x10ca, functionDependencyLink: 0,
        vfBars: [{ index: 0, kind: "mem64", prefetchable: true, size: 0x4000n }, { index: 3, kind: "mem64", size: 1n << 33n, address: 0x2000000000n }],
      })
      .build();
    const s = readSriov(cs)!;
    expect(s).toMatchObject({ offset: 0x108, totalVFs: 64, initialVFs: 64, numVFs: 0, vfOffset: 0x80, vfStride: 2, vfDeviceId: 0x10ca });
    expect(s).toMatchObject({ supportedPageSizes: 0x553, systemPageSize: 1, vfEnabled: false, migrationStateOffset: 0, migrationStateBir: 0 });
    expect(s.vfBars.map((b) => [b.index, b.kind, b.prefetchable, b.address])).toEqual([[0, "mem64", true, 0n], [3, "mem64", false, 0x2000000000n]]);
    cs.write16(s.offset + S.PCI_SRIOV_NUM_VF, 8);
    cs.write16(s.offset + S.PCI_SRIOV_CTRL, 0xffff);
    cs.write32(s.offset + S.PCI_SRIOV_SYS_PGSIZE, 0xffffffff);
    cs.write16(s.offset + S.PCI_SRIOV_TOTAL_VF, 1);
    expect(readSriov(cs)).toMatchObject({ numVFs: 8, ctrl: 0x19, vfEnabled: true, vfMemorySpaceEnabled: true, ariCapableHierarchy: true, systemPageSize: 0x553, totalVFs: 64 });
    expect(sizeBar(cs, s.offset + S.PCI_SRIOV_BAR)).toBe(0x4000n);
    expect(sizeBar(cs, s.offset + S.PCI_SRIOV_BAR + 12)).toBe(1n << 33n);
  });

  it("MSI, MSI-X and PM", () => {
    const cs = new ConfigBuilder(NVME)
      .bar({ index: 0, kind: "mem64", size: 0x4000n })
      .pm({ d1: true, pmeSupport: 0x19 })
      .msi({ addr64: true, perVectorMask: true, vectors: 8 })
      .msix({ tableSize: 32, tableBir: 0, tableOffset: 0x2000, pbaBir: 0, pbaOffset: 0x3000 })
      .pcie({ portType: "endpoint", link: { maxSpeedGTs: 8, maxWidth: 4 } })
      .layout();
    expect(cs.capabilities.map((c) => [c.kind, c.offset])).toEqual([["pm", 0x40], ["msi", 0x48], ["msix", 0x60], ["pcie", 0x6c]]);
    const c = cs.config;
    expect(readPm(c)).toMatchObject({ offset: 0x40, version: 3, d1: true, d2: false, pmeSupport: 0x19, powerState: 0 });
    c.write16(0x44, 0xffff);
    expect(readPm(c)).toMatchObject({ powerState: 3, pmeEnabled: true, pmeStatus: false });
    expect(readMsi(c)).toMatchObject({ offset: 0x48, vectorsCapable: 8, vectorsEnabled: 1, addr64: true, perVectorMask: true, mask: 0, pending: 0 });
    c.write32(0x48 + 0x10, 0xffffffff);
    c.write32(0x48 + 4, 0xfee00003);
    expect(readMsi(c)).toMatchObject({ mask: 0xff, address: 0xfee00000n });
    expect(readMsix(c)).toEqual({ offset: 0x60, enabled: false, functionMasked: false, tableSize: 32, tableBir: 0, tableOffset: 0x2000, pbaBir: 0, pbaOffset: 0x3000 });
    c.write16(0x62, 0xffff);
    expect(readMsix(c)).toMatchObject({ enabled: true, functionMasked: true, tableSize: 32 });
    expect(() => new ConfigBuilder(NVME).msix({ tableSize: 4, tableBir: 1, tableOffset: 0, pbaBir: 1, pbaOffset: 0x40 }).build()).toThrow(
      expect.objectContaining({ code: "ECAP_FIELD" }),
    );
  });

  it("capability walks find every built capability at its offset", () => {
    const built = new ConfigBuilder({ type: 1, vendor: 0x8086, device: 0x3408, classCode: 0x060400 })
      .ssvid({ subsystemVendor: 0x8086, subsystemDevice: 0 })
      .msi()
      .pcie({ portType: "root-port", slotImplemented: true, link: { maxSpeedGTs: 5, maxWidth: 4, port: 1 } })
      .pm()
      .aer()
      .acs({ cap: 0x1f })
      .dsn({ serial: 0x001b21ffff2b46e0n })
      .layout();
    const cs = built.config;
    expect(cs.size).toBe(4096);
    for (const p of built.capabilities) {
      expect(p.extended ? findExtCapability(cs, p.id) : findCapability(cs, p.id)).toBe(p.offset);
    }
    expect(listCapabilities(cs).map((c) => c.offset)).toEqual([0x40, 0x48, 0x54, 0x90]);
    expect(listExtCapabilities(cs)).toEqual([
      { id: C.PCI_EXT_CAP_ID_ERR, offset: 0x100, version: 2 },
      { id: C.PCI_EXT_CAP_ID_ACS, offset: 0x138, version: 1 },
      { id: C.PCI_EXT_CAP_ID_DSN, offset: 0x140, version: 1 },
    ]);
    expect(cs.read32(0x144)).toBe(0xff2b46e0);
  });

  it("refuses descriptions real hardware cannot have", () => {
    const cases: [ConfigDescription, string][] = [
      [{ header: NVME, capabilities: [{ kind: "acs", cap: 1 }] }, "ECAP_NEEDS_PCIE"],
      [{ header: NVME, capabilities: [{ kind: "pm" }, { kind: "pm" }] }, "ECAP_DUPLICATE"],
      [{ header: NVME, capabilities: [{ kind: "pcie", portType: "endpoint" }] }, "ECAP_FIELD"],
      [{ header: NVME, capabilities: [{ kind: "pcie", portType: "endpoint", slotImplemented: true, link: { maxSpeedGTs: 8, maxWidth: 4 } }] }, "ECAP_FIELD"],
      [{ header: NVME, capabilities: [{ kind: "pcie", portType: "endpoint", link: { maxSpeedGTs: 8, maxWidth: 3 } }] }, "ECAP_FIELD"],
      [{ header: NVME, capabilities: [{ kind: "pcie", portType: "endpoint", link: { maxSpeedGTs: 8, maxWidth: 4, speedGTs: 16 } }] }, "ECAP_FIELD"],
      [{ header: NVME, capabilities: [{ kind: "ssvid", subsystemVendor: 1, subsystemDevice: 2 }] }, "ECAP_FIELD"],
      [{ header: { ...NVME, vendor: 0x10000 } }, "EHEADER_FIELD"],
      [{ header: { type: 1, vendor: 1, device: 1, classCode: 0x060400, memory: { base: 0x100000n, limit: 0x17ffffn } } }, "EHEADER_FIELD"],
    ];
    for (const [d, code] of cases) expect(() => buildConfigSpace(d), code).toThrow(expect.objectContaining({ code }));
  });
});

// ---- property tests ----

const speedArb = fc.constantFrom<LinkSpeedGTs>(2.5, 5, 8, 16, 32, 64);
const widthArb = fc.constantFrom(1, 2, 4, 8, 12, 16, 32);

const descriptionArb: fc.Arbitrary<ConfigDescription> = fc
  .record({
    bridge: fc.boolean(),
    vendor: fc.integer({ min: 0, max: 0xffff }),
    device: fc.integer({ min: 0, max: 0xffff }),
    classCode: fc.integer({ min: 0, max: 0xffffff }),
    pm: fc.option(fc.record({ d1: fc.boolean(), pmeSupport: fc.integer({ min: 0, max: 31 }) }), { nil: undefined }),
    msi: fc.option(fc.record({ addr64: fc.boolean(), perVectorMask: fc.boolean(), vectors: fc.constantFrom(1, 2, 4, 8, 16, 32) }), { nil: undefined }),
    msixSize: fc.option(fc.integer({ min: 1, max: 2048 }), { nil: undefined }),
    pcie: fc.option(
      fc.record({ v1: fc.boolean(), speed: speedArb, width: widthArb, port: fc.integer({ min: 0, max: 255 }), slot: fc.boolean() }),
      { nil: undefined },
    ),
    aer: fc.boolean(),
    acs: fc.option(fc.record({ cap: fc.integer({ min: 0, max: 0x7f }), ctlMask: fc.integer({ min: 0, max: 0x7f }), egress: fc.integer({ min: 1, max: 256 }) }), { nil: undefined }),
    ari: fc.boolean(),
    dsn: fc.option(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { nil: undefined }),
    sriov: fc.option(fc.record({ total: fc.integer({ min: 0, max: 0xffff }), vfBarLog2: fc.integer({ min: 4, max: 40 }) }), { nil: undefined }),
    barLog2: fc.integer({ min: 4, max: 62 }),
    order: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
  })
  .map((r) => {
    const caps: CapabilitySpec[] = [];
    const bars: BarSpec[] = [{ index: 0, kind: "mem64", size: 1n << BigInt(r.barLog2) }];
    if (r.pm !== undefined) caps.push({ kind: "pm", ...r.pm });
    if (r.msi !== undefined) caps.push({ kind: "msi", ...r.msi });
    if (r.msixSize !== undefined && r.barLog2 >= 16) {
      caps.push({ kind: "msix", tableSize: r.msixSize, tableBir: 0, tableOffset: 0, pbaBir: 0, pbaOffset: 0x8000 });
    }
    if (r.bridge) caps.push({ kind: "ssvid", subsystemVendor: r.vendor, subsystemDevice: r.device });
    if (r.pcie !== undefined) {
      const portType = r.bridge ? "downstream-port" : "endpoint";
      caps.push({
        kind: "pcie", portType, version: r.pcie.v1 ? 1 : 2, slotImplemented: r.bridge && r.pcie.slot,
        link: { maxSpeedGTs: r.pcie.speed, maxWidth: r.pcie.width, port: r.pcie.port },
      });
      if (r.aer) caps.push({ kind: "aer" });
      if (r.acs !== undefined) caps.push({ kind: "acs", cap: r.acs.cap, ctl: r.acs.cap & r.acs.ctlMask, egressVectorBits: r.acs.egress });
      if (r.ari) caps.push({ kind: "ari" });
      if (r.dsn !== undefined) caps.push({ kind: "dsn", serial: r.dsn });
      if (r.sriov !== undefined && !r.bridge) {
        caps.push({ kind: "sriov", totalVFs: r.sriov.total, vfOffset: 1, vfStride: 1, vfDeviceId: 1, vfBars: [{ index: 0, kind: "mem64", size: 1n << BigInt(r.sriov.vfBarLog2) }] });
      }
    }
    // Shuffle deterministically by the random keys.
    const shuffled = caps.map((c, i) => [r.order[i] ?? 0, i, c] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
    const header = r.bridge
      ? ({ type: 1, vendor: r.vendor, device: r.device, classCode: r.classCode } as const)
      : ({ type: 0, vendor: r.vendor, device: r.device, classCode: r.classCode } as const);
    return { header, bars: r.bridge ? [] : bars, capabilities: r.bridge ? shuffled.filter((c) => c.kind !== "msix") : shuffled };
  });

describe("properties", () => {
  it("random descriptions build a walkable list where every declared capability is found exactly once", () => {
    fc.assert(
      fc.property(descriptionArb, (d) => {
        const built = buildConfigSpace(d);
        const std = listCapabilities(built.config);
        const ext = listExtCapabilities(built.config);
        const declared = d.capabilities ?? [];
        expect(built.capabilities).toHaveLength(declared.length);
        for (const p of built.capabilities) {
          const list = p.extended ? ext : std;
          expect(list.filter((e) => e.id === p.id && e.offset === p.offset)).toHaveLength(1);
        }
        expect(std.length + ext.length).toBe(declared.length);
        expect(readExtCapabilities(built.config)).toEqual(ext);
        const h = readHeader(built.config);
        expect([h.vendor, h.device, h.classCode]).toEqual([d.header.vendor, d.header.device, d.header.classCode]);
      }),
      { numRuns: 300 },
    );
  });

  const readers = [readHeader, readBars, readExpansionRom, readPcie, readAcs, readAer, readSriov, readMsi, readMsix, readPm, readExtCapabilities] as const;

  it("every reader is total on random bytes (256 and 4096)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 4096 }), (bytes) => {
        const cs = ConfigSpace.fromBytes(bytes);
        for (const read of readers) read(cs);
      }),
      { numRuns: 300 },
    );
  });

  it("every reader is total on plausible garbage: capability lists present, pointers anywhere", () => {
    const arb = fc.record({
      bytes: fc.uint8Array({ minLength: 4096, maxLength: 4096 }),
      ptr: fc.integer({ min: 0, max: 255 }),
      ext: fc.integer({ min: 0, max: 0xffffffff }),
      expAt: fc.integer({ min: 0x40, max: 0xfc }),
      headerType: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(arb, ({ bytes, ptr, ext, expAt, headerType }) => {
        const b = bytes.slice();
        b[0x06] = (b[0x06] ?? 0) | 0x10;
        b[0x0e] = headerType;
        b[0x34] = ptr;
        b[expAt & 0xfc] = 0x10;
        b[0x100] = ext & 0xff;
        b[0x101] = (ext >>> 8) & 0xff;
        b[0x102] = (ext >>> 16) & 0xff;
        b[0x103] = ext >>> 24;
        const cs = ConfigSpace.fromBytes(b);
        for (const read of readers) read(cs);
        const p = readPcie(cs);
        if (p !== null) expect(p.offset).toBeGreaterThanOrEqual(0x40);
      }),
      { numRuns: 500 },
    );
  });
});
