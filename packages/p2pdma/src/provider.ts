/**
 * Registering P2P memory (spec 2.2 - 2.5): `pci_p2pdma_add_resource` with every check in the
 * kernel's order, the lazy setup, the device-managed teardown of each mode, publish, and
 * `pci_has_p2pmem`.
 *
 * Teardown at unbind, devres newest first:
 * - 4.20: kill the ref (the first kill wins) -> memremap teardown of each range (waits until
 *   nothing in it is allocated) -> release (waits for the ref to drain, destroys the pool,
 *   removes `p2pmem/`, clears the pointer).
 * - 6.12: remove `p2pmem/allocate` (zaps user mappings) -> memunmap (kills the range's ref,
 *   waits until it drains, drops the pages) -> release (clears the pointer, destroys the pool,
 *   removes `p2pmem/`, drops the map-type cache).
 * A wait is a queued step; {@link teardownStatus} shows what it waits for.
 */
import type { LogLine, PciFunction, Resource } from "@p2pdma/pci-core";
import { devLog, EINVAL, ENOMEM, EOPNOTSUPP, IORESOURCE_MEM, PCI_NUM_RESOURCES, resourceSize } from "@p2pdma/pci-core";
import type { P2pdmaCore } from "./core";
import type { P2pOptions } from "./options";
import type { DevPagemap } from "./page";
import { P2pdmaError } from "./errors";
import { resolveOptions } from "./options";
import { physToVirt } from "./page";
import { ProviderState } from "./state";
import { createP2pmemGroup, p2pmemDir, removeAllocateFile, removeP2pmemGroup } from "./sysfs";
import { zapUserMappings } from "./allocate";

/** What {@link addResource} returns: the errno and the lines it logged. */
export interface AddResourceResult {
  /** 0 or a negative errno. */
  readonly ret: number;
  readonly log: readonly LogLine[];
}

function toBig(v: number | bigint, what: string): bigint {
  if (typeof v === "number" && (!Number.isSafeInteger(v) || v < 0)) throw new P2pdmaError(`${what} must be a non-negative integer`);
  const b = BigInt(v);
  if (b < 0n || b > 0xffffffffffffffffn) throw new P2pdmaError(`${what} out of range`);
  return b;
}

/** `%pR` of a memory resource as printk decodes it: `[mem 0x%08llx-0x%08llx 64bit pref]`. */
export function formatResourcePR(res: Resource): string {
  const hex = (n: bigint): string => `0x${n.toString(16).padStart(8, "0")}`;
  const range = res.start === res.end ? hex(res.start) : `${hex(res.start)}-${hex(res.end)}`;
  let flags = "";
  if (res.flags & 0x00100000) flags += " 64bit";
  if (res.flags & 0x00002000) flags += " pref";
  if (res.flags & 0x00200000) flags += " window";
  if (res.flags & 0x10000000) flags += " disabled";
  return `[mem ${range}${flags}]`;
}

/** Models `pci_p2pdma_setup`. */
function setup(core: P2pdmaCore, pdev: PciFunction, mode: "4.20" | "6.12"): number {
  if (core.fault("setup-alloc")) return -ENOMEM;
  const st = new ProviderState(pdev, mode, p2pmemDir(core, pdev));
  if (core.fault("pool-create")) return -ENOMEM;
  if (mode === "4.20" && core.fault("ref-init")) return -ENOMEM;
  // devm_add_action_or_reset: on failure the action runs at once (finding no state) and the
  // error propagates.
  if (core.fault("release-action")) return -ENOMEM;
  pdev.devres.add("pci_p2pdma_release", () => release(core, pdev));
  if (mode === "4.20") core.setState(pdev, st); // 4.20 publishes the pointer before the group
  const err = createP2pmemGroup(core, st);
  if (err !== 0 || core.fault("sysfs-group")) {
    if (err === 0) removeP2pmemGroup(core, st);
    core.setState(pdev, null);
    st.pool.destroy();
    return err !== 0 ? err : -ENOMEM;
  }
  core.setState(pdev, st);
  return 0;
}

/** The release action (`pci_p2pdma_release`), queued behind the steps registered after it. */
function release(core: P2pdmaCore, pdev: PciFunction): void {
  const st = core.state(pdev);
  if (!st) return;
  st.enqueue({
    name: "pci_p2pdma_release",
    blockedOn: () => (st.mode === "4.20" && st.ref.count > 0 ? `${st.ref.count} allocation(s) outstanding` : null),
    run: () => {
      if (st.mode === "6.12") core.setState(pdev, null); // pointer cleared first, then synchronize_rcu
      st.pool.destroy();
      removeP2pmemGroup(core, st);
      st.mapTypes.clear();
      core.setState(pdev, null);
      st.released = true;
    },
  });
}

function memremapTeardown(core: P2pdmaCore, st: ProviderState, map: DevPagemap): void {
  let killed = false;
  st.enqueue({
    name: "devm_memremap_pages_release",
    blockedOn: () => {
      if (!killed && st.mode === "6.12") {
        map.ref.dying = true; // memunmap_pages: percpu_ref_kill, then wait
        killed = true;
      }
      return map.ref.count > 0 ? `${map.ref.count} reference(s) into ${hexRange(map)}` : null;
    },
    run: () => core.pagemaps.remove(map),
  });
}

function hexRange(map: DevPagemap): string {
  return `0x${map.start.toString(16)}-0x${map.end.toString(16)}`;
}

/**
 * Models `pci_p2pdma_add_resource(pdev, bar, size, offset)` (spec 2.2): registers BAR memory
 * as P2P memory. Returns 0 or a negative errno; `-EOPNOTSUPP` when compiled out. Logs
 * `added peer-to-peer DMA memory ...` (4.20: `%pR`; 6.12: `%#llx-%#llx`) on success.
 */
export function addResource(
  core: P2pdmaCore,
  pdev: PciFunction,
  bar: number,
  size: number | bigint,
  offset: number | bigint,
  opts: P2pOptions = {},
): AddResourceResult {
  const o = resolveOptions(opts);
  if (!Number.isInteger(bar) || bar < 0 || bar >= PCI_NUM_RESOURCES) throw new P2pdmaError(`BAR index ${bar} out of range`);
  let sz = toBig(size, "size");
  const off = toBig(offset, "offset");
  if (!o.configPciP2pdma) return { ret: -EOPNOTSUPP, log: [] };
  const res = pdev.resources[bar]!;
  const len = resourceSize(res);
  if ((res.flags & IORESOURCE_MEM) === 0) return { ret: -EINVAL, log: [] };
  if (off >= len) return { ret: -EINVAL, log: [] };
  if (sz === 0n) sz = len - off;
  if (sz + off > len) return { ret: -EINVAL, log: [] };

  let st = core.state(pdev);
  if (!st) {
    const err = setup(core, pdev, o.kernel);
    if (err) return { ret: err, log: [] };
    st = core.state(pdev)!;
  }
  if (core.fault("pgmap-alloc")) return { ret: -ENOMEM, log: [] };
  const start = res.start + off;
  const end = start + sz - 1n;
  const busOffset = pdev.bus.hostBridge.cpuToBus(res.start) - res.start;
  const check = core.pagemaps.check(pdev, start, end, st.mode);
  if (check.err) return { ret: check.err, log: core.log(check.lines) };
  const map: DevPagemap = {
    type: "PCI_P2PDMA",
    provider: pdev,
    busOffset,
    start,
    end,
    bar,
    mode: st.mode,
    ref: { count: 0, dying: false },
    live: true,
  };
  core.pagemaps.add(map);
  const memremapEntry = pdev.devres.add("devm_memremap_pages", () => memremapTeardown(core, st, map));
  const unmapPages = (): void => {
    pdev.devres.remove(memremapEntry);
    core.pagemaps.remove(map);
  };
  const virt = physToVirt(start);
  const busStart = pdev.bus.hostBridge.cpuToBus(res.start) + off;

  if (st.mode === "6.12") {
    if (core.fault("unmap-action")) {
      // _or_reset: the action runs now, removing `allocate`; then the pages are freed.
      removeAllocateFile(core, st);
      unmapPages();
      return { ret: -ENOMEM, log: [] };
    }
    pdev.devres.add("pci_p2pdma_unmap_mappings", () => {
      const cur = st;
      cur.enqueue({
        name: "pci_p2pdma_unmap_mappings",
        blockedOn: () => null,
        run: () => {
          removeAllocateFile(core, cur);
          zapUserMappings(core, cur);
        },
      });
    });
    if (core.fault("pool-add")) {
      unmapPages();
      return { ret: -ENOMEM, log: [] };
    }
    st.pool.addOwner(virt, busStart, sz, map);
    st.pagemaps.push(map);
    const line = devLog(pdev, "info", `added peer-to-peer DMA memory 0x${start.toString(16)}-0x${end.toString(16)}`);
    return { ret: 0, log: core.log([line]) };
  }

  // 4.20: the page map stays with devres on a later failure.
  if (core.fault("pool-add")) return { ret: -ENOMEM, log: [] };
  st.pool.addOwner(virt, busStart, sz, map);
  st.pagemaps.push(map);
  const kill = (): void => {
    const cur = st;
    cur.enqueue({
      name: "pci_p2pdma_percpu_kill",
      blockedOn: () => null,
      run: () => {
        if (!cur.ref.dying) cur.ref.dying = true;
      },
    });
  };
  if (core.fault("kill-action")) {
    kill(); // devm_add_action_or_reset runs the action on failure: the ref dies now
    return { ret: -ENOMEM, log: [] };
  }
  pdev.devres.add("pci_p2pdma_percpu_kill", kill);
  const pr = formatResourcePR({ start, end, flags: res.flags });
  return { ret: 0, log: core.log([devLog(pdev, "info", `added peer-to-peer DMA memory ${pr}`)]) };
}

/** Models `pci_p2pmem_publish(pdev, publish)`: no-op without state (or compiled out). */
export function publish(core: P2pdmaCore, pdev: PciFunction, value: boolean, opts: P2pOptions = {}): void {
  if (!resolveOptions(opts).configPciP2pdma) return;
  const st = core.state(pdev);
  if (st) st.published = value;
}

/** Models `pci_has_p2pmem(pdev)`: state exists and is published. */
export function hasP2pmem(core: P2pdmaCore, pdev: PciFunction, opts: P2pOptions = {}): boolean {
  if (!resolveOptions(opts).configPciP2pdma) return false;
  return core.state(pdev)?.published ?? false;
}

/** What a provider's teardown is doing: null when it has no pending steps. */
export function teardownStatus(core: P2pdmaCore, pdev: PciFunction): { waitingFor: string; pendingSteps: string[] } | null {
  const st = core.state(pdev);
  if (!st || st.teardown.length === 0) return null;
  return { waitingFor: st.waitingFor ?? "", pendingSteps: st.teardown.map((s) => s.name) };
}
