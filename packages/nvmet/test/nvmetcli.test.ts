import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { saveConfig, restoreConfig } from "../src/index";
import { env } from "./helpers/setup";

const fixture = (n: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/nvmetcli/${n}.json`, import.meta.url), "utf8")) as Record<string, unknown>;

/** Every leaf of `a` is present with the same value (as text) in `b`. */
function contains(a: unknown, b: unknown, path = ""): string[] {
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return [path];
    return a.flatMap((x, i) => contains(x, b[i], `${path}[${i}]`));
  }
  if (typeof a === "object" && a !== null) {
    if (typeof b !== "object" || b === null) return [path];
    return Object.entries(a).flatMap(([k, v]) => contains(v, (b as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return String(a) === String(b) ? [] : [`${path}: ${String(a)} != ${String(b)}`];
}

describe("nvmetcli restore/save round trip", () => {
  for (const name of ["rdma", "loop", "tcp", "fc"]) {
    it(`${name}.json restores and a save holds every value plus kernel defaults`, () => {
      const e = env();
      const cfg = fixture(name);
      const r = restoreConfig(e.configfs, cfg);
      expect(r.errors).toEqual([]);
      const saved = saveConfig(e.configfs);
      expect(contains(cfg, saved)).toEqual([]);
      const attr = (saved["subsystems"] as Record<string, Record<string, string>>[])[0]!["attr"]!;
      expect(Object.keys(attr).sort()).toEqual(["allow_any_host", "cntlid_max", "cntlid_min", "firmware", "ieee_oui", "model", "pi_enable", "qid_max", "serial", "version"]);
      expect(attr["version"]).toBe("1.3");
      const ns = (saved["subsystems"] as Record<string, unknown[]>[])[0]!["namespaces"]![0] as Record<string, unknown>;
      expect(ns["p2pmem"]).toBe("0");
      expect(ns["enable"]).toBe(1);
      const port = (saved["ports"] as Record<string, Record<string, string>>[])[0]!;
      expect(Object.keys(port["param"]!).sort()).toEqual(["inline_data_size", "max_queue_size", "pi_enable"]);
      // a second target restored from the save ends in the same state
      const e2 = env();
      expect(restoreConfig(e2.configfs, saved).errors).toEqual([]);
      expect(saveConfig(e2.configfs)).toEqual(saved);
    });
  }

  it("p2pmem survives the trip; a missing device stays disabled with its error; the rest applies", () => {
    const e = env();
    e.p2p.addProvider("0000:05:00.0", 1 << 20);
    const cfg = fixture("loop") as { subsystems: { namespaces: Record<string, unknown>[] }[] };
    cfg.subsystems[0]!.namespaces[0]!["p2pmem"] = "1";
    cfg.subsystems[0]!.namespaces.push({ device: { path: "/dev/nvme9n1", nguid: "00000000-0000-0000-0000-000000000000" }, enable: 1, nsid: 2 });
    cfg.subsystems[0]!.namespaces.push({ device: { path: "/dev/nvme2n1", nguid: "zz" }, enable: 1, nsid: 3 });
    const r = restoreConfig(e.configfs, cfg);
    expect(r.errors.map((x) => [x.path, x.errno])).toEqual([
      ["subsystems[0].namespaces[1].device.path", "ENOENT"],
      ["subsystems[0].namespaces[2].device.nguid", "EINVAL"],
    ]);
    const saved = saveConfig(e.configfs) as { subsystems: { namespaces: Record<string, unknown>[] }[]; ports: unknown[] };
    const nss = saved.subsystems[0]!.namespaces;
    expect(nss.map((n) => [n["nsid"], n["enable"], n["p2pmem"]])).toEqual([[1, 1, "1"], [2, 0, "0"]]);
    expect(saved.ports).toHaveLength(1);
    expect(e.nvmet.subsystems.get("testnqn")!.nsItems.get("2")!.lastError!.message).toBe("nvmet: failed to open block device /dev/nvme9n1: (-2)");
  });

  it("a port whose attribute is refused is removed again; missing keys are reported", () => {
    const e = env();
    const r = restoreConfig(e.configfs, {
      hosts: [{}],
      subsystems: [{ nqn: "s1", attr: { serial: "x".repeat(30) } }],
      ports: [{ portid: 9, addr: { trtype: "bogus" } }],
    });
    expect(r.errors.map((x) => x.path)).toEqual(["hosts[0].nqn", "subsystems[0].attr.serial", "ports[0].addr.trtype"]);
    expect(e.configfs.ls("ports")).toEqual([]);
    expect(e.configfs.ls("subsystems")).toEqual([]);
  });
});
