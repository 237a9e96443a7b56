/**
 * Config spaces of the functions a topology describes, laid out with the capability builder:
 * a type 0 or type 1 header with its BARs (sizing masks, unassigned), a PCI Express capability
 * with the port type and link, the ACS capability with its firmware control value, SR-IOV with
 * its VF BARs, and the bridge subsystem-id capability when a bridge states subsystem ids.
 */
import type { CapabilitySpec, LinkSpec as CfgLinkSpec, VfBarSpec } from "../capabilities/types";
import type { ConfigSpace } from "../config-space";
import type { PciePortTypeName } from "../import/facts";
import type { BarSpec, FunctionSpec, HostFunctionSpec, LinkSpec } from "../topology/schema";
import { buildConfigSpace } from "../capabilities/builder";

/** Role of a function in the tree, which decides its header layout and port type. */
export type FunctionRole =
  | "host-function"
  | "root-port"
  | "upstream-port"
  | "downstream-port"
  | "pci-bridge"
  | "conventional-bridge"
  | "endpoint"
  | "conventional-endpoint"
  | "rc-endpoint";

const PORT_TYPE: Readonly<Record<FunctionRole, PciePortTypeName | null>> = {
  "host-function": null,
  "root-port": "root-port",
  "upstream-port": "upstream-port",
  "downstream-port": "downstream-port",
  "pci-bridge": "pcie-to-pci-bridge",
  "conventional-bridge": null,
  endpoint: "endpoint",
  "conventional-endpoint": null,
  "rc-endpoint": "rc-endpoint",
};

/** Whether a role has a type 1 (bridge) header. */
export function isBridgeRole(role: FunctionRole): boolean {
  return role === "root-port" || role === "upstream-port" || role === "downstream-port" || role === "pci-bridge" || role === "conventional-bridge";
}

/** Class codes used when a topology does not state one. */
export const DEFAULT_CLASS = {
  bridge: 0x060400,
  host: 0x060000,
  endpoint: 0xff0000,
} as const;

/** The link of a PCIe function when the topology does not state one: 8 GT/s x4. */
export const DEFAULT_LINK: LinkSpec = { speed: 8, width: 4 };

function cfgLink(l: LinkSpec): CfgLinkSpec {
  return { maxSpeedGTs: l.maxSpeed ?? l.speed, maxWidth: l.maxWidth ?? l.width, speedGTs: l.speed, width: l.width };
}

function cfgBar(b: BarSpec): VfBarSpec {
  return { index: b.index, kind: b.bits === 64 ? "mem64" : "mem32", prefetchable: b.prefetchable === true, size: b.size };
}

/** Lays out the config space of one function of the tree (BARs unassigned, buses unset). */
export function functionConfig(f: FunctionSpec, role: FunctionRole, multifunction: boolean): ConfigSpace {
  const bridge = isBridgeRole(role);
  const portType = PORT_TYPE[role];
  const classCode = f.classCode ?? (bridge ? DEFAULT_CLASS.bridge : DEFAULT_CLASS.endpoint);
  const caps: CapabilitySpec[] = [];
  if (bridge && (f.subsystemVendor !== undefined || f.subsystemDevice !== undefined)) {
    caps.push({ kind: "ssvid", subsystemVendor: f.subsystemVendor ?? 0, subsystemDevice: f.subsystemDevice ?? 0 });
  }
  if (portType !== null) {
    caps.push({
      kind: "pcie",
      portType,
      ...(portType !== "rc-endpoint" ? { link: cfgLink(f.link ?? DEFAULT_LINK) } : {}),
    });
    if (f.acs) caps.push({ kind: "acs", cap: f.acs.cap, ctl: f.acs.ctl });
    if (f.sriov) {
      const s = f.sriov;
      caps.push({
        kind: "sriov",
        totalVFs: s.totalVFs,
        vfOffset: s.offset ?? 1,
        vfStride: s.stride ?? 1,
        vfDeviceId: s.vfDevice,
        vfBars: (s.bars ?? []).map(cfgBar),
      });
    }
  }
  const common = {
    vendor: f.vendor ?? 0,
    device: f.device ?? 0,
    classCode,
    revision: f.revision ?? 0,
    multifunction,
  };
  return buildConfigSpace({
    header: bridge
      ? { type: 1, ...common }
      : { type: 0, ...common, subsystemVendor: f.subsystemVendor ?? 0, subsystemDevice: f.subsystemDevice ?? 0 },
    bars: (f.bars ?? []).map(cfgBar),
    capabilities: caps,
  }).config;
}

/** The host-bridge function at 00.0: a type 0 header with the host bridge class, no BARs. */
export function hostFunctionConfig(h: HostFunctionSpec): ConfigSpace {
  return buildConfigSpace({
    header: {
      type: 0,
      vendor: h.vendor,
      device: h.device,
      classCode: h.classCode ?? DEFAULT_CLASS.host,
      revision: h.revision ?? 0,
      subsystemVendor: h.subsystemVendor ?? 0,
      subsystemDevice: h.subsystemDevice ?? 0,
    },
  }).config;
}

/**
 * A VF's config space: vendor of its PF, the VF Device ID, the PF's class, a PCIe endpoint
 * capability with the PF's link; VF BARs read as zero (SR-IOV 1.1 §3.4.1.11), the kernel
 * takes them from the PF's VF BAR resources.
 */
export function vfConfig(pf: FunctionSpec, pfRole: FunctionRole): ConfigSpace {
  const s = pf.sriov!;
  const portType = PORT_TYPE[pfRole] ?? "endpoint";
  return buildConfigSpace({
    header: {
      type: 0,
      vendor: pf.vendor ?? 0,
      device: s.vfDevice,
      classCode: pf.classCode ?? DEFAULT_CLASS.endpoint,
      revision: pf.revision ?? 0,
      subsystemVendor: pf.subsystemVendor ?? 0,
      subsystemDevice: pf.subsystemDevice ?? 0,
    },
    capabilities: [{ kind: "pcie", portType, ...(portType !== "rc-endpoint" ? { link: cfgLink(pf.link ?? DEFAULT_LINK) } : {}) }],
  }).config;
}
