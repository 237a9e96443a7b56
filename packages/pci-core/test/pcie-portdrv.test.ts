import { describe, expect, it } from "vitest";
import { pciePortDriver } from "../src/drivers/pcie-portdrv";
import { systemFromFacts } from "../src/machine/from-facts";
import { devLog } from "../src/klog";
import { seedFacts } from "./helpers/facts";

describe("pcieport (drivers/pci/pcie/portdrv.c)", () => {
  it("binds PCIe root and switch ports only, so lines on them read `pcieport <bdf>:`", () => {
    const sys = systemFromFacts(seedFacts());
    sys.registerDriver(pciePortDriver);
    const bound = sys.devices.filter((d) => d.driver === pciePortDriver).map((d) => d.name);
    expect(bound).toEqual(["0000:00:01.0", "0000:00:02.0", "0000:01:00.0", "0000:02:00.0", "0000:02:01.0", "0000:02:02.0", "0000:02:03.0"]);
    expect(devLog(sys.getDeviceByName("0000:00:01.0")!, "err", "x").text).toBe("pcieport 0000:00:01.0: x");
    expect(devLog(sys.getDeviceByName("0000:00:00.0")!, "err", "x").text).toBe("pci 0000:00:00.0: x");
  });
});
