import { describe, expect, it } from "vitest";
import type { PciDriver } from "../src/driver";
import { matchOneDevice } from "../src/driver";
import { systemFromFacts } from "../src/machine/from-facts";
import { ENODEV } from "../src/errno";
import { seedFacts } from "./helpers/facts";

function nvmeDriver(events: string[], probeRc = 0): PciDriver {
  return {
    name: "nvme",
    idTable: [{ class: 0x010802, classMask: 0xffffff }],
    probe(dev) {
      events.push(`probe ${dev.name}`);
      dev.devres.add("first", () => events.push(`release first ${dev.name}`));
      dev.devres.add("second", () => events.push(`release second ${dev.name}`));
      return probeRc;
    },
    remove(dev) {
      events.push(`remove ${dev.name}`);
    },
  };
}

describe("driver model (pci-driver.c, dd.c)", () => {
  it("pci_match_one_device: omitted fields match anything, class under its mask", () => {
    const sys = systemFromFacts(seedFacts());
    const nic = sys.getDeviceByName("0000:03:00.0")!;
    expect(matchOneDevice({ vendor: 0x15b3 }, nic)).toBe(true);
    expect(matchOneDevice({ vendor: 0x15b3, device: 0x1018 }, nic)).toBe(false);
    expect(matchOneDevice({ class: 0x020000, classMask: 0xffff00 }, nic)).toBe(true);
    expect(matchOneDevice({ class: 0x010802, classMask: 0xffffff }, nic)).toBe(false);
  });

  it("registering binds every matching function; unbind runs remove then devres newest first", () => {
    const sys = systemFromFacts(seedFacts());
    const events: string[] = [];
    const drv = nvmeDriver(events);
    sys.registerDriver(drv);
    const ssd = sys.getDeviceByName("0000:04:00.0")!;
    expect(ssd.driver).toBe(drv);
    // Five NVMe-class functions: 04, 05, 06.0, 06.1 and 07 (03 is the NIC).
    expect(events.filter((e) => e.startsWith("probe"))).toHaveLength(5);
    expect(sys.sysfs.lookup("/bus/pci/devices/0000:04:00.0/driver", false)).toEqual({
      kind: "link",
      name: "driver",
      target: "/bus/pci/drivers/nvme",
    });
    events.length = 0;
    sys.unbind(ssd);
    expect(events).toEqual(["remove 0000:04:00.0", "release second 0000:04:00.0", "release first 0000:04:00.0"]);
    expect(ssd.driver).toBeNull();
    expect(sys.sysfs.lookup("/bus/pci/devices/0000:04:00.0/driver", false)).toBeUndefined();
  });

  it("a failed probe releases what it acquired and leaves the device unbound", () => {
    const sys = systemFromFacts(seedFacts());
    const events: string[] = [];
    sys.registerDriver(nvmeDriver(events, -ENODEV));
    const ssd = sys.getDeviceByName("0000:04:00.0")!;
    expect(ssd.driver).toBeNull();
    expect(events.slice(0, 3)).toEqual(["probe 0000:04:00.0", "release second 0000:04:00.0", "release first 0000:04:00.0"]);
  });

  it("surprise removal of a switch removes everything below it, deepest first, unbinding drivers", () => {
    const sys = systemFromFacts(seedFacts());
    const events: string[] = [];
    sys.registerDriver(nvmeDriver(events));
    events.length = 0;
    sys.removeFunction(sys.getDeviceByName("0000:01:00.0")!, { surprise: true });
    expect(events.filter((e) => e.startsWith("remove"))).toEqual([
      "remove 0000:06:00.1",
      "remove 0000:06:00.0",
      "remove 0000:05:00.0",
      "remove 0000:04:00.0",
    ]);
    expect(sys.devices.map((d) => d.name)).toEqual(["0000:00:00.0", "0000:00:01.0", "0000:00:02.0", "0000:07:00.0"]);
    expect(sys.getDeviceByName("0000:04:00.0")).toBeNull();
    expect(sys.findBus(0, 2)).toBeUndefined();
    expect(sys.sysfs.lookup("/bus/pci/devices/0000:04:00.0")).toBeUndefined();
  });
});
