/** Shared setup: a target with memory disks, a loop port and a subsystem. */
import { expect } from "vitest";
import { KDevice } from "@p2pdma/pci-core";
import type { KernelMode } from "@p2pdma/pci-core";
import { DeviceRegistry, MemoryBlockDevice, MemoryFile, createTarget, LoopHost } from "../../src/index";
import type { Target } from "../../src/index";
import { FakeP2p } from "./fake-p2p";

export interface Env extends Target {
  readonly reg: DeviceRegistry;
  readonly p2p: FakeP2p;
  readonly disks: Map<string, MemoryBlockDevice>;
}

export function env(kernel: KernelMode = "6.12", opts: { p2p?: boolean; leak?: boolean } = {}): Env {
  const reg = new DeviceRegistry({ nodeFiles: false });
  const p2p = new FakeP2p();
  const disks = new Map<string, MemoryBlockDevice>();
  for (const [i, cap] of [[0, true], [1, false], [2, true]] as const) {
    const pci = new KDevice(`0000:0${i + 3}:00.0`, null);
    const ctrl = new KDevice(`nvme${i}`, pci);
    const d = new MemoryBlockDevice({ name: `nvme${i}n1`, capacityBytes: 64 << 20, parent: ctrl, pciP2pdma: cap, trace: true });
    disks.set(`/dev/nvme${i}n1`, d);
    reg.addBlockDevice(`/dev/nvme${i}n1`, () => {
      d.openCount++;
      return d;
    });
  }
  reg.addFile("/srv/img", () => new MemoryFile(8 << 20));
  const t = createTarget({ vfs: reg, p2p: opts.p2p === false ? null : p2p, kernel, seed: 7, ...(opts.leak ? { quirks: { nsEnableLeak: true } } : {}) });
  return { ...t, reg, p2p, disks };
}

export const NQN = "nqn.2014-08.org.example:sub1";
export const HOST = "nqn.2014-08.org.example:host1";

/** mkdir + attributes + enable + loop port link; returns 0 on success. */
export function basicSubsys(e: Env, path = "/dev/nvme0n1", opts: { anyHost?: boolean; p2pmem?: string } = {}): void {
  const c = e.configfs;
  expect(c.mkdir(`subsystems/${NQN}`)).toBe(0);
  expect(c.write(`subsystems/${NQN}/attr_allow_any_host`, opts.anyHost === false ? "0\n" : "1\n")).toBeGreaterThan(0);
  expect(c.mkdir(`subsystems/${NQN}/namespaces/1`)).toBe(0);
  expect(c.write(`subsystems/${NQN}/namespaces/1/device_path`, `${path}\n`)).toBeGreaterThan(0);
  if (opts.p2pmem) expect(c.write(`subsystems/${NQN}/namespaces/1/p2pmem`, opts.p2pmem)).toBeGreaterThan(0);
  expect(c.write(`subsystems/${NQN}/namespaces/1/enable`, "1\n")).toBe(2);
  expect(c.mkdir("ports/1")).toBe(0);
  expect(c.write("ports/1/addr_trtype", "loop\n")).toBe(5);
  expect(c.symlink(`subsystems/${NQN}`, `ports/1/subsystems/${NQN}`)).toBe(0);
}

export async function connect(e: Env, o: { subsysnqn?: string; hostnqn?: string; ioQueues?: number } = {}): Promise<LoopHost> {
  const r = await LoopHost.connect(e.loop, { subsysnqn: o.subsysnqn ?? NQN, hostnqn: o.hostnqn ?? HOST, ioQueues: o.ioQueues ?? 1 });
  expect(r.failed).toBeNull();
  return r.host;
}
