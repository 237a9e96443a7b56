/**
 * A small reader for tar archives (POSIX ustar, GNU long names, pax extended headers),
 * optionally gzip-compressed, into a {@link VirtualTree}. Symlinks are kept as links: a sysfs
 * snapshot's `bus/pci/devices/<bdf>` links carry the device's position in the hierarchy.
 */
import { gunzipSync } from "node:zlib";
import { CaptureParseError } from "./facts";
import type { VirtualTree } from "./virtual-tree";
import { normalizePath } from "./virtual-tree";

const BLOCK = 512;

function cstring(buf: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && buf[end] !== 0) end++;
  return new TextDecoder("utf-8").decode(buf.subarray(start, end));
}

function octal(buf: Uint8Array, start: number, len: number, source: string, entry: string, what: string): number {
  if ((buf[start]! & 0x80) !== 0) {
    // GNU base-256 encoding for large values.
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + buf[i]!;
    return v;
  }
  const text = cstring(buf, start, len).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new CaptureParseError(source, entry, `bad ${what} field ${JSON.stringify(text)} in tar header`);
  return Number.parseInt(text, 8);
}

/** True when `data` starts like a gzip stream. */
export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/** True when `data` holds a ustar/GNU tar header at offset 0. */
export function isTar(data: Uint8Array): boolean {
  return data.length >= 263 && cstring(data, 257, 5) === "ustar";
}

/** Decompresses gzip, as a CaptureParseError on corrupt input. */
export function gunzip(source: string, data: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(data));
  } catch (e) {
    throw new CaptureParseError(source, "gzip stream", `cannot decompress: ${(e as Error).message}`);
  }
}

function parsePax(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < text.length) {
    const sp = text.indexOf(" ", at);
    if (sp < 0) break;
    const len = Number.parseInt(text.slice(at, sp), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = text.slice(sp + 1, at + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    at += len;
  }
  return out;
}

/**
 * Reads a tar (or .tar.gz) archive into a virtual tree of files, directories and symlinks.
 * Throws {@link CaptureParseError} naming the entry for a bad checksum, a bad size field or an
 * entry cut short by the end of the archive.
 */
export function readTar(source: string, input: Uint8Array): VirtualTree {
  const data = isGzip(input) ? gunzip(source, input) : input;
  const tree: VirtualTree = new Map();
  let at = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  let sawHeader = false;
  while (at + BLOCK <= data.length) {
    const h = data.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break; // end-of-archive marker
    const rawName = cstring(h, 0, 100);
    const entryHint = rawName === "" ? `tar header at byte ${at}` : rawName;
    const checksum = octal(h, 148, 8, source, entryHint, "checksum");
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (sum !== checksum) throw new CaptureParseError(source, entryHint, `tar header checksum ${checksum} does not match ${sum}`);
    sawHeader = true;
    const size = octal(h, 124, 12, source, entryHint, "size");
    const type = String.fromCharCode(h[156]!);
    const prefix = cstring(h, 257, 6) === "ustar" ? cstring(h, 345, 155) : "";
    let name = longName ?? pax.get("path") ?? (prefix ? `${prefix}/${rawName}` : rawName);
    const link = longLink ?? pax.get("linkpath") ?? cstring(h, 157, 100);
    const bodyStart = at + BLOCK;
    const bodyEnd = bodyStart + size;
    if (bodyEnd > data.length) throw new CaptureParseError(source, name, `entry of ${size} bytes is cut off by the end of the archive`);
    const body = data.subarray(bodyStart, bodyEnd);
    at = bodyStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") {
      longName = cstring(body, 0, body.length);
      continue;
    }
    if (type === "K") {
      longLink = cstring(body, 0, body.length);
      continue;
    }
    if (type === "x") {
      pax = parsePax(new TextDecoder("utf-8").decode(body));
      continue;
    }
    longName = undefined;
    longLink = undefined;
    pax = new Map();
    if (type === "g") continue;
    name = normalizePath(name);
    if (name === "") continue;
    if (type === "0" || type === "\0" || type === "7") tree.set(name, { type: "file", data: body.slice() });
    else if (type === "5") tree.set(name, { type: "dir" });
    else if (type === "2") tree.set(name, { type: "symlink", target: link });
    else if (type === "1") {
      const other = tree.get(normalizePath(link));
      if (other) tree.set(name, other);
    }
  }
  if (!sawHeader) throw new CaptureParseError(source, "tar header at byte 0", "archive holds no entries");
  return tree;
}
