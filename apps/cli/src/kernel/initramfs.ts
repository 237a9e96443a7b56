/**
 * The guest's initramfs (README of ../shared/kernel): a gzipped `cpio -H newc` of Debian's
 * busybox-static with its applet links, the kernel's modules (decompressed, `depmod` run),
 * Debian's lspci/setpci with the shared libraries `ldd` lists and pci.ids, the p2pkt helper
 * (guest/p2pkt.c, compiled `gcc -static` here) and {@link initScript}. The base image is cached
 * under a directory keyed by a hash of every input; a run appends a second, tiny archive
 * holding `/scenario.sh` (the kernel unpacks concatenated archives in order).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { KernelRunError } from "./errors";
import { initScript } from "./guest-init";
import { findPciIds, requireTools } from "./host-tools";

/** Bumped whenever the image layout changes, so stale cached images are not reused. */
const LAYOUT_VERSION = "3";

/** Inputs of the base image. */
export interface InitramfsOptions {
  /** `modules.tar.gz` holding `lib/modules/<release>/...`. */
  readonly modules: string;
  /** Cache directory; default `$P2PDMA_KERNEL_CACHE` or `<tmpdir>/p2pdma-kernel-cache`. */
  readonly cacheDir?: string;
}

/** A built base image. */
export interface BaseInitramfs {
  readonly path: string;
  /** The kernel release the modules are for (`6.12.117+deb12-amd64-p2pdma`). */
  readonly release: string;
  /** True when the image came from the cache. */
  readonly cached: boolean;
}

/** The default cache directory. */
export function defaultCacheDir(): string {
  return process.env["P2PDMA_KERNEL_CACHE"] ?? join(tmpdir(), "p2pdma-kernel-cache");
}

/** Path of the guest helper's C source (src/kernel -> ../../guest, dist -> ../guest). */
export function helperSourcePath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const rel of ["../../guest/p2pkt.c", "../guest/p2pkt.c"]) {
    const p = join(here, rel);
    if (existsSync(p)) return p;
  }
  throw new KernelRunError("BUILD_FAILED", `guest helper source p2pkt.c not found near ${here}`);
}

function run(cmd: string, args: readonly string[], opts: { cwd?: string; input?: Buffer | string } = {}): Buffer {
  const r = spawnSync(cmd, args, { ...opts, maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status}: ${r.stderr.toString().trim().slice(-2000)}`;
    throw new KernelRunError("BUILD_FAILED", `${cmd} ${args.join(" ")} failed: ${why}`);
  }
  return r.stdout;
}

function fileStamp(path: string): string {
  const s = statSync(path);
  return `${path}:${s.size}:${s.mtimeMs}`;
}

function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Builds (or reuses) the base initramfs for a modules tarball. */
export function buildBaseInitramfs(opts: InitramfsOptions): BaseInitramfs {
  const tools = requireTools(["busybox", "lspci", "setpci", "cpio", "depmod", "gcc", "ldd"]);
  if (!existsSync(opts.modules)) throw new KernelRunError("BUILD_FAILED", `modules tarball ${opts.modules} not found`);
  const pciIds = findPciIds();
  const helper = helperSourcePath();
  const key = createHash("sha256")
    .update(
      [
        LAYOUT_VERSION,
        sha256File(opts.modules),
        sha256File(helper),
        initScript(),
        fileStamp(tools.busybox),
        fileStamp(tools.lspci),
        fileStamp(tools.setpci),
        pciIds ? fileStamp(pciIds) : "no-pci-ids",
      ].join("\n"),
    )
    .digest("hex")
    .slice(0, 24);
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  mkdirSync(cacheDir, { recursive: true });
  const out = join(cacheDir, `initramfs-${key}.cpio.gz`);
  const releaseFile = `${out}.release`;
  if (existsSync(out) && existsSync(releaseFile)) {
    return { path: out, release: readFileSync(releaseFile, "utf8").trim(), cached: true };
  }
  const stage = mkdtempSync(join(cacheDir, "stage-"));
  try {
    const release = stageRoot(stage, opts.modules, tools, pciIds, helper);
    const image = packCpio(stage, tools.cpio);
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, image);
    renameSync(tmp, out);
    writeFileSync(releaseFile, `${release}\n`);
    return { path: out, release, cached: false };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function stageRoot(
  root: string,
  modules: string,
  tools: Record<"busybox" | "lspci" | "setpci" | "depmod" | "gcc" | "ldd", string>,
  pciIds: string | null,
  helper: string,
): string {
  for (const d of ["bin", "sbin", "usr/bin", "usr/sbin", "usr/share/misc", "proc", "sys", "dev", "tmp", "etc", "lib"]) {
    mkdirSync(join(root, d), { recursive: true });
  }
  // busybox and its applet links
  copyFileSync(tools.busybox, join(root, "bin/busybox"));
  chmodSync(join(root, "bin/busybox"), 0o755);
  const applets = run(tools.busybox, ["--list-full"]).toString().split("\n").filter(Boolean);
  for (const applet of applets) {
    const p = join(root, applet);
    if (existsSync(p) || applet === "bin/busybox") continue;
    mkdirSync(dirname(p), { recursive: true });
    symlinkSync("/bin/busybox", p);
  }
  // modules: unpack, decompress (busybox modprobe reads plain .ko), depmod
  run("tar", ["xzf", modules, "-C", root, "lib/modules"]);
  const modRoot = join(root, "lib/modules");
  const releases = readdirSync(modRoot);
  const release = releases[0];
  if (release === undefined || releases.length !== 1) {
    throw new KernelRunError("BUILD_FAILED", `${modules}: expected one lib/modules/<release>, found ${releases.join(", ") || "none"}`);
  }
  const xz = listFiles(join(modRoot, release)).filter((f) => f.endsWith(".ko.xz"));
  if (xz.length > 0) run(tools.busybox, ["unxz", ...xz]);
  run(tools.depmod, ["-b", root, release]);
  // lspci / setpci and their shared libraries
  for (const bin of [tools.lspci, tools.setpci]) {
    copyInto(root, bin, join("usr/bin", bin.split("/").pop()!));
    for (const lib of lddLibraries(tools.ldd, bin)) copyInto(root, lib, lib.replace(/^\//, ""));
  }
  if (pciIds) copyInto(root, pciIds, "usr/share/misc/pci.ids");
  // the helper
  run(tools.gcc, ["-static", "-O2", "-Wall", "-o", join(root, "bin/p2pkt"), helper]);
  writeFileSync(join(root, "init"), initScript(), { mode: 0o755 });
  return release;
}

function copyInto(root: string, from: string, to: string): void {
  const dest = join(root, to);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(from, dest);
  chmodSync(dest, statSync(from).mode & 0o777);
}

/** Absolute paths of the shared objects (and the ELF interpreter) `ldd` lists for a binary. */
export function lddLibraries(ldd: string, binary: string): string[] {
  const text = run(ldd, [binary]).toString();
  const libs = new Set<string>();
  for (const line of text.split("\n")) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s*\(/.exec(line);
    if (m?.[1]) libs.add(m[1]);
  }
  return [...libs];
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

function listTree(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    out.push(relative(root, p));
    if (e.isDirectory()) out.push(...listTree(root, p));
  }
  return out;
}

/** A gzipped newc archive of a directory (owner root). */
export function packCpio(dir: string, cpio: string): Buffer {
  const names = listTree(dir).join("\n") + "\n";
  const raw = run(cpio, ["-o", "-H", "newc", "-R", "0:0", "--quiet"], { cwd: dir, input: names });
  return gzipSync(raw);
}

/** A per-run initrd: the base image followed by an archive holding `files` (path -> text). */
export function overlayInitrd(base: string, files: Readonly<Record<string, string>>, outPath: string): void {
  const { cpio } = requireTools(["cpio"]);
  const stage = mkdtempSync(join(dirname(outPath), "overlay-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      const p = join(stage, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text, { mode: 0o755 });
    }
    writeFileSync(outPath, Buffer.concat([readFileSync(base), packCpio(stage, cpio)]));
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
