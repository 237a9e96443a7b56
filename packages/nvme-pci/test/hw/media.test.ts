/** File backend persistence, Flush and the volatile write cache (NVMe 1.4 §5.21.1.4, §6.8). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FID, NVME_REG, NVM_OPC } from "@p2pdma/nvme-spec";
import { Host, M, makeEnv, pattern } from "./harness";

const dir = mkdtempSync(join(tmpdir(), "nvme-media-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(path: string, env = makeEnv()) {
  const h = new Host(env, env.devs.nvme1, { namespaces: [{ nsid: 1, sizeBytes: 4n * M, backend: { kind: "file", path } }] });
  h.enable();
  h.createIoQueue(1);
  return h;
}

describe("file backend", () => {
  it("data survives a controller reset and a restart (new controller, same file) after Flush", () => {
    const path = join(dir, "a.img");
    const h = open(path);
    const b = h.alloc(4096);
    h.writeMem(b, pattern(4096, 21));
    expect(h.write(1, 1, 64n, b, 8).status).toBe(0);
    expect(h.cmd(1, { opc: NVM_OPC.FLUSH, nsid: 1 }).status).toBe(0);
    h.w32(NVME_REG.CC, 0);
    h.run();
    h.enable();
    h.createIoQueue(1);
    const o = h.alloc(4096);
    expect(h.read(1, 1, 64n, o, 8).status).toBe(0);
    expect(h.readMem(o, 4096)).toEqual(pattern(4096, 21));
    h.ctrl.detach();
    const h2 = open(path);
    const o2 = h2.alloc(4096);
    expect(h2.read(1, 1, 64n, o2, 8).status).toBe(0);
    expect(h2.readMem(o2, 4096)).toEqual(pattern(4096, 21));
    h2.ctrl.detach();
  });

  it("power loss with the write cache enabled loses unflushed writes; flushed ones stay", () => {
    const path = join(dir, "b.img");
    const h = open(path);
    const b = h.alloc(8192);
    h.writeMem(b, pattern(8192, 5));
    expect(h.write(1, 1, 0n, b, 8).status).toBe(0);
    h.cmd(1, { opc: NVM_OPC.FLUSH, nsid: 1 });
    expect(h.write(1, 1, 8n, b + 4096n, 8).status).toBe(0);
    expect(h.ctrl.powerLoss()).toBe(4096);
    h.ctrl.detach();
    const h2 = open(path);
    const o = h2.alloc(8192);
    expect(h2.read(1, 1, 0n, o, 16).status).toBe(0);
    const back = h2.readMem(o, 8192);
    expect(back.subarray(0, 4096)).toEqual(pattern(8192, 5).subarray(0, 4096));
    expect(back.subarray(4096).every((x) => x === 0)).toBe(true);
    h2.ctrl.detach();
  });

  it("with the write cache disabled (Feature 06h WCE = 0) or FUA, writes are durable at once", () => {
    const path = join(dir, "c.img");
    const h = open(path);
    expect(h.admin({ opc: 0x09, cdw10: FID.VOLATILE_WRITE_CACHE, cdw11: 0 }).status).toBe(0);
    const b = h.alloc(4096);
    h.writeMem(b, pattern(4096, 6));
    h.write(1, 1, 0n, b, 8);
    h.cmd(1, { opc: NVM_OPC.WRITE, nsid: 1, prp1: b, cdw10: 16, cdw12: 7 | (1 << 30) });
    expect(h.ctrl.powerLoss()).toBe(0);
    h.ctrl.detach();
    const h2 = open(path);
    const o = h2.alloc(4096);
    h2.read(1, 1, 16n, o, 8);
    expect(h2.readMem(o, 4096)).toEqual(pattern(4096, 6));
    h2.ctrl.detach();
  });

  it("normal shutdown writes the cache back", () => {
    const path = join(dir, "d.img");
    const h = open(path);
    const b = h.alloc(4096);
    h.writeMem(b, pattern(4096, 8));
    h.write(1, 1, 0n, b, 8);
    h.w32(NVME_REG.CC, h.r32(NVME_REG.CC) | (1 << 14));
    h.run();
    expect(h.ctrl.powerLoss()).toBe(0);
    expect(h.ctrl.smart.unsafeShutdowns).toBe(0n);
    h.ctrl.detach();
  });
});
