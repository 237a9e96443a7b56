import { describe, expect, it } from "vitest";
import { EREMOTEIO } from "@p2pdma/pci-core";
import { Bio, bioAddPage, bioSetNomerge, directIo, p2pmemBuffer, ramBuffer, REQ_OP, submitBioWait } from "@p2pdma/block";
import { reference } from "./helpers";

const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

describe("6.12 userspace P2P I/O (p2pmem/allocate + O_DIRECT)", () => {
  it("sysfs: 64 MiB CMB published, 64 KiB taken by the I/O SQ, cmb attributes byte-exact", () => {
    const m = reference();
    const c = m.ctrl("nvme0")!;
    const fs = m.system.sysfs;
    const dir = `/bus/pci/devices/${c.pdev.name}/p2pmem`;
    expect(fs.read(`${dir}/size`)).toBe("67108864\n");
    expect(fs.read(`${dir}/available`)).toBe("67043328\n");
    expect(fs.read(`${dir}/published`)).toBe("1\n");
    expect(c.ioqs.map((q) => q.sqInCmb)).toEqual([true]);
    expect(c.qDepth).toBe(1024);
  });

  it("CMB of nvme0 -> namespace of nvme2 behind the same switch and back: no payload on the root port", () => {
    const m = reference();
    const prov = m.system.resolve("nvme0")!;
    const map = m.p2p.mmapAllocate(prov, { length: 65536, shared: true });
    expect(map.ret).toBe(0);
    const buf = p2pmemBuffer(m.p2p, m.fabric, prov, map.mapping!);
    const data = pattern(65536);
    buf.write(0, data);
    m.fabric.resetCounters();
    const disk = m.diskOf("nvme2")!;
    expect(directIo(disk, { op: "write", pos: 1048576, buffer: buf })).toBe(65536);
    const rootLinks = m.fabric.linkCounters().filter((l) => l.link.includes("00:01"));
    const payloadOnRoot = rootLinks.reduce((s, l) => s + l.up + l.down, 0);
    expect(payloadOnRoot).toBeLessThan(4096); // commands and completions only, never the 64 KiB
    const back = ramBuffer(m.mem, 65536);
    expect(directIo(disk, { op: "read", pos: 1048576, buffer: back })).toBe(65536);
    expect(back.read(0, 65536)).toEqual(data);
    expect(m.fabric.linkCounters()).toMatchSnapshot();
  });

  it("across root ports through a whitelisted host bridge (Sky Lake-E): THRU_HOST_BRIDGE, payload crosses both root ports", () => {
    const m = reference();
    const prov = m.system.resolve("nvme0")!;
    const map = m.p2p.mmapAllocate(prov, { length: 65536, shared: true });
    const buf = p2pmemBuffer(m.p2p, m.fabric, prov, map.mapping!);
    buf.write(0, pattern(65536));
    m.fabric.resetCounters();
    const disk = m.diskOf("nvme4")!;
    expect(directIo(disk, { op: "write", pos: 1048576, buffer: buf })).toBe(65536);
    const onRoot = m.fabric.linkCounters().filter((l) => l.link.includes("00:02")).reduce((s, l) => s + l.up + l.down, 0);
    expect(onRoot).toBeGreaterThanOrEqual(65536);
  });

  it("across root ports on an AMD Zen CPU behind an unlisted host bridge: allowed (cpu_supports_p2pdma)", () => {
    const m = reference({}, { hostBridge: 0x29c0, cpu: "amd:0x19" });
    const prov = m.system.resolve("nvme0")!;
    const map = m.p2p.mmapAllocate(prov, { length: 65536, shared: true });
    const buf = p2pmemBuffer(m.p2p, m.fabric, prov, map.mapping!);
    expect(directIo(m.diskOf("nvme4")!, { op: "write", pos: 1048576, buffer: buf })).toBe(65536);
  });

  it("across root ports, host bridge not whitelisted, non-Zen CPU: EREMOTEIO and the two lines the real kernel prints", () => {
    const m = reference({}, { hostBridge: 0x29c0 });
    const prov = m.system.resolve("nvme0")!;
    const map = m.p2p.mmapAllocate(prov, { length: 65536, shared: true });
    const buf = p2pmemBuffer(m.p2p, m.fabric, prov, map.mapping!);
    const disk = m.diskOf("nvme4")!;
    const mark = m.system.log.mark();
    expect(directIo(disk, { op: "write", pos: 1048576, buffer: buf })).toBe(-EREMOTEIO);
    expect(m.system.log.since(mark).map((l) => l.text)).toEqual([
      `nvme ${disk.parent!.parent!.name}: cannot be used for peer-to-peer DMA as the client and provider (${prov.name}) do not share an upstream bridge or whitelisted host bridge`,
      `critical target error, dev ${disk.diskName}, sector 2048 op 0x1:(WRITE) flags 0x8800 phys_seg 1 prio class 2`,
    ]);
    const mark2 = m.system.log.mark();
    expect(directIo(disk, { op: "read", pos: 1048576, buffer: buf })).toBe(-EREMOTEIO);
    expect(m.system.log.since(mark2).map((l) => l.text)).toEqual([
      `critical target error, dev ${disk.diskName}, sector 2048 op 0x0:(READ) flags 0x800 phys_seg 1 prio class 2`,
    ]);
  });

  it("to a queue without PCI_P2PDMA: EREMOTEIO at pin time, no log line", () => {
    const m = reference();
    const prov = m.system.resolve("nvme0")!;
    const map = m.p2p.mmapAllocate(prov, { length: 65536, shared: true });
    const buf = p2pmemBuffer(m.p2p, m.fabric, prov, map.mapping!);
    const disk = m.diskOf("nvme2")!;
    disk.queue.setPciP2pdma(false);
    const mark = m.system.log.mark();
    expect(directIo(disk, { op: "write", pos: 1048576, buffer: buf })).toBe(-EREMOTEIO);
    expect(m.system.log.since(mark)).toEqual([]);
  });
});

describe("4.20 in-kernel P2P (pci_alloc_p2pmem + bio with P2P pages + REQ_NOMERGE)", () => {
  it("writes from the CMB of nvme0 to nvme3 and reads back", () => {
    const m = reference({ kernel: "4.20" }, { cmbScheme: "1.3" });
    const prov = m.system.resolve("nvme0")!;
    const virt = m.p2p.alloc(prov, 65536);
    expect(virt).not.toBe(0n);
    const bus = m.p2p.virtToBus(prov, virt);
    const data = pattern(65536);
    m.fabric.write(null, bus, data);
    const disk = m.diskOf("nvme3")!;
    expect(disk.queue.queueFlags & (1 << 29)).toBe(1 << 29);
    const bio = new Bio(disk, REQ_OP.WRITE, 0, 4096);
    for (let i = 0; i < 16; i++) expect(bioAddPage(bio, m.p2p.virtToPage(virt + BigInt(i * 4096)), 4096, 0)).toBe(4096);
    bioSetNomerge(bio);
    m.fabric.resetCounters();
    expect(submitBioWait(bio)).toBe("OK");
    const back = ramBuffer(m.mem, 65536);
    const rb = new Bio(disk, REQ_OP.READ, 0, 4096);
    for (let i = 0; i < 16; i++) bioAddPage(rb, m.mem.page(back.phys + BigInt(i * 4096)), 4096, 0);
    expect(submitBioWait(rb)).toBe("OK");
    expect(back.read(0, 65536)).toEqual(data);
  });

  it("two 64 MiB CMBs in one 128 MiB section: the second fails to register (4.20 devm_memremap_pages)", () => {
    const m = reference({ kernel: "4.20" }, { cmbScheme: "1.3" });
    expect(m.system.log.all().map((l) => l.text).slice(-2)).toEqual([
      "nvme 0000:05:00.0: Conflicting mapping in same section",
      "nvme nvme1: failed to register the CMB",
    ]);
    expect(m.ctrl("nvme1")!.cmb.cmbSize).toBe(0n);
  });
});
