/**
 * Device-managed resources (drivers/base/devres.c): actions registered while a driver is bound
 * and run in reverse order of registration when it unbinds or its probe fails.
 */

/** One registered release action. */
export interface DevresEntry {
  readonly name: string;
  readonly release: () => void;
}

export class Devres {
  private entries: DevresEntry[] = [];

  /** Models `devm_add_action`: registers `release` to run at unbind. */
  add(name: string, release: () => void): DevresEntry {
    const entry = { name, release };
    this.entries.push(entry);
    return entry;
  }

  /** Models `devm_remove_action`: forgets an entry without running it. Returns whether it was there. */
  remove(entry: DevresEntry): boolean {
    const i = this.entries.indexOf(entry);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  /** Models `devres_release_all`: runs every action, newest first, and empties the list. */
  releaseAll(): string[] {
    const ran: string[] = [];
    while (this.entries.length > 0) {
      const entry = this.entries.pop()!;
      ran.push(entry.name);
      entry.release();
    }
    return ran;
  }

  /** Names of pending actions, oldest first (for tests and traces). */
  pending(): string[] {
    return this.entries.map((e) => e.name);
  }
}
