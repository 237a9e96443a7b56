/**
 * nvmetcli-compatible configuration (linux-nvme/nvmetcli `nvmet/nvme.py` semantics, own code):
 * `save` dumps every writable attribute of the known groups as nvmetcli does on a real kernel
 * (so defaults appear), plus the namespace `p2pmem` value nvmetcli drops. `restore` applies
 * every valid object and reports each error with its JSON path; an object whose attributes
 * cannot all be written is removed again (never left half-applied). A namespace that cannot be
 * enabled stays, disabled, with its error.
 */
import { errnoName } from "@p2pdma/pci-core";
import type { NvmetConfigfs } from "./configfs";
import { NvmetError } from "./errors";
import type { NvmetNs } from "./nvmet";

/** One restore error. */
export interface RestoreError {
  /** JSON path of the offending value, e.g. `subsystems[0].namespaces[1].device.path`. */
  readonly path: string;
  /** The errno name, or null for a malformed entry. */
  readonly errno: string | null;
  readonly message: string;
}

type Json = Record<string, unknown>;

const ATTR_GROUPS = { subsys: ["attr"], ns: ["device", "ana", "resv"], port: ["addr", "param"], referral: ["addr"], ana: ["ana"] } as const;

function isObj(x: unknown): x is Json {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function strip(s: string): string {
  return s.trim();
}

function ls(cfs: NvmetConfigfs, path: string): string[] {
  const r = cfs.ls(path);
  return typeof r === "number" ? [] : r;
}

function dumpAttrs(cfs: NvmetConfigfs, path: string, groups: readonly string[], out: Json): void {
  for (const g of groups) {
    const a: Json = {};
    for (const name of ls(cfs, path)) {
      if (!name.startsWith(`${g}_`)) continue;
      const v = cfs.read(`${path}/${name}`);
      if (typeof v === "number") continue; // write-only (revalidate_size is outside the groups anyway)
      a[name.slice(g.length + 1)] = strip(v);
    }
    out[g] = a;
  }
}

function readInt(cfs: NvmetConfigfs, path: string): number | null {
  const v = cfs.read(path);
  return typeof v === "number" ? null : parseInt(strip(v), 10);
}

/** Models `nvmetcli save` (`Root.dump`), keeping `p2pmem` on namespaces. */
export function saveConfig(cfs: NvmetConfigfs): Json {
  const subsystems = ls(cfs, "subsystems").map((nqn) => {
    const p = `subsystems/${nqn}`;
    const d: Json = {};
    dumpAttrs(cfs, p, ATTR_GROUPS.subsys, d);
    d["nqn"] = nqn;
    d["namespaces"] = ls(cfs, `${p}/namespaces`)
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
      .map((nsid) => {
        const np = `${p}/namespaces/${nsid}`;
        const n: Json = {};
        dumpAttrs(cfs, np, ATTR_GROUPS.ns, n);
        n["enable"] = readInt(cfs, `${np}/enable`);
        n["nsid"] = parseInt(nsid, 10);
        n["ana_grpid"] = readInt(cfs, `${np}/ana_grpid`) ?? 0;
        const p2p = cfs.read(`${np}/p2pmem`);
        if (typeof p2p === "string") n["p2pmem"] = strip(p2p);
        return n;
      });
    d["allowed_hosts"] = ls(cfs, `${p}/allowed_hosts`);
    return d;
  });
  const ports = ls(cfs, "ports").map((id) => {
    const p = `ports/${id}`;
    const d: Json = {};
    dumpAttrs(cfs, p, ATTR_GROUPS.port, d);
    d["portid"] = parseInt(id, 10);
    d["subsystems"] = ls(cfs, `${p}/subsystems`);
    d["ana_groups"] = ls(cfs, `${p}/ana_groups`).map((g) => {
      const a: Json = {};
      dumpAttrs(cfs, `${p}/ana_groups/${g}`, ATTR_GROUPS.ana, a);
      a["grpid"] = parseInt(g, 10);
      return a;
    });
    d["referrals"] = ls(cfs, `${p}/referrals`).map((r) => {
      const rp = `${p}/referrals/${r}`;
      const a: Json = {};
      dumpAttrs(cfs, rp, ATTR_GROUPS.referral, a);
      a["enable"] = readInt(cfs, `${rp}/enable`);
      a["name"] = r;
      return a;
    });
    return d;
  });
  const hosts = ls(cfs, "hosts").map((nqn) => ({ nqn }));
  return { hosts, ports, subsystems };
}

/** Result of {@link restoreConfig}. */
export interface RestoreResult {
  readonly errors: RestoreError[];
}

class Restorer {
  readonly errors: RestoreError[] = [];
  constructor(readonly cfs: NvmetConfigfs) {}

  fail(path: string, errno: number | null, message: string): void {
    this.errors.push({ path, errno: errno === null ? null : errnoName(errno), message });
  }

  /** Writes one attribute; false (error recorded) when refused. */
  write(path: string, jsonPath: string, value: unknown): boolean {
    // nvmetcli writes with Python's file.write(): an empty string issues no write(2) at all,
    // so an empty value leaves the attribute as it is (configfs would say EFAULT otherwise).
    if (String(value) === "") return true;
    const r = this.cfs.write(path, String(value));
    if (r < 0) {
      this.fail(jsonPath, r, `cannot set ${path.split("/").pop() ?? path} to '${String(value)}'`);
      return false;
    }
    return true;
  }

  /** Writes the attribute groups of an object; false when any write failed. */
  attrs(path: string, jsonPath: string, obj: Json, groups: readonly string[]): boolean {
    let ok = true;
    for (const g of groups) {
      const vals = obj[g];
      if (vals === undefined) continue;
      if (!isObj(vals)) {
        this.fail(`${jsonPath}.${g}`, null, `'${g}' is not an object`);
        ok = false;
        continue;
      }
      for (const [name, value] of Object.entries(vals)) {
        if (!this.write(`${path}/${g}_${name}`, `${jsonPath}.${g}.${name}`, value)) ok = false;
      }
    }
    return ok;
  }

  mkdir(path: string, jsonPath: string): boolean {
    const r = this.cfs.mkdir(path);
    if (r < 0) {
      this.fail(jsonPath, r, `cannot create ${path}`);
      return false;
    }
    return true;
  }

  host(h: unknown, i: number): void {
    const jp = `hosts[${i}]`;
    if (!isObj(h) || typeof h["nqn"] !== "string") return this.fail(`${jp}.nqn`, null, "'nqn' not defined");
    this.mkdir(`hosts/${h["nqn"]}`, `${jp}.nqn`);
  }

  subsystem(s: unknown, i: number): void {
    const jp = `subsystems[${i}]`;
    if (!isObj(s) || typeof s["nqn"] !== "string") return this.fail(`${jp}.nqn`, null, "'nqn' not defined");
    const p = `subsystems/${s["nqn"]}`;
    if (!this.mkdir(p, `${jp}.nqn`)) return;
    if (!this.attrs(p, jp, s, ATTR_GROUPS.subsys)) {
      this.cfs.rmdir(p);
      return;
    }
    const nss = Array.isArray(s["namespaces"]) ? s["namespaces"] : [];
    nss.forEach((n, k) => this.namespace(p, n, `${jp}.namespaces[${k}]`));
    const hosts = Array.isArray(s["allowed_hosts"]) ? s["allowed_hosts"] : [];
    hosts.forEach((h, k) => {
      const r = this.cfs.symlink(`hosts/${String(h)}`, `${p}/allowed_hosts/${String(h)}`);
      if (r < 0) this.fail(`${jp}.allowed_hosts[${k}]`, r, `cannot allow host ${String(h)}`);
    });
  }

  namespace(sp: string, n: unknown, jp: string): void {
    if (!isObj(n) || typeof n["nsid"] !== "number") return this.fail(`${jp}.nsid`, null, "'nsid' not defined");
    const p = `${sp}/namespaces/${n["nsid"]}`;
    if (!this.mkdir(p, `${jp}.nsid`)) return;
    let ok = this.attrs(p, jp, n, ATTR_GROUPS.ns);
    if (ok && n["p2pmem"] !== undefined) ok = this.write(`${p}/p2pmem`, `${jp}.p2pmem`, n["p2pmem"]);
    if (ok && n["ana_grpid"] !== undefined) ok = this.write(`${p}/ana_grpid`, `${jp}.ana_grpid`, n["ana_grpid"]);
    if (!ok) {
      this.cfs.rmdir(p);
      return;
    }
    if (n["enable"] !== undefined && Number(n["enable"])) {
      const r = this.cfs.write(`${p}/enable`, "1");
      if (r < 0) {
        const g = this.cfs.root.children.get("subsystems")?.children.get(sp.split("/")[1] ?? "")?.children.get("namespaces")?.children.get(String(n["nsid"]));
        const ns = g?.obj as NvmetNs | undefined;
        const msg = ns?.lastError?.message ?? "enable failed";
        const where = msg.includes("failed to open") ? `${jp}.device.path` : msg.includes("peer-to-peer") ? `${jp}.p2pmem` : `${jp}.enable`;
        this.fail(where, r, msg);
      }
    }
  }

  port(o: unknown, i: number): void {
    const jp = `ports[${i}]`;
    if (!isObj(o) || (typeof o["portid"] !== "number" && typeof o["portid"] !== "string")) return this.fail(`${jp}.portid`, null, "'portid' not defined");
    const p = `ports/${String(o["portid"])}`;
    if (!this.mkdir(p, `${jp}.portid`)) return;
    if (!this.attrs(p, jp, o, ATTR_GROUPS.port)) {
      this.cfs.rmdir(p);
      return;
    }
    const subs = Array.isArray(o["subsystems"]) ? o["subsystems"] : [];
    subs.forEach((s, k) => {
      const r = this.cfs.symlink(`subsystems/${String(s)}`, `${p}/subsystems/${String(s)}`);
      if (r < 0) this.fail(`${jp}.subsystems[${k}]`, r, `cannot link subsystem ${String(s)}`);
    });
    const anas = Array.isArray(o["ana_groups"]) ? o["ana_groups"] : [];
    anas.forEach((a, k) => {
      const ajp = `${jp}.ana_groups[${k}]`;
      if (!isObj(a) || a["grpid"] === undefined) return this.fail(`${ajp}.grpid`, null, "'grpid' not defined");
      const ap = `${p}/ana_groups/${String(a["grpid"])}`;
      const created = !this.cfs.exists(ap);
      if (created && !this.mkdir(ap, `${ajp}.grpid`)) return;
      if (!this.attrs(ap, ajp, a, ATTR_GROUPS.ana) && created) this.cfs.rmdir(ap);
    });
    const refs = Array.isArray(o["referrals"]) ? o["referrals"] : [];
    refs.forEach((r, k) => {
      const rjp = `${jp}.referrals[${k}]`;
      if (!isObj(r) || typeof r["name"] !== "string") return this.fail(`${rjp}.name`, null, "'name' not defined");
      const rp = `${p}/referrals/${r["name"]}`;
      if (!this.mkdir(rp, `${rjp}.name`)) return;
      if (!this.attrs(rp, rjp, r, ATTR_GROUPS.referral)) {
        this.cfs.rmdir(rp);
        return;
      }
      if (r["enable"] !== undefined) this.write(`${rp}/enable`, `${rjp}.enable`, r["enable"]);
    });
  }
}

/** Models `nvmetcli restore` (hosts, then subsystems, then ports) with per-object rollback. */
export function restoreConfig(cfs: NvmetConfigfs, config: unknown): RestoreResult {
  if (!isObj(config)) throw new NvmetError("EBADCONFIG", "an nvmetcli configuration is a JSON object");
  const r = new Restorer(cfs);
  const arr = (k: string): unknown[] => (Array.isArray(config[k]) ? (config[k] as unknown[]) : []);
  arr("hosts").forEach((h, i) => r.host(h, i));
  arr("subsystems").forEach((s, i) => r.subsystem(s, i));
  arr("ports").forEach((p, i) => r.port(p, i));
  return { errors: r.errors };
}
