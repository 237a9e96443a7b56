import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const ci = readFileSync(join(ROOT, ".ci/run"), "utf8");

describe("README contract", () => {
  const section = readme.split("## Two commands")[1]!.split("\n## ")[0]!;
  const commands = [...section.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1]!);

  it("gives exactly two commands, each installing everything first", () => {
    expect(commands).toHaveLength(2);
    for (const c of commands) expect(c.startsWith("npm install -g pnpm@10 && pnpm install && ")).toBe(true);
  });

  it("the first runs the main job; the second, the tests, is what CI runs unchanged", () => {
    expect(commands[0]).toMatch(/pnpm -s p2pdma /);
    expect(commands[1]).toMatch(/pnpm test$/);
    const ciCommands = ci.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
    expect(ciCommands).toContain(commands[1]);
  });
});
