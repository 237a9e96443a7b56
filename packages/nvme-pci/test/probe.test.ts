import { describe, expect, it } from "vitest";
import { reference } from "./helpers";

describe("probe on the reference machine", () => {
  it("binds every NVMe function and creates nvme<c>n1 disks flagged PCI_P2PDMA", () => {
    const m = reference();
    const names = m.ctrls().map((c) => `${c.name}@${c.pdev.name}`);
    expect(names).toHaveLength(5);
    const d = m.disk("nvme0n1")!;
    expect(d).not.toBeNull();
    expect(d.queue.pciP2pdma).toBe(true);
    expect(d.capacityBytes).toBe(1n << 40n);
    expect(m.system.log.all().map((l) => l.text)).toMatchSnapshot();
  });
});
