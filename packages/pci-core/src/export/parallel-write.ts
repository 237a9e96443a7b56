/**
 * Writes many small files synchronously, sharing the work with worker threads when there are
 * enough of them: creating a file costs the kernel far more than the JavaScript around it, and
 * a 10,000-function sysfs tree is ~170,000 files. The caller stays synchronous: it writes its
 * share, then blocks on a shared flag until every worker reports (Atomics.wait), and reads each
 * worker's result with `receiveMessageOnPort`. The first failure is rethrown as the Node error
 * it was (with its `code` and `syscall`), after all workers have stopped.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";

/** One file to create: path, contents, permission bits. */
export type FileWrite = readonly [path: string, data: string | Uint8Array, mode: number];

/** Below this many files one thread is faster than starting workers. */
const PARALLEL_MIN = 8000;

/** A worker that neither finished nor failed by then is taken as failed. */
const WORKER_TIMEOUT_MS = 120_000;

const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { writeFileSync } = require("node:fs");
const { ops, port, flag } = workerData;
let failure = null;
try {
  for (const [path, data, mode] of ops) writeFileSync(path, data, { mode });
} catch (e) {
  failure = { message: e.message, code: e.code, syscall: e.syscall, path: e.path };
}
port.postMessage(failure);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
`;

interface WorkerFailure {
  readonly message: string;
  readonly code?: string;
  readonly syscall?: string;
  readonly path?: string;
}

function writeAll(ops: readonly FileWrite[]): void {
  for (const [path, data, mode] of ops) writeFileSync(path, data, { mode });
}

/** Creates every file of `ops` (parents must exist). Throws the first file-system error. */
export function writeFilesParallel(ops: readonly FileWrite[]): void {
  const threads = Math.min(4, availableParallelism());
  if (ops.length < PARALLEL_MIN || threads < 2) return writeAll(ops);
  const share = Math.ceil(ops.length / threads);
  const jobs = Array.from({ length: threads - 1 }, (_, i) => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ops: ops.slice((i + 1) * share, (i + 2) * share), port: port2, flag },
      transferList: [port2],
    });
    return { flag, port: port1, worker };
  });
  let mine: unknown = null;
  try {
    writeAll(ops.slice(0, share));
  } catch (e) {
    mine = e;
  }
  let theirs: WorkerFailure | null = null;
  for (const job of jobs) {
    if (Atomics.wait(job.flag, 0, 0, WORKER_TIMEOUT_MS) === "timed-out" && theirs === null) {
      theirs = { message: `a file-writing worker did not finish within ${WORKER_TIMEOUT_MS / 1000} s`, code: "ETIMEDOUT", syscall: "write" };
    }
    const msg = receiveMessageOnPort(job.port)?.message as WorkerFailure | null | undefined;
    if (msg && theirs === null) theirs = msg;
    job.port.close();
    void job.worker.terminate();
  }
  if (mine !== null) throw mine;
  if (theirs !== null) throw Object.assign(new Error(theirs.message), { code: theirs.code, syscall: theirs.syscall, path: theirs.path });
}
