import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, REPO } from "../run-cli";

const FIXTURES = join(REPO, "packages/nvmet/test/fixtures/nvmetcli");

interface Applied {
  config: Record<string, unknown>;
  namespaces: { subsystem: string; nsid: number; device: string; enabled: boolean; p2pmem: string; provider: string | null; error: string | null }[];
  errors: { path: string; errno: string | null; message: string }[];
  log: string[];
}

async function apply(...args: string[]): Promise<Applied> {
  const r = await cli("nvmet", "apply", ...args, "--json");
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Applied;
}

const KEYS = ["nqn", "portid", "nsid", "grpid", "name"];

/** Every value of `want` is in `got` (objects by key, lists of objects by their identifying key). */
function expectHolds(want: unknown, got: unknown, path: string): void {
  if (Array.isArray(want)) {
    expect(Array.isArray(got), `${path} is a list`).toBe(true);
    const g = got as unknown[];
    want.forEach((w, i) => {
      if (typeof w === "object" && w !== null) {
        const key = KEYS.find((k) => k in w);
        expect(key, `${path}[${i}] has an identifying key`).toBeDefined();
        const id = (w as Record<string, unknown>)[key!];
        const match = g.find((x) => typeof x === "object" && x !== null && (x as Record<string, unknown>)[key!] === id);
        expect(match, `${path}[${key}=${String(id)}] saved`).toBeDefined();
        expectHolds(w, match, `${path}[${key}=${String(id)}]`);
      } else expect(g.map(String), `${path} holds ${String(w)}`).toContain(String(w));
    });
    return;
  }
  if (typeof want === "object" && want !== null) {
    expect(typeof got === "object" && got !== null, `${path} is an object`).toBe(true);
    for (const [k, v] of Object.entries(want)) expectHolds(v, (got as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  // nvmetcli writes attributes as strings and reads them back the same way; numbers stay numbers.
  expect(String(got), path).toBe(String(want));
}

function tmpConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "p2pdma-nvmet-"));
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe("p2pdma nvmet apply: nvmetcli's example configurations on the reference system", () => {
  for (const name of ["rdma", "loop", "tcp"]) {
    it(`${name}.json restores and every value survives in config`, async () => {
      const file = join(FIXTURES, `${name}.json`);
      const want = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      const r = await apply(file);
      expect(r.errors).toEqual([]);
      expectHolds(want, r.config, name);
      // The kernel's defaults for what the file left out, as nvmetcli's save shows them.
      const sub = (r.config["subsystems"] as Record<string, Record<string, string>>[])[0]!;
      expect(sub["attr"]).toMatchObject({ cntlid_min: "1", cntlid_max: "65519", model: "Linux" });
      expect(r.namespaces).toEqual([
        expect.objectContaining({ nsid: 1, device: "/dev/nvme0n1", enabled: true, p2pmem: "0", provider: null, error: null }),
      ]);
      expect(r.log).toContain(`nvmet: adding nsid 1 to subsystem ${sub["nqn"] as unknown as string}`);
    });
  }

  it("the save is itself a configuration that restores to the same save", async () => {
    const first = await apply(join(FIXTURES, "tcp.json"));
    const second = await apply(tmpConfig(first.config));
    expect(second.errors).toEqual([]);
    expect(second.config).toEqual(first.config);
  });

  it("a namespace whose device does not exist stays disabled with its error; the rest applies; p2pmem survives", async () => {
    const config = JSON.parse(readFileSync(join(FIXTURES, "rdma.json"), "utf8")) as { subsystems: { namespaces: unknown[] }[] };
    config.subsystems[0]!.namespaces.push(
      { device: { path: "/dev/nvme9n1", nguid: "11111111-2222-3333-4444-555555555555" }, enable: 1, nsid: 2 },
      { device: { path: "/dev/nvme1n1" }, enable: 1, nsid: 3, p2pmem: "1" },
      { device: { path: "/dev/nvme2n1" }, enable: 1, nsid: 4, p2pmem: "0000:08:00.0" },
    );
    const r = await apply(tmpConfig(config));
    expect(r.errors).toEqual([
      { path: "subsystems[0].namespaces[1].device.path", errno: "ENOENT", message: "nvmet: failed to open block device /dev/nvme9n1: (-2)" },
    ]);
    const ns = new Map(r.namespaces.map((n) => [n.nsid, n]));
    expect(ns.get(2)).toMatchObject({ device: "/dev/nvme9n1", enabled: false, provider: null });
    expect(ns.get(2)!.error).toMatch(/^subsystems\[0\]\.namespaces\[1\]\.device\.path: ENOENT .*\/dev\/nvme9n1/);
    expect(ns.get(1)).toMatchObject({ enabled: true, error: null });
    expect(ns.get(3)).toMatchObject({ device: "/dev/nvme1n1", enabled: true, p2pmem: "1", error: null });
    expect(ns.get(3)!.provider).toMatch(/^0000:0[3-8]:00\.0$/);
    expect(ns.get(4)).toMatchObject({ enabled: true, p2pmem: "0000:08:00.0", provider: "0000:08:00.0", error: null });
    expect(r.log).toContain("nvmet: failed to open block device /dev/nvme9n1: (-2)");
    // The saved state: the bad namespace exists, disabled, with its values; p2pmem kept.
    const saved = (r.config["subsystems"] as { namespaces: Record<string, unknown>[] }[])[0]!.namespaces;
    const by = new Map(saved.map((n) => [n["nsid"], n]));
    expect(by.get(2)).toMatchObject({ enable: 0, device: { path: "/dev/nvme9n1", nguid: "11111111-2222-3333-4444-555555555555" } });
    expect(by.get(3)).toMatchObject({ enable: 1, p2pmem: "1" });
    expect(by.get(4)).toMatchObject({ enable: 1, p2pmem: "0000:08:00.0" });
    // The port and its link applied too.
    expect(r.config["ports"]).toEqual([expect.objectContaining({ portid: 2, subsystems: ["testnqn"] })]);
    // And p2pmem survives the next trip.
    const again = await apply(tmpConfig(r.config));
    const saved2 = (again.config["subsystems"] as { namespaces: Record<string, unknown>[] }[])[0]!.namespaces;
    expect(saved2.find((n) => n["nsid"] === 4)).toMatchObject({ p2pmem: "0000:08:00.0" });
  });

  it("readable output names every namespace and its error", async () => {
    const config = JSON.parse(readFileSync(join(FIXTURES, "loop.json"), "utf8")) as { subsystems: { namespaces: unknown[] }[] };
    config.subsystems[0]!.namespaces.push({ device: { path: "/dev/nvme9n1" }, enable: 1, nsid: 2 });
    const r = await cli("nvmet", "apply", tmpConfig(config));
    expect(r.code).toBe(0);
    expect(r.out).toContain("port 1      loop");
    expect(r.out).toMatch(/testnqn nsid 1: \/dev\/nvme0n1 enabled/);
    expect(r.out).toMatch(/testnqn nsid 2: \/dev\/nvme9n1 disabled[\s\S]*error: .*ENOENT/);
  });

  it("--topology takes a topology file; a missing config is an error", async () => {
    const r = await apply(join(FIXTURES, "rdma.json"), "--topology", "apps/cli/scenarios/nic-other-root-port.yaml", "--kernel", "4.20");
    expect(r.namespaces[0]).toMatchObject({ device: "/dev/nvme0n1", enabled: true });
    const bad = await cli("nvmet", "apply", "no-such.json");
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/no-such\.json/);
  });
});
