/**
 * Step builders for common guest actions: nvmet configfs (subsystems, namespaces, ports),
 * P2PDMA sysfs reads, ACS control through setpci. Pure functions returning steps.
 */
import type { ScenarioStep } from "./scenario";

/** nvmet's configfs root. */
export const NVMET = "/sys/kernel/config/nvmet";

/** `/sys/bus/pci/devices/<bdf>`. */
export const pciDir = (bdf: string): string => `/sys/bus/pci/devices/${bdf}`;

/** Path of a namespace directory. */
export const nsDir = (nqn: string, nsid: number): string => `${NVMET}/subsystems/${nqn}/namespaces/${nsid}`;

/** Reads of `p2pmem/{size,available,published}` of a function. */
export function p2pmemReads(bdf: string): ScenarioStep[] {
  return ["size", "available", "published"].map((f) => ({ op: "read", path: `${pciDir(bdf)}/p2pmem/${f}` }));
}

/** Reads of the NVMe controller's `cmb`, `cmbloc`, `cmbsz` attributes. */
export function cmbReads(bdf: string): ScenarioStep[] {
  return ["cmb", "cmbloc", "cmbsz"].map((f) => ({ op: "read", path: `/sys/class/nvme/{{ctrl ${bdf}}}/${f}` }));
}

/** Creates a subsystem (allow any host) and a namespace on `device` (not enabled). */
export function nvmetNamespace(nqn: string, nsid: number, device: string): ScenarioStep[] {
  return [
    { op: "mkdir", path: `${NVMET}/subsystems/${nqn}` },
    { op: "write", path: `${NVMET}/subsystems/${nqn}/attr_allow_any_host`, value: "1\n" },
    { op: "mkdir", path: nsDir(nqn, nsid) },
    { op: "write", path: `${nsDir(nqn, nsid)}/device_path`, value: device },
  ];
}

/** Writes `p2pmem` (exact bytes) and reads it back. */
export function p2pmemWrite(nqn: string, nsid: number, value: string, note?: string): ScenarioStep[] {
  return [
    { op: "write", path: `${nsDir(nqn, nsid)}/p2pmem`, value, ...(note !== undefined ? { note } : {}) },
    { op: "read", path: `${nsDir(nqn, nsid)}/p2pmem` },
  ];
}

/** Writes `enable` (`1\n` or `0\n`). */
export function nsEnable(nqn: string, nsid: number, on: boolean, note?: string): ScenarioStep {
  return { op: "write", path: `${nsDir(nqn, nsid)}/enable`, value: on ? "1\n" : "0\n", ...(note !== undefined ? { note } : {}) };
}

/** ACS control register of a port (`ECAP_ACS+6.w`), set to `value` under `mask`, read back. */
export function setAcsCtl(bdf: string, value: number, mask = 0xffff, note?: string): ScenarioStep {
  const h = (n: number): string => n.toString(16).padStart(4, "0");
  return { op: "setpci", bdf, reg: "ECAP_ACS+6.w", value: `${h(value)}:${h(mask)}`, ...(note !== undefined ? { note } : {}) };
}

/** ACS Request Redirect (PCIe 4.0 §7.7.8.3 ACS_CTRL.RR). */
export const ACS_CTRL_RR = 0x04;
