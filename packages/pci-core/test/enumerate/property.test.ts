/**
 * Properties of firmware-style enumeration over random valid topologies (arbTopologySpec):
 * every bridge window contains what is below it, no two BARs overlap, 32-bit BARs and
 * memory windows stay below 4 GiB, bus ranges nest, and registration follows the tree. And
 * random mutations of reference.yaml either load or fail with the typed error.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { PciFunction } from "../../src/pci-function";
import type { Resource } from "../../src/resource";
import { buildSystem } from "../../src/enumerate/build";
import { loadTopologyFile } from "../../src/enumerate/load";
import { SAMPLES_DIR } from "../../src/samples";
import { TopologySpecError } from "../../src/topology/errors";
import { arbTopologySpec } from "../helpers/arbitrary";
import { IORESOURCE_MEM_64, IORESOURCE_PREFETCH, resourceSize } from "../../src/resource";

const FOUR_G = 1n << 32n;
const used = (r: Resource | undefined): r is Resource => r !== undefined && resourceSize(r) > 0n;
const inside = (inner: Resource, outer: Resource): boolean => inner.start >= outer.start && inner.end <= outer.end;

/** The decoding resources of a function: BARs 0-5 and (PFs) VF BAR resources 7-12; not a VF's. */
function ownRanges(d: PciFunction): Resource[] {
  if (d.isVirtfn) return [];
  return [...d.resources.slice(0, 6), ...d.resources.slice(7, 13)].filter(used);
}

describe("enumeration invariants (property)", () => {
  test("windows contain their children, BARs never overlap, 32-bit stays below 4G", () => {
    fc.assert(
      fc.property(arbTopologySpec(), (spec) => {
        const { system } = buildSystem(spec);
        const all: Resource[] = [];
        for (const d of system.devices) {
          const own = ownRanges(d);
          all.push(...own);
          for (const r of own) if (!(r.flags & IORESOURCE_MEM_64)) expect(r.end < FOUR_G).toBe(true);
          // A BAR is naturally aligned to its size (PCI 3.0 §6.2.5.1).
          for (const r of d.resources.slice(0, 6).filter(used)) expect(r.start % resourceSize(r)).toBe(0n);
          if (d.isVirtfn) {
            // A VF's BARs are inside its PF's VF BAR resources.
            for (const r of d.resources.slice(0, 6).filter(used)) {
              expect(d.physfn!.resources.slice(7, 13).some((w) => used(w) && inside(r, w))).toBe(true);
            }
          }
          const sub = d.subordinate;
          if (!sub) continue;
          const mem = d.resources[14];
          const pref = d.resources[15];
          if (used(mem)) expect(mem.end < FOUR_G).toBe(true);
          if (used(mem)) expect(mem.start % (1n << 20n)).toBe(0n);
          if (used(pref)) expect(pref.start % (1n << 20n)).toBe(0n);
          // Everything decoded below the bridge lies in one of its windows, and in the right one.
          const below = (bus: typeof sub): PciFunction[] => bus.devices.flatMap((c) => [c, ...c.virtfns, ...(c.subordinate ? below(c.subordinate) : [])]);
          for (const c of below(sub)) {
            for (const r of [...ownRanges(c), ...(c.subordinate ? [c.resources[14], c.resources[15]].filter(used) : [])]) {
              const want = r.flags & IORESOURCE_PREFETCH && r.flags & IORESOURCE_MEM_64 ? pref : mem;
              expect(used(want) && inside(r, want), `${c.name} ${r.start.toString(16)} in ${d.name}`).toBe(true);
            }
          }
          // Bus ranges nest.
          const [sec, subo] = [d.config.read8(0x19), d.config.read8(0x1a)];
          expect(sec).toBe(sub.number);
          for (const c of below(sub)) expect(c.bus.number >= sec && c.bus.number <= subo).toBe(true);
        }
        all.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
        for (let i = 1; i < all.length; i++) expect(all[i]!.start > all[i - 1]!.end).toBe(true);
        // Host-bridge windows contain their root ports' windows.
        for (const hb of system.hostBridges) {
          for (const d of hb.bus.devices) {
            for (const r of [d.resources[14], d.resources[15], ...ownRanges(d)].filter(used)) {
              expect(hb.windows.some((w) => inside(r, w))).toBe(true);
            }
          }
        }
        // Registration: a bridge comes before everything below it.
        const order = new Map(system.devices.map((d, i) => [d, i]));
        for (const d of system.devices) {
          const up = d.isVirtfn ? d.physfn : d.bus.self;
          if (up) expect(order.get(up)! < order.get(d)!).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("mutated reference.yaml (property)", () => {
  const text = readFileSync(join(SAMPLES_DIR, "reference.yaml"), "utf8");
  const lines = text.split("\n");
  const tokens = ["", " ", "-", ":", "{", "}", "[", "]", "0x", "16Q", "64", "-1", "99999999999999999999", "kind: switch", "slot: 31", "label: nic0", "acs: {cap: [RR], ctl: [RR, EC]}", "bits: 64", "&a", "*a", "\t", "null", "size: 3", "function: 7", "'", '"'];
  const mutation = fc.oneof(
    fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
    fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }),
    fc.record({ op: fc.constant("swap" as const), at: fc.nat(), to: fc.nat() }),
    fc.record({ op: fc.constant("insert" as const), at: fc.nat(), col: fc.nat(), token: fc.constantFrom(...tokens) }),
    fc.record({ op: fc.constant("char" as const), at: fc.nat(), col: fc.nat(), ch: fc.string({ minLength: 1, maxLength: 1 }) }),
  );

  test("any mutation loads or fails with TopologySpecError", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) => {
        const ls = [...lines];
        for (const m of muts) {
          const at = m.at % ls.length;
          const line = ls[at]!;
          if (m.op === "delete") ls.splice(at, 1);
          else if (m.op === "duplicate") ls.splice(at, 0, line);
          else if (m.op === "swap") {
            const to = m.to % ls.length;
            ls[at] = ls[to]!;
            ls[to] = line;
          } else {
            const col = m.col % (line.length + 1);
            const ins = m.op === "insert" ? m.token : m.ch;
            ls[at] = line.slice(0, col) + ins + line.slice(m.op === "char" ? col + 1 : col);
          }
        }
        try {
          loadTopologyFile(ls.join("\n"), "m.yaml");
        } catch (e) {
          if (!(e instanceof TopologySpecError)) throw e;
          expect(e.message.startsWith("m.yaml")).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
