import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildSqe, LoopHost } from "../src/index";
import { env, NQN, HOST, basicSubsys, connect } from "./helpers/setup";

const NAMES = ["s1", "s2"];
const op = fc.oneof(
  fc.record({ k: fc.constant("mkdir"), p: fc.constantFrom("subsystems/s1", "subsystems/s2", "subsystems/s1/namespaces/1", "subsystems/s2/namespaces/2", "ports/1", "ports/2", "hosts/h", "ports/1/referrals/r", "ports/1/ana_groups/3") }),
  fc.record({ k: fc.constant("rmdir"), p: fc.constantFrom("subsystems/s1", "subsystems/s2", "subsystems/s1/namespaces/1", "subsystems/s2/namespaces/2", "ports/1", "ports/2", "hosts/h", "ports/1/referrals/r", "ports/1/ana_groups/3") }),
  fc.record({ k: fc.constant("link"), p: fc.constantFrom("ports/1/subsystems/s1", "ports/2/subsystems/s2", "ports/1/subsystems/s2", "subsystems/s1/allowed_hosts/h") }),
  fc.record({ k: fc.constant("unlink"), p: fc.constantFrom("ports/1/subsystems/s1", "ports/2/subsystems/s2", "ports/1/subsystems/s2", "subsystems/s1/allowed_hosts/h") }),
  fc.record({
    k: fc.constant("write"),
    p: fc.constantFrom("subsystems/s1/namespaces/1/enable", "subsystems/s2/namespaces/2/enable", "subsystems/s1/namespaces/1/device_path", "subsystems/s2/namespaces/2/device_path", "subsystems/s1/namespaces/1/p2pmem", "ports/1/addr_trtype", "ports/2/addr_trtype", "subsystems/s1/attr_allow_any_host", "subsystems/s1/attr_cntlid_min", "subsystems/s1/attr_cntlid_max"),
    v: fc.constantFrom("1\n", "0\n", "loop\n", "rdma\n", "/dev/nvme0n1\n", "/dev/nvme1n1\n", "/srv/img\n", "/dev/none\n", "7\n", "65519\n", "x\n", ""),
  }),
);

describe("property: configfs operation sequences keep the tree consistent", () => {
  it("invariants hold after any sequence", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const e = env();
        const c = e.configfs;
        for (const o of ops) {
          const before = JSON.stringify(c.ls("ports/1/subsystems"));
          let r: number;
          if (o.k === "mkdir") r = c.mkdir(o.p);
          else if (o.k === "rmdir") r = c.rmdir(o.p);
          else if (o.k === "link") r = c.symlink(o.p.includes("allowed_hosts") ? "hosts/h" : `subsystems/${o.p.split("/").pop()!}`, o.p);
          else if (o.k === "unlink") r = c.unlink(o.p);
          else r = c.write(o.p, (o as { v: string }).v);
          expect(typeof r).toBe("number");
          if (r < 0 && o.k !== "write") expect(JSON.stringify(c.ls("ports/1/subsystems"))).toBe(before);
        }
        const t = e.nvmet;
        // (1) a port is enabled iff it has linked subsystems
        for (const p of t.ports) expect(p.enabled).toBe(p.subsystems.length > 0);
        // (2) enabled namespaces are exactly those with enable=1 and an open backend
        for (const name of NAMES) {
          const s = t.subsystems.get(name);
          if (!s) continue;
          for (const [dir, ns] of s.nsItems) {
            expect(c.read(`subsystems/${name}/namespaces/${dir}/enable`)).toBe(ns.enabled ? "1\n" : "0\n");
            expect(ns.enabled).toBe(ns.bdev !== null || ns.file !== null);
            expect(s.namespaces.get(ns.nsid) === ns).toBe(ns.enabled);
          }
          expect(s.nrNamespaces).toBe(s.namespaces.size);
          // (3) allow_any_host and explicit hosts never coexist
          expect(s.allowAnyHost && s.hosts.length > 0).toBe(false);
          expect(s.cntlidMin <= s.cntlidMax).toBe(true);
        }
        // (4) every open block device belongs to exactly one enabled namespace
        let open = 0;
        for (const d of e.disks.values()) open += d.openCount;
        let enabledBdev = 0;
        for (const s of t.subsystems.values()) for (const ns of s.namespaces.values()) if (ns.bdev) enabledBdev++;
        expect(open).toBe(enabledBdev);
        // (5) configfs listing matches the model
        expect((c.ls("subsystems") as string[]).sort()).toEqual([...t.subsystems.keys()].sort());
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});

describe("property: random fabrics command streams", () => {
  it("never crash the target nor touch another subsystem's namespaces", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ qid: fc.constantFrom(0, 1), raw: fc.uint8Array({ minLength: 64, maxLength: 64 }), len: fc.constantFrom(0, 512, 4096), opcode: fc.constantFrom(0x00, 0x01, 0x02, 0x06, 0x08, 0x09, 0x0a, 0x0c, 0x18, 0x7f, 0x02, 0x55) }), { maxLength: 25 }),
        async (cmds) => {
          const e = env();
          basicSubsys(e);
          e.configfs.mkdir("subsystems/other");
          e.configfs.write("subsystems/other/attr_allow_any_host", "1\n");
          e.configfs.mkdir("subsystems/other/namespaces/1");
          e.configfs.write("subsystems/other/namespaces/1/device_path", "/dev/nvme2n1\n");
          e.configfs.write("subsystems/other/namespaces/1/enable", "1\n");
          e.configfs.symlink("subsystems/other", "ports/1/subsystems/other");
          const other = e.disks.get("/dev/nvme2n1")!;
          other.bios.length = 0;
          const h = await connect(e);
          for (const c of cmds) {
            if (h.dead) break;
            const sqe = new Uint8Array(c.raw);
            sqe[0] = c.opcode;
            sqe[1] = sqe[1]! & 0x3c;
            new DataView(sqe.buffer).setUint16(2, 0, true);
            const p = h.submit(c.qid, sqe, c.len ? new Uint8Array(c.len) : undefined);
            if (c.opcode !== 0x0c) {
              const r = await p;
              expect(r.status).toBeGreaterThanOrEqual(0);
            }
          }
          expect(other.bios).toHaveLength(0);
          void buildSqe;
          void LoopHost;
          void NQN;
          void HOST;
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });
});
