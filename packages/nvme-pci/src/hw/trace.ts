/**
 * Typed trace events of the controller model (style.md "Traces, not prints"): the app or a
 * test decides what to show.
 */

/** One event of the controller model. */
export type NvmeTraceEvent =
  | { readonly kind: "state"; readonly what: "enable" | "ready" | "disable" | "reset-done" | "shutdown" | "shutdown-done" | "nssr" | "power-loss" }
  | { readonly kind: "fatal"; readonly reason: string }
  | { readonly kind: "command"; readonly sqid: number; readonly cid: number; readonly opcode: number; readonly nsid: number }
  | { readonly kind: "completion"; readonly sqid: number; readonly cid: number; readonly status: number; readonly dw0: number }
  | { readonly kind: "doorbell"; readonly qid: number; readonly completion: boolean; readonly value: number; readonly valid: boolean }
  | { readonly kind: "interrupt"; readonly vector: number }
  | { readonly kind: "register"; readonly offset: number; readonly value: bigint; readonly width: number; readonly ignored: boolean };

/** Receives trace events. */
export type NvmeTracer = (event: NvmeTraceEvent) => void;
