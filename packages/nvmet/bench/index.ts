/**
 * nvmet-loop throughput with a memory-backed namespace, one process, wall clock:
 * 4 KiB random read/write IOPS (queue depth 32) and 128 KiB sequential GB/s, next to a plain
 * memcpy of the same bytes measured in the same run.
 */
import { KDevice, mulberry32 } from "@p2pdma/pci-core";
import { DeviceRegistry, LoopHost, MemoryBlockDevice, buildSqe, createTarget, nvmeSpec } from "../src/index";

const NQN = "nqn.2024-01.bench:sub";
const CAP = 1 << 30;

async function setup(): Promise<LoopHost> {
  const reg = new DeviceRegistry({ nodeFiles: false });
  const disk = new MemoryBlockDevice({ name: "nvme0n1", capacityBytes: CAP, parent: new KDevice("nvme0", null) });
  reg.addBlockDevice("/dev/nvme0n1", () => disk);
  const { configfs: c, loop } = createTarget({ vfs: reg });
  c.mkdir(`subsystems/${NQN}`);
  c.write(`subsystems/${NQN}/attr_allow_any_host`, "1\n");
  c.mkdir(`subsystems/${NQN}/namespaces/1`);
  c.write(`subsystems/${NQN}/namespaces/1/device_path`, "/dev/nvme0n1\n");
  c.write(`subsystems/${NQN}/namespaces/1/enable`, "1\n");
  c.mkdir("ports/1");
  c.write("ports/1/addr_trtype", "loop\n");
  c.symlink(`subsystems/${NQN}`, `ports/1/subsystems/${NQN}`);
  const r = await LoopHost.connect(loop, { subsysnqn: NQN, hostnqn: "nqn.bench:host" });
  if (r.failed) throw new Error("connect failed");
  return r.host;
}

async function run4k(h: LoopHost, write: boolean, total: number): Promise<number> {
  const rnd = mulberry32(3);
  const blocks = CAP / 4096;
  const qd = 32;
  let issued = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    const buf = new Uint8Array(4096);
    while (issued < total) {
      issued++;
      const lba = Math.floor(rnd() * blocks) * 8;
      const cmd = buildSqe({ opcode: write ? nvmeSpec.NVME_CMD.WRITE : nvmeSpec.NVME_CMD.READ, nsid: 1, cdw10: lba, cdw12: 7 });
      const c = await h.submit(1, cmd, buf);
      if (c.status) throw new Error(`status ${c.status}`);
    }
  };
  await Promise.all(Array.from({ length: qd }, worker));
  return total / ((performance.now() - t0) / 1000);
}

async function run128k(h: LoopHost, write: boolean, total: number): Promise<number> {
  const buf = new Uint8Array(128 << 10);
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const lba = (i * 256) % (CAP / 512 - 256);
    const cmd = buildSqe({ opcode: write ? nvmeSpec.NVME_CMD.WRITE : nvmeSpec.NVME_CMD.READ, nsid: 1, cdw10: lba, cdw12: 255 });
    const c = await h.submit(1, cmd, buf);
    if (c.status) throw new Error(`status ${c.status}`);
  }
  return (total * buf.length) / ((performance.now() - t0) / 1000) / 1e9;
}

function memcpyGBs(): number {
  const a = new Uint8Array(128 << 10);
  const b = new Uint8Array(128 << 10);
  const n = 20000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) b.set(a);
  return (n * a.length) / ((performance.now() - t0) / 1000) / 1e9;
}

/** Runs the benchmark and returns its figures. */
export async function run(): Promise<Record<string, unknown>> {
  const h = await setup();
  await run4k(h, true, 20000);
  return {
    transport: "loop",
    backend: "memory (MemoryBlockDevice)",
    queueDepth: 32,
    randWrite4kIops: Math.round(await run4k(h, true, 100000)),
    randRead4kIops: Math.round(await run4k(h, false, 100000)),
    seqWrite128kGBs: Number((await run128k(h, true, 8000)).toFixed(2)),
    seqRead128kGBs: Number((await run128k(h, false, 8000)).toFixed(2)),
    memcpy128kGBs: Number(memcpyGBs().toFixed(2)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void run().then((r) => console.log(JSON.stringify(r, null, 2)));
}
