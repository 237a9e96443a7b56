import { describe, expect, it } from "vitest";
import { EBUSY, EINVAL, ENODEV, KDevice } from "@p2pdma/pci-core";
import { NvmetRdmaQueue, buildSqe, nvmeSpec } from "../src/index";
import type { RdmaRwApi } from "../src/index";
import { env, NQN, HOST, basicSubsys, connect } from "./helpers/setup";

const N = `subsystems/${NQN}/namespaces/1`;
const rwOk: RdmaRwApi = { rwCtxInit: () => 1, rwCtxPost: () => Promise.resolve(0) };

function keyedRead(nsid: number, nlb: number, len: number): Uint8Array {
  const c = new Uint8Array(64);
  c.set(buildSqe({ opcode: nvmeSpec.NVME_CMD.READ, nsid, flags: 0x40, cdw12: nlb - 1 }));
  const v = new DataView(c.buffer);
  v.setBigUint64(24, 0x1000n, true);
  c[32] = len & 0xff; c[33] = (len >> 8) & 0xff; c[34] = (len >> 16) & 0xff;
  v.setUint32(35, 0x1234, true);
  c[39] = 0x40;
  return c;
}

for (const mode of ["4.20", "6.12"] as const) {
  describe(`nvmet P2P (spec 6, kernel ${mode})`, () => {
    it("6.2 p2pmem attribute: show/store, ENODEV with enable_store's log, EBUSY while enabled", () => {
      const e = env(mode);
      const c = e.configfs;
      e.p2p.addProvider("0000:05:00.0", 1 << 20);
      e.p2p.plainPci.add("0000:03:00.0");
      c.mkdir(`subsystems/${NQN}`);
      c.mkdir(N);
      expect(c.read(`${N}/p2pmem`)).toBe("0\n");
      for (const w of ["1\n", "yes\n", "on\n", "true\n"]) {
        expect(c.write(`${N}/p2pmem`, w)).toBe(w.length);
        expect(c.read(`${N}/p2pmem`)).toBe("1\n");
      }
      expect(c.write(`${N}/p2pmem`, "10\n")).toBe(-ENODEV);
      expect(e.nvmet.log.all().at(-1)?.text).toBe("pci-p2pdma: No such PCI device: 10");
      expect(c.write(`${N}/p2pmem`, "0000:03:00.0\n")).toBe(-ENODEV);
      expect(e.nvmet.log.all().at(-1)?.text).toBe("0000:03:00.0: PCI device has no peer-to-peer memory: 0000:03:00.0\n");
      expect(c.read(`${N}/p2pmem`)).toBe("1\n");
      expect(c.write(`${N}/p2pmem`, "0000:05:00.0\n")).toBe(13);
      expect(c.read(`${N}/p2pmem`)).toBe("0000:05:00.0\n");
      expect(e.p2p.refs.get("0000:05:00.0")).toBe(1);
      c.write(`${N}/device_path`, "/dev/nvme0n1\n");
      expect(c.write(`${N}/enable`, "1\n")).toBe(2);
      expect(c.write(`${N}/p2pmem`, "0\n")).toBe(-EBUSY);
      c.write(`${N}/enable`, "0\n");
      expect(c.write(`${N}/p2pmem`, "0\n")).toBe(2);
      expect(e.p2p.refs.get("0000:05:00.0")).toBe(0);
    });

    it("6.2 p2pmem is absent when P2PDMA is compiled out", () => {
      const e = env(mode, { p2p: false });
      e.configfs.mkdir(`subsystems/${NQN}`);
      e.configfs.mkdir(N);
      expect(e.configfs.ls(N)).not.toContain("p2pmem");
      expect(e.configfs.read(`${N}/p2pmem`)).toBe(-2);
    });

    it("6.3 enable checks: file namespace, queue without P2P, no memory, specific provider too far", () => {
      const e = env(mode);
      const c = e.configfs;
      c.mkdir(`subsystems/${NQN}`);
      c.mkdir(N);
      c.write(`${N}/p2pmem`, "1\n");
      c.write(`${N}/device_path`, "/srv/img\n");
      expect(c.write(`${N}/enable`, "1\n")).toBe(-EINVAL);
      expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: peer-to-peer DMA is not supported by non-block device namespaces");
      c.write(`${N}/device_path`, "/dev/nvme1n1\n");
      expect(c.write(`${N}/enable`, "1\n")).toBe(-EINVAL);
      expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: peer-to-peer DMA is not supported by the driver of /dev/nvme1n1");
      c.write(`${N}/device_path`, "/dev/nvme0n1\n");
      expect(c.write(`${N}/enable`, "1\n")).toBe(-EINVAL);
      expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: no peer-to-peer memory is available for /dev/nvme0n1");
      const p = e.p2p.addProvider("0000:05:00.0", 1 << 20);
      e.p2p.setDistance(p.name, "nvme0n1", -1);
      c.write(`${N}/p2pmem`, "0000:05:00.0\n");
      expect(c.write(`${N}/enable`, "1\n")).toBe(-EINVAL);
      e.p2p.setDistance(p.name, "nvme0n1", 4);
      expect(c.write(`${N}/enable`, "1\n")).toBe(2);
    });

    it("6.3 step 6: the backend is closed on failure; the 4.20 leak only as a quirk", () => {
      const e = env(mode, { leak: true });
      const c = e.configfs;
      c.mkdir(`subsystems/${NQN}`);
      c.mkdir(N);
      c.write(`${N}/p2pmem`, "1\n");
      c.write(`${N}/device_path`, "/dev/nvme0n1\n");
      expect(c.write(`${N}/enable`, "1\n")).toBe(-EINVAL);
      expect(e.disks.get("/dev/nvme0n1")!.openCount).toBe(mode === "4.20" ? 1 : 0);
      const plain = env(mode);
      plain.configfs.mkdir(`subsystems/${NQN}`);
      plain.configfs.mkdir(N);
      plain.configfs.write(`${N}/p2pmem`, "1\n");
      plain.configfs.write(`${N}/device_path`, "/dev/nvme0n1\n");
      plain.configfs.write(`${N}/enable`, "1\n");
      expect(plain.disks.get("/dev/nvme0n1")!.openCount).toBe(0);
    });

    it("6.4 loop never sets p2p_client: no provider choice, system-memory SGLs", async () => {
      const e = env(mode);
      e.p2p.addProvider("0000:05:00.0", 1 << 20);
      basicSubsys(e, "/dev/nvme0n1", { p2pmem: "1\n" });
      const h = await connect(e);
      expect(h.ctrl!.p2pClient).toBeNull();
      expect(h.ctrl!.p2pNsMap.size).toBe(0);
      expect(e.nvmet.log.all().some((l) => l.text.includes("using p2pmem"))).toBe(false);
    });

    it("6.4-6.7 rdma: provider per controller, P2P SGL, REQ_NOMERGE, fallback reasons, Internal Error", async () => {
      const e = env(mode);
      const p = e.p2p.addProvider("0000:05:00.0", 8192);
      basicSubsys(e, "/dev/nvme0n1", { p2pmem: "1\n" });
      const c = e.configfs;
      c.mkdir("ports/2");
      c.write("ports/2/addr_trtype", "rdma\n");
      expect(c.symlink(`subsystems/${NQN}`, `ports/2/subsystems/${NQN}`)).toBe(0);
      expect(c.read("ports/2/param_inline_data_size")).toBe("4096\n");
      const port = e.nvmet.ports.find((x) => x.discAddr.portid === 2)!;
      const nic = new KDevice("mlx5_0", new KDevice("0000:04:00.0", null));
      const dev = { dev: nic, p2pDmaSupported: false };
      const admin = new NvmetRdmaQueue(e.rdma, port, dev, rwOk);
      const conn = new Uint8Array(64 + 1024);
      conn.set(buildSqe({ opcode: 0x7f, fctype: 1, cdw11: 31, cdw12: 5000, flags: 0x40 }));
      conn[24 + 15] = 0x01;
      new DataView(conn.buffer).setUint32(24 + 8, 1024, true);
      const d = conn.subarray(64);
      d[16] = 0xff; d[17] = 0xff;
      d.set(new TextEncoder().encode(NQN), 256);
      d.set(new TextEncoder().encode(HOST), 512);
      const r = await admin.handleCommand(conn);
      expect(r.status).toBe(0);
      const ctrl = admin.sq.ctrl!;
      if (mode === "4.20") {
        expect(ctrl.p2pClient).toBe(nic);
        expect(ctrl.p2pNsMap.get(1)).toBe(p);
        expect(e.nvmet.log.all().some((l) => l.text === "nvmet: using p2pmem on 0000:05:00.0 for nsid 1")).toBe(true);
      } else {
        expect(ctrl.p2pClient).toBeNull();
      }
      // a P2P-capable NIC in 6.12 (dev with DMA P2P support)
      const dev2 = { dev: nic, p2pDmaSupported: true };
      const admin2 = new NvmetRdmaQueue(e.rdma, port, dev2, rwOk);
      expect((await admin2.handleCommand(conn)).status).toBe(0);
      const ctrl2 = admin2.sq.ctrl!;
      expect(ctrl2.p2pNsMap.get(1)).toBe(p);
      ctrl2.cc = 1 | (6 << 16) | (4 << 20);
      ctrl2.csts = 1;
      const ioq = new NvmetRdmaQueue(e.rdma, port, dev2, rwOk);
      const ioc = new Uint8Array(conn);
      new DataView(ioc.buffer).setUint16(42, 1, true);
      new DataView(ioc.buffer).setUint16(44, 63, true);
      ioc[64 + 16] = ctrl2.cntlid & 0xff; ioc[64 + 17] = ctrl2.cntlid >> 8;
      expect((await ioq.handleCommand(ioc)).status).toBe(0);
      const disk = e.disks.get("/dev/nvme0n1")!;
      disk.bios.length = 0;
      expect((await ioq.handleCommand(keyedRead(1, 8, 4096))).status).toBe(0);
      expect(disk.bios.at(-1)!.flags).toContain("nomerge");
      expect(disk.bios.at(-1)!.sgl[0]!.p2p).toBe(p);
      expect(p.free).toBe(8192);
      // pool exhausted -> silent fallback to system memory
      expect((await ioq.handleCommand(keyedRead(1, 32, 16384))).status).toBe(0);
      expect(disk.bios.at(-1)!.flags).not.toContain("nomerge");
      const ns = e.nvmet.subsystems.get(NQN)!.namespaces.get(1)!;
      expect(ns.counters!.p2pSgls).toBe(1);
      expect(ns.counters!.fallbacks["pool-exhausted"]).toBe(1);
      // rdma_rw_ctx_init failure -> Internal Error (0x06), no DNR
      const bad = new NvmetRdmaQueue(e.rdma, port, dev2, { rwCtxInit: () => -121, rwCtxPost: () => Promise.resolve(0) });
      (bad as unknown as { sq: unknown }).sq = ioq.sq;
      const st = await bad.handleCommand(keyedRead(1, 1, 512));
      expect(st.status).toBe(nvmeSpec.NVME_SC.INTERNAL);
      expect(p.free).toBe(8192);
      // disable removes the map entry and drops the reference
      const before = e.p2p.refs.get(p.name)!;
      c.write(`${N}/enable`, "0\n");
      expect(ctrl2.p2pNsMap.size).toBe(0);
      expect(e.p2p.refs.get(p.name)).toBe(before - (mode === "4.20" ? 2 : 1));
    });

    it("6.4 no common provider: error line naming both devices, connect still succeeds", async () => {
      const e = env(mode);
      const p = e.p2p.addProvider("0000:05:00.0", 8192);
      basicSubsys(e, "/dev/nvme0n1", { p2pmem: "1\n" });
      e.p2p.setDistance(p.name, "mlx5_0", -1);
      const c = e.configfs;
      c.mkdir("ports/2");
      c.write("ports/2/addr_trtype", "rdma\n");
      c.symlink(`subsystems/${NQN}`, `ports/2/subsystems/${NQN}`);
      const port = e.nvmet.ports.find((x) => x.discAddr.portid === 2)!;
      const q = new NvmetRdmaQueue(e.rdma, port, { dev: new KDevice("mlx5_0", null), p2pDmaSupported: true }, rwOk);
      const conn = new Uint8Array(64 + 1024);
      conn.set(buildSqe({ opcode: 0x7f, fctype: 1, cdw11: 31, flags: 0x40 }));
      conn[39] = 0x01;
      new DataView(conn.buffer).setUint32(32, 1024, true);
      conn[64 + 16] = 0xff; conn[64 + 17] = 0xff;
      conn.set(new TextEncoder().encode(NQN), 64 + 256);
      conn.set(new TextEncoder().encode(HOST), 64 + 512);
      expect((await q.handleCommand(conn)).status).toBe(0);
      expect(e.nvmet.log.all().some((l) => l.text === "nvmet: no peer-to-peer memory is available that's supported by mlx5_0 and /dev/nvme0n1")).toBe(true);
      expect(q.sq.ctrl!.p2pNsMap.size).toBe(0);
    });
  });
}
