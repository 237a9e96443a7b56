import { describe, expect, it } from "vitest";
import { EEXIST, EINVAL, ENOMEM, EOPNOTSUPP } from "@p2pdma/pci-core";
import { addResource, allocP2pmem, freeP2pmem, hasP2pmem, P2pdmaCore, publish, teardownStatus } from "../src/index";
import { seedMachine } from "./helpers/topo";

const M = 1n << 20n;

function ioBarMachine() {
  const s = seedMachine();
  const r = s.nic.resources[1]!;
  r.start = 0x1000n;
  r.end = 0x10ffn;
  r.flags = 0x100;
  return s;
}

describe.each(["4.20", "6.12"] as const)("pci_p2pdma_add_resource checks in order (kernel %s)", (kernel) => {
  it("non-MEM BAR, offset >= len, size + offset > len: -EINVAL; no state created", () => {
    const s = ioBarMachine();
    const core = P2pdmaCore.of(s.system);
    expect(addResource(core, s.nic, 1, 0, 0, { kernel }).ret).toBe(-EINVAL);
    expect(addResource(core, s.nic, 3, 0, 0, { kernel }).ret).toBe(-EINVAL); // unimplemented BAR
    expect(addResource(core, s.ssd, 2, 0, 64n * M, { kernel }).ret).toBe(-EINVAL);
    expect(addResource(core, s.ssd, 2, 32n * M + 1n, 32n * M, { kernel }).ret).toBe(-EINVAL);
    expect(core.state(s.ssd)).toBeNull();
    expect(addResource(core, s.ssd, 2, 0, 0, { kernel, configPciP2pdma: false }).ret).toBe(-EOPNOTSUPP);
  });

  it("whole BAR: sysfs p2pmem/ reads size, available, published; log line per mode", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    const r = addResource(core, s.ssd, 2, 0, 0, { kernel });
    expect(r.ret).toBe(0);
    expect(r.log.map((l) => l.text)).toEqual([
      kernel === "4.20"
        ? "pci 0000:04:00.0: added peer-to-peer DMA memory [mem 0x4000000000-0x4003ffffff 64bit pref]"
        : "pci 0000:04:00.0: added peer-to-peer DMA memory 0x4000000000-0x4003ffffff",
    ]);
    const dir = `${s.system.devicePath(s.ssd)}/p2pmem`;
    expect(s.system.sysfs.read(`${dir}/size`)).toBe("67108864\n");
    expect(s.system.sysfs.read(`${dir}/available`)).toBe("67108864\n");
    expect(s.system.sysfs.read(`${dir}/published`)).toBe("0\n");
    expect(hasP2pmem(core, s.ssd)).toBe(false);
    publish(core, s.ssd, true);
    expect(s.system.sysfs.read(`${dir}/published`)).toBe("1\n");
    expect(hasP2pmem(core, s.ssd)).toBe(true);
    expect(hasP2pmem(core, s.ssd, { configPciP2pdma: false })).toBe(false);
    const a = allocP2pmem(core, s.ssd, 65536);
    expect(s.system.sysfs.read(`${dir}/available`)).toBe(`${64 * 1024 * 1024 - 65536}\n`);
    freeP2pmem(core, s.ssd, a, 65536);
    const names = s.system.sysfs.list(dir)?.sort();
    expect(names).toEqual(kernel === "4.20" ? ["available", "published", "size"] : ["allocate", "available", "published", "size"]);
    if (kernel === "6.12") {
      const node = s.system.sysfs.lookup(`${dir}/allocate`);
      expect(node).toMatchObject({ mode: 0o660, size: 2 ** 40, binary: true });
    }
  });

  it("two disjoint windows accumulate; publish without state is a no-op", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    publish(core, s.card, true);
    expect(hasP2pmem(core, s.card)).toBe(false);
    expect(addResource(core, s.card, 4, 256n * M, 0, { kernel }).ret).toBe(0);
    expect(addResource(core, s.card, 4, 256n * M, 512n * M, { kernel }).ret).toBe(0);
    expect(s.system.sysfs.read(`${s.system.devicePath(s.card)}/p2pmem/size`)).toBe(`${512 * 1024 * 1024}\n`);
    // The second range is searched first (head insertion).
    expect(allocP2pmem(core, s.card, 4096)).toBe(0xffff888000000000n + 0x4040000000n + 512n * M);
  });

  it("setup failures: -ENOMEM, no state left behind", () => {
    for (const f of ["setup-alloc", "pool-create", "release-action", "sysfs-group"] as const) {
      const s = seedMachine();
      const core = P2pdmaCore.of(s.system);
      core.injectFault(f);
      expect(addResource(core, s.ssd, 2, 0, 0, { kernel }).ret).toBe(-ENOMEM);
      expect(core.state(s.ssd)).toBeNull();
      expect(s.system.sysfs.lookup(`${s.system.devicePath(s.ssd)}/p2pmem`)).toBeUndefined();
    }
  });

  it("a later failure keeps the (empty) state and sysfs group", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    core.injectFault("pool-add");
    expect(addResource(core, s.ssd, 2, 0, 0, { kernel }).ret).toBe(-ENOMEM);
    expect(core.state(s.ssd)).not.toBeNull();
    expect(s.system.sysfs.read(`${s.system.devicePath(s.ssd)}/p2pmem/size`)).toBe("0\n");
  });
});

describe("memremap rules per mode (spec 2.2 step 7)", () => {
  it("6.12: a window not 2 MiB aligned is -EINVAL; 4.20 rounds to sections and accepts it", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    expect(addResource(core, s.ssd, 2, 1n * M, 0).ret).toBe(-EINVAL);
    const s2 = seedMachine();
    expect(addResource(P2pdmaCore.of(s2.system), s2.ssd, 2, 1n * M, 0, { kernel: "4.20" }).ret).toBe(0);
  });

  it("4.20: a second window in the same 128 MiB section conflicts (-ENOMEM / -EEXIST)", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    expect(addResource(core, s.ssd, 2, 2n * M, 0, { kernel: "4.20" }).ret).toBe(0);
    const r = addResource(core, s.ssd, 2, 2n * M, 8n * M, { kernel: "4.20" });
    expect(r.ret).toBe(-ENOMEM);
    expect(r.log.map((l) => l.text)).toEqual(["pci 0000:04:00.0: Conflicting mapping in same section"]);
    // 6.12 maps the same pair of windows fine (sub-section granularity).
    const s2 = seedMachine();
    const c2 = P2pdmaCore.of(s2.system);
    expect(addResource(c2, s2.ssd, 2, 2n * M, 0).ret).toBe(0);
    expect(addResource(c2, s2.ssd, 2, 2n * M, 8n * M).ret).toBe(0);
    expect(addResource(c2, s2.ssd, 2, 2n * M, 0).ret).toBe(-ENOMEM);
    expect(addResource(c2, s2.ssd, 2, 8n * M, 0).ret).toBe(-ENOMEM);
    void EEXIST;
  });
});

describe("device-managed teardown (spec 2.3)", () => {
  it("6.12: unbind waits in memunmap until the allocation is freed; new allocations fail meanwhile", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    s.ssd.driver = { name: "nvme", idTable: [], probe: () => 0 };
    expect(addResource(core, s.ssd, 2, 0, 0).ret).toBe(0);
    expect(s.ssd.devres.pending()).toEqual(["pci_p2pdma_release", "devm_memremap_pages", "pci_p2pdma_unmap_mappings"]);
    const a = allocP2pmem(core, s.ssd, 8192);
    s.system.unbind(s.ssd);
    const st = teardownStatus(core, s.ssd);
    expect(st?.pendingSteps).toEqual(["devm_memremap_pages_release", "pci_p2pdma_release"]);
    expect(st?.waitingFor).toContain("1 reference(s)");
    expect(s.system.sysfs.lookup(`${s.system.devicePath(s.ssd)}/p2pmem/allocate`)).toBeUndefined();
    expect(allocP2pmem(core, s.ssd, 4096)).toBe(0n);
    freeP2pmem(core, s.ssd, a, 8192);
    expect(core.state(s.ssd)).toBeNull();
    expect(s.system.sysfs.lookup(`${s.system.devicePath(s.ssd)}/p2pmem`)).toBeUndefined();
    expect(core.pagemaps.maps).toEqual([]);
  });

  it("4.20: kill first, release waits for the ref; the kill of several ranges happens once", () => {
    const s = seedMachine();
    const core = P2pdmaCore.of(s.system);
    s.card.driver = { name: "p2pmem_pci", idTable: [], probe: () => 0 };
    expect(addResource(core, s.card, 4, 256n * M, 0, { kernel: "4.20" }).ret).toBe(0);
    expect(addResource(core, s.card, 4, 256n * M, 256n * M, { kernel: "4.20" }).ret).toBe(0);
    expect(s.card.devres.pending()).toEqual([
      "pci_p2pdma_release",
      "devm_memremap_pages",
      "pci_p2pdma_percpu_kill",
      "devm_memremap_pages",
      "pci_p2pdma_percpu_kill",
    ]);
    const a = allocP2pmem(core, s.card, 4096);
    s.system.unbind(s.card);
    expect(core.state(s.card)!.ref.dying).toBe(true);
    expect(teardownStatus(core, s.card)?.pendingSteps[0]).toBe("devm_memremap_pages_release");
    expect(allocP2pmem(core, s.card, 4096)).toBe(0n);
    freeP2pmem(core, s.card, a, 4096);
    expect(core.state(s.card)).toBeNull();
  });
});
