/**
 * `pnpm bench`: wall-clock IOPS of 4 KiB random reads and writes at QD32 and GB/s of 128 KiB
 * sequential writes through block + nvme-pci + the controller model (memory backend), next to
 * this machine's memcpy bandwidth measured in the same run. Prints one JSON document.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { loadTopologyFile, samplePath } from "@p2pdma/pci-core";
import { Bio, bioAddPage, blkFinishPlug, blkStartPlug, ramBuffer, REQ, REQ_OP, submitBio, waitBio } from "@p2pdma/block";
import type { Gendisk, HostMemory } from "@p2pdma/block";
import { attachNvme } from "../src/index";
import { benchDevice } from "./device";

function memcpyGBs(): number {
  const a = new Uint8Array(64 << 20);
  const b = new Uint8Array(64 << 20);
  a.fill(1);
  const t0 = performance.now();
  for (let i = 0; i < 8; i++) b.set(a);
  return (8 * a.length) / ((performance.now() - t0) / 1000) / 1e9;
}

function runIos(disk: Gendisk, mem: HostMemory, op: "read" | "write", bytes: number, qd: number, total: number, seq: boolean): number {
  const bufs = Array.from({ length: qd }, () => ramBuffer(mem, bytes));
  const sectors = Number(disk.capacity >> 20n);
  let lcg = 12345;
  let next = 0;
  const q = disk.queue;
  const t0 = performance.now();
  let done = 0;
  let inflight: Bio[] = [];
  while (done < total) {
    blkStartPlug(q);
    while (inflight.length < qd && done + inflight.length < total) {
      const slot = inflight.length;
      lcg = (lcg * 1103515245 + 12345) >>> 0;
      const sector = seq ? next : (lcg % sectors) * (bytes >> 9);
      next += bytes >> 9;
      const bio = new Bio(disk, op === "read" ? REQ_OP.READ : REQ_OP.WRITE, REQ.SYNC | REQ.NOMERGE, sector);
      const b = bufs[slot]!;
      for (let o = 0; o < bytes; o += 4096) bioAddPage(bio, mem.page(b.phys + BigInt(o)), 4096, 0);
      submitBio(bio);
      inflight.push(bio);
    }
    blkFinishPlug(q);
    for (const b of inflight) if (waitBio(b) !== "OK") throw new Error("I/O failed");
    done += inflight.length;
    inflight = [];
  }
  return (performance.now() - t0) / 1000;
}

export async function run(): Promise<Record<string, unknown>> {
  const built = loadTopologyFile(readFileSync(samplePath("reference")!, "utf8"), "reference.yaml");
  const m = attachNvme(built);
  const disk = m.diskOf("nvme2")!;
  const n4k = 20000;
  const randWrite = runIos(disk, m.mem, "write", 4096, 32, n4k, false);
  const randRead = runIos(disk, m.mem, "read", 4096, 32, n4k, false);
  const nSeq = 2000;
  const seqWrite = runIos(disk, m.mem, "write", 131072, 32, nSeq, true);
  const memcpy = memcpyGBs();
  const seqGBs = (nSeq * 131072) / seqWrite / 1e9;
  const result = {
    stack: "block + nvme-pci + controller model (memory backend), wall clock, one core",
    randRead4kIops: Math.round(n4k / randRead),
    randWrite4kIops: Math.round(n4k / randWrite),
    seqWrite128kGBs: Number(seqGBs.toFixed(3)),
    memcpyGBs: Number(memcpy.toFixed(2)),
    seqWriteVsMemcpy: Number((seqGBs / memcpy).toFixed(3)),
    virtualSeconds: m.clock.now / 1e9,
    deviceOnly: await benchDevice(),
  };
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void run().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
