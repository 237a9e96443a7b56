/** drivers/infiniband/core/mr_pool.c: a QP's list of pre-allocated fast-registration MRs. */
import type { Mr } from "./mr";
import type { Pd } from "./pd";
import { allocMr, deregMr } from "./mr";

export class MrPool {
  private readonly free: Mr[] = [];
  /** Total MRs the pool owns. */
  size = 0;

  /** Models `ib_mr_pool_init(qp, list, nr, type, max_num_sg, 0)`: 0 or -errno. */
  init(pd: Pd, nr: number, type: "MEM_REG" | "INTEGRITY", maxNumSg: number): number {
    for (let i = 0; i < nr; i++) {
      const mr = allocMr(pd, maxNumSg, type);
      if (typeof mr === "number") {
        this.destroy();
        return mr;
      }
      this.free.push(mr);
      this.size++;
    }
    return 0;
  }

  /** Models `ib_mr_pool_get`: an MR, or null when the pool is exhausted. */
  get(): Mr | null {
    return this.free.shift() ?? null;
  }

  /** Models `ib_mr_pool_put` (back at the head of the list: the next get returns it). */
  put(mr: Mr): void {
    this.free.unshift(mr);
  }

  get available(): number {
    return this.free.length;
  }

  /** Models `ib_mr_pool_destroy`: deregisters the MRs currently in the pool. */
  destroy(): void {
    for (const mr of this.free.splice(0)) deregMr(mr);
    this.size = 0;
  }
}
