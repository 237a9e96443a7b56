/**
 * `p2pdma topo export --format lspci-x`: the machine as `lspci -xxxx` prints it (pciutils
 * lspci.c `show_device` + `show_hex_dump`), which `lspci -F FILE` reads back (pciutils
 * lib/dump.c). Per function a header line `DDDD:BB:DD.F <description>`, then the config space
 * the kernel's sysfs `config` file would return (`pci_read_config`, drivers/pci/pci-sysfs.c):
 * 256 bytes, or 4096 for a function with extended config space, as 16-byte lines
 * `OO: xx xx ...` (offsets `%02x` below 0x100, `%03x` above), and a blank line.
 */
import type { PciFunction } from "../pci-function";
import type { PciSystem } from "../system";

const hex = (v: number, w: number): string => v.toString(16).padStart(w, "0");

/** The header line's description: the capture's names if known, else lspci's no-names form. */
function describe(dev: PciFunction): string {
  const cls = `Class ${hex(dev.classCode >> 8, 4)}`;
  const name = dev.displayName ?? `Device ${hex(dev.vendor, 4)}:${hex(dev.device, 4)}`;
  const rev = dev.revision !== 0 ? ` (rev ${hex(dev.revision, 2)})` : "";
  return `${cls}: ${name}${rev}`;
}

const HEX_DIGITS = "0123456789abcdef";
/** ASCII of the two hex digits of each byte value: HEX_PAIR[2b], HEX_PAIR[2b + 1]. */
const HEX_PAIR = Uint8Array.from({ length: 512 }, (_, i) => HEX_DIGITS.charCodeAt(i & 1 ? (i >> 1) & 0xf : i >> 5));

/**
 * Writes the hex lines of `bytes` into `out` at `at` (ASCII), as lspci's `show_hex_dump`
 * prints them; returns the new position. A line is `OO:` or `OOO:`, 16 ` xx`, a newline.
 */
function putHexLines(bytes: Uint8Array, out: Uint8Array, at: number): number {
  let p = at;
  for (let off = 0; off < bytes.length; off += 16) {
    const digits = off < 0x100 ? 2 : 3;
    for (let d = digits - 1; d >= 0; d--) out[p++] = HEX_DIGITS.charCodeAt((off >> (4 * d)) & 0xf);
    out[p++] = 0x3a; // ':'
    for (let i = 0; i < 16; i++) {
      const b = bytes[off + i] ?? 0;
      out[p++] = 0x20;
      out[p++] = HEX_PAIR[2 * b]!;
      out[p++] = HEX_PAIR[2 * b + 1]!;
    }
    out[p++] = 0x0a;
  }
  return p;
}

/** Bytes of the hex lines of a config space of `size` bytes. */
const hexSize = (size: number): number => (size / 16) * (2 + 1 + 16 * 3 + 1) + Math.max(0, size - 0x100) / 16;

/** The hex lines of one config space, as lspci's `show_hex_dump` prints them. */
export function hexDumpLines(bytes: Uint8Array): string {
  const out = new Uint8Array(hexSize(bytes.length));
  putHexLines(bytes, out, 0);
  return new TextDecoder("latin1").decode(out);
}

/**
 * The `lspci -xxxx` text of `system`: every present function in bus order (domain, bus, devfn,
 * as lspci sorts), each followed by a blank line.
 */
export function exportLspciDump(system: PciSystem): string {
  const devs = [...system.devices].sort((a, b) => a.domain - b.domain || a.busNumber - b.busNumber || a.devfn - b.devfn);
  const enc = new TextEncoder();
  const heads = devs.map((dev) => enc.encode(`${dev.name} ${describe(dev)}\n`));
  let total = 0;
  devs.forEach((dev, i) => {
    total += heads[i]!.length + hexSize(dev.config.size) + 1;
  });
  const out = new Uint8Array(total);
  let p = 0;
  devs.forEach((dev, i) => {
    out.set(heads[i]!, p);
    p += heads[i]!.length;
    p = putHexLines(dev.config.bytes(), out, p);
    out[p++] = 0x0a;
  });
  return new TextDecoder("utf-8").decode(out.subarray(0, p));
}
