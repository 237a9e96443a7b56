/** Shared test helpers: fixture paths, a tiny tar writer, a lspci oracle probe. */
import { execFileSync } from "node:child_process";
import { PCIUTILS_FIXTURES_DIR } from "../helpers/fixtures";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const PCIUTILS_DIR = `${PCIUTILS_FIXTURES_DIR}/`;
export const CAPTURES_DIR = fileURLToPath(new URL("../fixtures/captures/", import.meta.url));

/** The pciutils test dumps (lspci -vvvxxx[x] of real machines). */
export function pciutilsFixtures(): string[] {
  return existsSync(PCIUTILS_DIR) ? readdirSync(PCIUTILS_DIR).filter((f) => f !== "README.md").sort() : [];
}

/** Runs the installed lspci, or returns null when it is missing. */
export function lspci(args: string[]): string | null {
  try {
    return execFileSync("lspci", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

export const HAVE_LSPCI = lspci(["--version"]) !== null;

interface TarEntry {
  readonly name: string;
  readonly type: "file" | "dir" | "symlink";
  readonly data?: Uint8Array | string;
  readonly target?: string;
}

/** Writes a ustar archive (names up to 100 bytes, or a pax header for longer ones). */
export function makeTar(entries: readonly TarEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  const header = (name: string, size: number, type: string, link: string): Uint8Array => {
    const h = new Uint8Array(512);
    const put = (s: string, at: number, len: number): void => h.set(enc.encode(s).subarray(0, len), at);
    put(name, 0, 100);
    put("0000644\0", 100, 8);
    put("0000000\0", 108, 8);
    put("0000000\0", 116, 8);
    put(`${size.toString(8).padStart(11, "0")}\0`, 124, 12);
    put("00000000000\0", 136, 12);
    put("        ", 148, 8);
    put(type, 156, 1);
    put(link, 157, 100);
    put("ustar\0", 257, 6);
    put("00", 263, 2);
    let sum = 0;
    for (const b of h) sum += b;
    put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
    return h;
  };
  const pad = (data: Uint8Array): void => {
    blocks.push(data);
    const rest = (512 - (data.length % 512)) % 512;
    if (rest) blocks.push(new Uint8Array(rest));
  };
  for (const e of entries) {
    if (e.name.length > 100) {
      const rec = ` path=${e.name}\n`;
      let len = rec.length + 2;
      if (`${len}${rec}`.length !== len) len = `${len}${rec}`.length;
      const body = enc.encode(`${len}${rec}`);
      blocks.push(header("PaxHeader", body.length, "x", ""));
      pad(body);
    }
    const data = typeof e.data === "string" ? enc.encode(e.data) : (e.data ?? new Uint8Array());
    const type = e.type === "file" ? "0" : e.type === "dir" ? "5" : "2";
    blocks.push(header(e.name.slice(0, 100), e.type === "file" ? data.length : 0, type, e.target ?? ""));
    if (e.type === "file") pad(data);
  }
  blocks.push(new Uint8Array(1024));
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
