import { describe, expect, it } from "vitest";
import { Sysfs, kernfsNameHash } from "../src/sysfs";

describe("sysfs readdir order (kernfs rbtree by name hash)", () => {
  it("lists p2pmem/ as the real 6.12.117 kernel does (apps/cli/test/kernel/golden/seed-sysfs.json)", () => {
    const fs = new Sysfs();
    fs.addGroup("/", "p2pmem", ["size", "available", "published", "allocate"].map((name) => ({ name, mode: 0o444, show: () => "" })));
    expect(fs.list("/p2pmem")).toEqual(["published", "allocate", "size", "available"]);
  });

  it("hashes stay in the kernel's range: 31 bits, never 0, 1 or INT_MAX", () => {
    for (const n of ["", "a", "config", "resource", "0000:00:01.0"]) {
      const h = kernfsNameHash(n);
      expect(h).toBeGreaterThanOrEqual(2);
      expect(h).toBeLessThan(0x7fffffff);
    }
  });
});
