/** Size texts of topology files. */
import { describe, expect, test } from "vitest";
import { alignUp, formatSize, isPowerOfTwo, parseSizeText } from "../../src/topology/units";

describe("sizes", () => {
  test.each([
    ["4096", 4096n],
    ["0x1000", 4096n],
    ["64K", 65536n],
    ["16M", 16n << 20n],
    ["1G", 1n << 30n],
    ["2T", 2n << 40n],
    ["16MiB", 16n << 20n],
    ["16 MB", 16n << 20n],
    ["1g", 1n << 30n],
  ])("%s", (text, v) => expect(parseSizeText(text)).toBe(v));

  test.each(["16Q", "", "M", "1.5G", "-4K", "0x", "1KK"])("not a size: %j", (text) => expect(parseSizeText(text)).toBeNull());

  test("formatting and helpers", () => {
    expect([4096n, 16n << 20n, 3n << 30n, 100n, 0n].map(formatSize)).toEqual(["4K", "16M", "3G", "100", "0"]);
    expect([0n, 1n, 2n, 3n, 1n << 63n].map(isPowerOfTwo)).toEqual([false, true, true, false, true]);
    expect(alignUp(0x80100001n, 1n << 20n)).toBe(0x80200000n);
  });
});
