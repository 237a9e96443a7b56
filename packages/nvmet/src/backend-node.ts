/**
 * The file backend over node:fs (`filp_open` + `vfs_iter_read/write`, `vfs_fsync`,
 * `vfs_fallocate`) and {@link DeviceRegistry}, an {@link NvmetVfs} that maps paths to block
 * devices and falls back to real files.
 */
import * as fs from "node:fs";
import { EINVAL, ENOENT } from "@p2pdma/pci-core";
import type { BackingFile, BlockDevice, NvmetVfs } from "./backend";

const ENOTBLK = 15;
/** `-ENOTBLK`, what `bdev_file_open_by_path` returns for a path that is not a block device. */
export const ENOTBLK_ERRNO = -ENOTBLK;

const ERRNO_BY_CODE: Readonly<Record<string, number>> = {
  ENOENT: 2, EIO: 5, EACCES: 13, EEXIST: 17, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENOSPC: 28, EROFS: 30, ELOOP: 40, ENAMETOOLONG: 36, EPERM: 1,
};

function errnoOf(e: unknown): number {
  const code = (e as { code?: string }).code ?? "";
  return -(ERRNO_BY_CODE[code] ?? 5);
}

/** A {@link BackingFile} on a node file descriptor. */
class NodeFile implements BackingFile {
  readonly blkbits: number;
  constructor(private readonly fd: number, blksize: number) {
    this.blkbits = Math.max(9, Math.round(Math.log2(blksize > 0 ? blksize : 4096)));
  }
  size(): number {
    return fs.fstatSync(this.fd).size;
  }
  read(pos: number, dst: Uint8Array): Promise<number> {
    try {
      let done = 0;
      while (done < dst.length) {
        const n = fs.readSync(this.fd, dst, done, dst.length - done, pos + done);
        if (n === 0) {
          dst.fill(0, done);
          break;
        }
        done += n;
      }
      return Promise.resolve(dst.length);
    } catch (e) {
      return Promise.resolve(errnoOf(e));
    }
  }
  write(pos: number, src: Uint8Array): Promise<number> {
    try {
      fs.writeSync(this.fd, src, 0, src.length, pos);
      return Promise.resolve(src.length);
    } catch (e) {
      return Promise.resolve(errnoOf(e));
    }
  }
  fsync(): Promise<number> {
    try {
      fs.fsyncSync(this.fd);
      return Promise.resolve(0);
    } catch (e) {
      return Promise.resolve(errnoOf(e));
    }
  }
  fallocate(_mode: "punch" | "zero", offset: number, length: number): Promise<number> {
    return this.write(offset, new Uint8Array(length)).then((r) => (r < 0 ? r : 0));
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Opens a real file for the file backend; a directory gives `-EISDIR`, a missing path `-ENOENT`. */
export function openNodeFile(path: string): BackingFile | number {
  try {
    const st = fs.statSync(path);
    if (st.isDirectory()) return -21;
    const fd = fs.openSync(path, "r+");
    return new NodeFile(fd, st.blksize);
  } catch (e) {
    return errnoOf(e);
  }
}

/** Options of {@link DeviceRegistry}. */
export interface DeviceRegistryOptions {
  /** Open real files through node:fs for paths that are not registered block devices (default true). */
  readonly nodeFiles?: boolean;
}

/**
 * Maps `/dev/...` paths to block devices (what `lookup_bdev` finds) and, for anything else,
 * to real files. A path that is neither gives ENOENT from the block open, as in the kernel.
 */
export class DeviceRegistry implements NvmetVfs {
  private readonly devices = new Map<string, () => BlockDevice>();
  private readonly files = new Map<string, () => BackingFile>();
  constructor(private readonly options: DeviceRegistryOptions = {}) {}

  /** Registers a block device under a path; each open calls `open`. */
  addBlockDevice(path: string, open: () => BlockDevice): void {
    this.devices.set(path, open);
  }

  /** Removes a block device path (hot removal). */
  removeBlockDevice(path: string): void {
    this.devices.delete(path);
  }

  /** Registers an in-memory file under a path. */
  addFile(path: string, open: () => BackingFile): void {
    this.files.set(path, open);
  }

  openBlock(path: string): BlockDevice | number {
    const open = this.devices.get(path);
    if (open) return open();
    if (this.files.has(path)) return ENOTBLK_ERRNO;
    if (this.options.nodeFiles !== false && path !== "" && fs.existsSync(path)) return ENOTBLK_ERRNO;
    return -ENOENT;
  }

  openFile(path: string, _options: { readonly direct: boolean }): BackingFile | number {
    const f = this.files.get(path);
    if (f) return f();
    if (this.options.nodeFiles === false) return -ENOENT;
    if (path === "") return -EINVAL;
    return openNodeFile(path);
  }
}

/** An in-memory {@link BackingFile} (a file on tmpfs). */
export class MemoryFile implements BackingFile {
  private data: Uint8Array;
  constructor(size: number, readonly blkbits = 12) {
    this.data = new Uint8Array(size);
  }
  size(): number {
    return this.data.length;
  }
  read(pos: number, dst: Uint8Array): Promise<number> {
    dst.fill(0);
    dst.set(this.data.subarray(pos, Math.min(this.data.length, pos + dst.length)));
    return Promise.resolve(dst.length);
  }
  write(pos: number, src: Uint8Array): Promise<number> {
    if (pos + src.length > this.data.length) {
      const grown = new Uint8Array(pos + src.length);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(src, pos);
    return Promise.resolve(src.length);
  }
  fsync(): Promise<number> {
    return Promise.resolve(0);
  }
  fallocate(_mode: "punch" | "zero", offset: number, length: number): Promise<number> {
    this.data.fill(0, offset, offset + length);
    return Promise.resolve(0);
  }
  close(): void {}
}
