import { describe, expect, it } from "vitest";
import { EINVAL, EREMOTEIO } from "@p2pdma/pci-core";
import type { Page } from "@p2pdma/p2pdma";
import type { UserBuffer } from "../src/index";
import {
  Bio,
  bioAddPage,
  bioSetNomerge,
  blkFinishPlug,
  blkStartPlug,
  directIo,
  ramBuffer,
  REQ,
  REQ_OP,
  submitBio,
  submitBioWait,
  waitBio,
  PCI_P2PDMA_BIT,
} from "../src/index";
import { fakeDisk, fakePgmap, p2pPage } from "./helpers";

describe("queue capability (spec 3.1)", () => {
  it("uses QUEUE_FLAG_PCI_P2PDMA bit 29 in 4.20 and BLK_FEAT_PCI_P2PDMA bit 12 in 6.12", () => {
    expect(PCI_P2PDMA_BIT["4.20"]).toEqual({ word: "queue_flags", bit: 29 });
    const a = fakeDisk("4.20", { p2p: true });
    expect(a.disk.queue.queueFlags).toBe(1 << 29);
    expect(a.disk.queue.pciP2pdma).toBe(true);
    const b = fakeDisk("6.12", { p2p: true });
    expect(b.disk.queue.limits.features & (1 << 12)).toBe(1 << 12);
    b.disk.queue.setPciP2pdma(false);
    expect(b.disk.queue.pciP2pdma).toBe(false);
  });
});

describe("direct I/O", () => {
  it("writes and reads back through the queue", () => {
    const f = fakeDisk("6.12");
    const src = ramBuffer(f.mem, 8192);
    const data = Uint8Array.from({ length: 8192 }, (_, i) => (i * 7) & 0xff);
    src.write(0, data);
    expect(directIo(f.disk, { op: "write", pos: 4096, buffer: src })).toBe(8192);
    const dst = ramBuffer(f.mem, 8192);
    expect(directIo(f.disk, { op: "read", pos: 4096, buffer: dst })).toBe(8192);
    expect(dst.read(0, 8192)).toEqual(data);
    expect(f.queued[0]!.cmdFlags).toBe(REQ_OP.WRITE | REQ.SYNC | REQ.IDLE);
    expect(f.queued[1]!.cmdFlags).toBe(REQ_OP.READ | REQ.SYNC);
    expect(f.queued[0]!.nrPhysSegments).toBe(1);
  });
  it("refuses misalignment with -EINVAL and truncates at the end of the device", () => {
    const f = fakeDisk("6.12", { sectors: 16n });
    const b = ramBuffer(f.mem, 8192);
    expect(directIo(f.disk, { op: "read", pos: 100, buffer: b })).toBe(-EINVAL);
    expect(directIo(f.disk, { op: "read", pos: 0, buffer: b, length: 100 })).toBe(-EINVAL);
    expect(directIo(f.disk, { op: "read", pos: 4096, buffer: b })).toBe(4096);
    expect(directIo(f.disk, { op: "read", pos: 8192, buffer: b })).toBe(0);
  });
  it("6.12: P2P user pages pin only for a queue with BLK_FEAT_PCI_P2PDMA, else -EREMOTEIO and no bio", () => {
    const pgmap = fakePgmap(0x2_0000_0000n);
    const seen: boolean[] = [];
    const buf: UserBuffer = {
      kind: "p2pmem",
      length: 4096,
      pin: (_o, _l, flags) => {
        seen.push(flags.allowP2pdma);
        return flags.allowP2pdma ? [p2pPage(pgmap, 0)] : -EREMOTEIO;
      },
      unpin: () => undefined,
      pageOffset: (o) => o % 4096,
      read: () => new Uint8Array(0),
      write: () => undefined,
    };
    const without = fakeDisk("6.12");
    expect(directIo(without.disk, { op: "write", pos: 0, buffer: buf })).toBe(-EREMOTEIO);
    expect(without.queued).toHaveLength(0);
    expect(without.log.all()).toEqual([]);
    const withFlag = fakeDisk("6.12", { p2p: true });
    expect(directIo(withFlag.disk, { op: "write", pos: 0, buffer: buf })).toBe(4096);
    expect(seen).toEqual([false, true]);
  });
  it("a target error completes with -EREMOTEIO and prints blk_print_req_error as 6.12 does", () => {
    const f = fakeDisk("6.12", { name: "nvme2n1", sectors: 1n << 21n });
    f.failWith = "TARGET";
    const b = ramBuffer(f.mem, 65536);
    expect(directIo(f.disk, { op: "write", pos: 1048576, buffer: b })).toBe(-EREMOTEIO);
    expect(directIo(f.disk, { op: "read", pos: 1048576, buffer: b })).toBe(-EREMOTEIO);
    expect(f.log.all().map((l) => l.text)).toEqual([
      "critical target error, dev nvme2n1, sector 2048 op 0x1:(WRITE) flags 0x8800 phys_seg 1 prio class 2",
      "critical target error, dev nvme2n1, sector 2048 op 0x0:(READ) flags 0x800 phys_seg 1 prio class 2",
    ]);
  });
});

describe("bios and merging (spec 3.3)", () => {
  it("6.12 bio_add_page refuses a page of another page map; 4.20 takes it", () => {
    const a = fakePgmap(0x2_0000_0000n);
    const b = fakePgmap(0x3_0000_0000n);
    const f = fakeDisk("6.12");
    const bio = new Bio(f.disk, REQ_OP.WRITE, 0, 0);
    expect(bioAddPage(bio, p2pPage(a, 0), 4096, 0)).toBe(4096);
    expect(bioAddPage(bio, p2pPage(a, 1), 4096, 0)).toBe(4096);
    expect(bio.vecs).toHaveLength(1); // physically contiguous: one multi-page bvec
    expect(bioAddPage(bio, p2pPage(b, 0), 4096, 0)).toBe(0);
    const ram: Page = { phys: 0x100000n, pgmap: null };
    expect(bioAddPage(bio, ram, 4096, 0)).toBe(0);
    const old = fakeDisk("4.20");
    const bio2 = new Bio(old.disk, REQ_OP.WRITE, 0, 0);
    bioAddPage(bio2, p2pPage(a, 0), 4096, 0);
    expect(bioAddPage(bio2, p2pPage(b, 0), 4096, 0)).toBe(4096);
  });
  it("plugged contiguous bios merge; REQ_NOMERGE (P2P bios from nvmet) never merge", () => {
    for (const nomerge of [false, true]) {
      const f = fakeDisk("4.20");
      const q = f.disk.queue;
      const buf = ramBuffer(f.mem, 8192);
      const bios = [0, 1].map((i) => {
        const bio = new Bio(f.disk, REQ_OP.WRITE, 0, i * 8);
        bioAddPage(bio, f.mem.page(buf.phys + BigInt(i * 4096)), 4096, 0);
        if (nomerge) bioSetNomerge(bio);
        return bio;
      });
      blkStartPlug(q);
      for (const b of bios) submitBio(b);
      blkFinishPlug(q);
      for (const b of bios) expect(waitBio(b)).toBe("OK");
      expect(f.queued).toHaveLength(nomerge ? 2 : 1);
      if (!nomerge) expect(f.queued[0]!.nrPhysSegments).toBe(1);
    }
  });
  it("a bio beyond the capacity ends with IOERR (bio_check_eod)", () => {
    const f = fakeDisk("6.12", { sectors: 8n });
    const buf = ramBuffer(f.mem, 4096);
    const bio = new Bio(f.disk, REQ_OP.READ, 0, 4);
    bioAddPage(bio, f.mem.page(buf.phys), 4096, 0);
    expect(submitBioWait(bio)).toBe("IOERR");
    expect(f.queued).toHaveLength(0);
  });
  it("waits for tags when the queue depth is exhausted", () => {
    const f = fakeDisk("6.12", { depth: 2, sectors: 1024n });
    const buf = ramBuffer(f.mem, 4096 * 6);
    const bios = Array.from({ length: 6 }, (_, i) => {
      const bio = new Bio(f.disk, REQ_OP.WRITE, REQ.NOMERGE, i * 8);
      bioAddPage(bio, f.mem.page(buf.phys + BigInt(i * 4096)), 4096, 0);
      submitBio(bio);
      return bio;
    });
    expect(f.disk.queue.hctxs[0]!.waiting).toHaveLength(4);
    for (const b of bios) expect(waitBio(b)).toBe("OK");
    expect(f.disk.queue.stats.writeIos).toBe(6);
  });
});
