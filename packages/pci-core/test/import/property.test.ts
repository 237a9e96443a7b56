/**
 * Property tests (fast-check): random strings and mutations of real captures (line deletion,
 * truncation, byte flips) fed to every parser either return facts or throw CaptureParseError,
 * never anything else, and never hang. Plus 10,000-device inputs (their speed is in `pnpm bench`).
 */
import { readFileSync } from "node:fs";
import { lspciVerboseText } from "../../bench/generated-capture";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderLspciTree } from "../../src/export/lspci-tree";
import { importCapture } from "../../src/import/detect";
import { CaptureParseError } from "../../src/import/facts";
import { importHwlocXml } from "../../src/import/hwloc";
import { importLspciHex } from "../../src/import/lspci-hex";
import { importLspciTree } from "../../src/import/lspci-tree";
import { importLspciVerbose } from "../../src/import/lspci-verbose";
import { readTar } from "../../src/import/tar";
import { importSysfsTree } from "../../src/import/sysfs";
import { CAPTURES_DIR, PCIUTILS_DIR, makeTar } from "./helpers";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

const parsers: Record<string, (data: Uint8Array) => unknown> = {
  tree: (d) => importLspciTree("p", dec(d)),
  verbose: (d) => importLspciVerbose("p", dec(d)),
  hex: (d) => importLspciHex("p", dec(d)),
  hwloc: (d) => importHwlocXml("p", dec(d)),
  tar: (d) => importSysfsTree("p", readTar("p", d)),
  detect: (d) => importCapture("p", d),
};

function onlyParseErrors(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof CaptureParseError)) throw e;
  }
}

const seeds: Record<string, Uint8Array> = {
  tree: readFileSync(`${CAPTURES_DIR}rccl-547-microsemi/lspci-tv.txt`),
  verbose: readFileSync(`${PCIUTILS_DIR}cap-pcie-1`),
  hex: enc(
    readFileSync(`${PCIUTILS_DIR}PCI-X-bridges-and-domains`, "utf8")
      .split("\n")
      .slice(0, 60)
      .join("\n"),
  ),
  hwloc: readFileSync(`${CAPTURES_DIR}hwloc-v1-sl390s/24em64t-2n6c2t-pci.xml`),
  tar: makeTar([
    { name: "bus/pci/devices/0000:00:01.0", type: "symlink", target: "../../../devices/pci0000:00/0000:00:01.0" },
    { name: "devices/pci0000:00/0000:00:01.0/vendor", type: "file", data: "0x8086\n" },
    { name: "devices/pci0000:00/0000:00:01.0/resource", type: "file", data: "0x0000000000001000 0x0000000000001fff 0x0000000000040200\n" },
  ]),
  detect: readFileSync(`${CAPTURES_DIR}l2fwd-nv-plx8747/lspci-tv.txt`),
};

const mutation = (seed: Uint8Array) =>
  fc.oneof(
    fc.nat({ max: seed.length }).map((n) => seed.subarray(0, n)),
    fc.array(fc.tuple(fc.nat({ max: Math.max(0, seed.length - 1) }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }).map((flips) => {
      const out = seed.slice();
      for (const [at, v] of flips) if (at < out.length) out[at] = v;
      return out;
    }),
    fc.array(fc.nat(), { maxLength: 5 }).map((drops) => {
      const lines = dec(seed).split("\n");
      for (const d of drops) if (lines.length > 0) lines.splice(d % lines.length, 1);
      return enc(lines.join("\n"));
    }),
  );

describe("parsers never fail with anything but CaptureParseError", () => {
  for (const [name, parse] of Object.entries(parsers)) {
    it(`${name}: random strings`, () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 300 }), (s) => onlyParseErrors(() => parse(enc(s)))),
        { numRuns: 300 },
      );
    });
    it(`${name}: tree-glyph soup`, () => {
      const glyph = fc.constantFrom("-", "+", "\\", "|", " ", "[", "]", ":", ".", "0", "1", "f", "\n", "\t", "0000", "00:01.0 ", "00: ");
      fc.assert(
        fc.property(fc.array(glyph, { maxLength: 120 }), (parts) => onlyParseErrors(() => parse(enc(parts.join(""))))),
        { numRuns: 300 },
      );
    });
    it(`${name}: mutations of a real capture`, () => {
      const seed = seeds[name]!;
      fc.assert(fc.property(mutation(seed), (data) => onlyParseErrors(() => parse(data))), { numRuns: 200 });
    });
  }
});

// Speed is measured by `pnpm bench` (pci-core.import10k); these check the large inputs work.
describe("large inputs", () => {
  it("imports a generated 10,000-device lspci -vvv capture", () => {
    const text = lspciVerboseText(10_000);
    const m = importCapture("big.txt", text);
    expect(m.functions).toHaveLength(10_000);
  });

  it("renders and re-imports a 10,000-device lspci -tv tree", () => {
    const functions = [];
    for (let i = 0; i < 10_000; i++) {
      const bus = (i >> 5) & 0xff;
      const dom = i >> 13;
      functions.push({ bdf: `${dom.toString(16).padStart(4, "0")}:${bus.toString(16).padStart(2, "0")}:${(i & 0x1f).toString(16).padStart(2, "0")}.0`, label: `Device ${i}` });
    }
    const text = renderLspciTree({ functions }, { numeric: false });
    const m = importCapture("big-tree.txt", text);
    expect(m.functions).toHaveLength(10_000);
  });
});
