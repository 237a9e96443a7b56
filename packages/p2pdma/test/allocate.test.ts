import { describe, expect, it } from "vitest";
import { EINVAL, ENOENT, ENOMEM, EREMOTEIO } from "@p2pdma/pci-core";
import { addResource, mmapAllocate, munmapAllocate, P2pdmaCore, pinUserPages, teardownStatus, unpinUserPages } from "../src/index";
import { seedMachine } from "./helpers/topo";

function setup() {
  const s = seedMachine();
  const core = P2pdmaCore.of(s.system);
  s.ssd.driver = { name: "nvme", idTable: [], probe: () => 0 };
  addResource(core, s.ssd, 2, 0, 0);
  const avail = () => s.system.sysfs.read(`${s.system.devicePath(s.ssd)}/p2pmem/available`);
  return { s, core, avail };
}

describe("p2pmem/allocate mmap (6.12, spec 2.17.5, section 12)", () => {
  it("private mapping and non-zero offset: -EINVAL with the info lines", () => {
    const { s, core } = setup();
    const r = mmapAllocate(core, s.ssd, { length: 4096, shared: false, comm: "python3" });
    expect(r.ret).toBe(-EINVAL);
    expect(r.log.map((l) => l.text)).toEqual(["nvme 0000:04:00.0: python3: fail, attempted private mapping"]);
    const r2 = mmapAllocate(core, s.ssd, { length: 4096, shared: true, pgoff: 1, comm: "fio" });
    expect(r2.log.map((l) => l.text)).toEqual(["nvme 0000:04:00.0: fio: fail, attempted mapping with non-zero offset"]);
  });

  it("larger than the pool: -ENOMEM; available drops while mapped and comes back at unmap", () => {
    const { s, core, avail } = setup();
    expect(mmapAllocate(core, s.ssd, { length: 65n << 20n, shared: true }).ret).toBe(-ENOMEM);
    const r = mmapAllocate(core, s.ssd, { length: 1 << 20, shared: true });
    expect(r.ret).toBe(0);
    expect(avail()).toBe(`${63 * 1024 * 1024}\n`);
    const r2 = mmapAllocate(core, s.ssd, { length: 4096, shared: true });
    expect(r2.mapping!.kaddr).toBe(r.mapping!.kaddr + (1n << 20n)); // a separate allocation each time
    munmapAllocate(core, s.ssd, r.mapping!);
    munmapAllocate(core, s.ssd, r2.mapping!);
    expect(avail()).toBe(`${64 * 1024 * 1024}\n`);
  });

  it("pinned pages outlive the mapping and return one at a time", () => {
    const { s, core, avail } = setup();
    const m = mmapAllocate(core, s.ssd, { length: 4 * 4096, shared: true }).mapping!;
    expect(pinUserPages(core, s.ssd, m, 0, 2, {})).toBe(-EREMOTEIO);
    expect(pinUserPages(core, s.ssd, m, 0, 2, { follPciP2pdma: true, longterm: true })).toBe(-EINVAL);
    expect(pinUserPages(core, s.ssd, m, 0, 2, { follPciP2pdma: true })).toBe(0);
    munmapAllocate(core, s.ssd, m);
    expect(avail()).toBe(`${64 * 1024 * 1024 - 2 * 4096}\n`);
    unpinUserPages(core, s.ssd, m, 0, 1);
    expect(avail()).toBe(`${64 * 1024 * 1024 - 4096}\n`);
    unpinUserPages(core, s.ssd, m, 1, 1);
    expect(avail()).toBe(`${64 * 1024 * 1024}\n`);
  });

  it("unbind removes allocate first, zapping mappings; pins hold the teardown", () => {
    const { s, core } = setup();
    const m = mmapAllocate(core, s.ssd, { length: 2 * 4096, shared: true }).mapping!;
    pinUserPages(core, s.ssd, m, 1, 1, { follPciP2pdma: true });
    s.system.unbind(s.ssd);
    expect(mmapAllocate(core, s.ssd, { length: 4096, shared: true }).ret).toBe(-ENOENT);
    expect(teardownStatus(core, s.ssd)?.waitingFor).toContain("1 reference(s)");
    unpinUserPages(core, s.ssd, m, 1, 1);
    expect(core.state(s.ssd)).toBeNull();
  });

  it("vm_insert_page failure: the remainder is freed and (6.12.117) the ref dropped; 6.2 leaked it", () => {
    const { s, core, avail } = setup();
    const r = mmapAllocate(core, s.ssd, { length: 4 * 4096, shared: true, failInsertAt: { page: 2, errno: ENOMEM } });
    expect(r.ret).toBe(-ENOMEM);
    expect(avail()).toBe(`${64 * 1024 * 1024}\n`);
    s.system.unbind(s.ssd);
    expect(core.state(s.ssd)).toBeNull();
    const t = setup();
    mmapAllocate(t.core, t.s.ssd, { length: 4 * 4096, shared: true, failInsertAt: { page: 2, errno: ENOMEM } }, { quirks: { mmapInsertRefLeak: true } });
    t.s.system.unbind(t.s.ssd);
    expect(teardownStatus(t.core, t.s.ssd)?.waitingFor).toContain("1 reference(s)"); // never completes
  });
});
