/**
 * The machines and scenarios behind golden/*.json: what the real 6.12.117 kernel answers on
 * emulated switches, root ports and NVMe CMBs. `make-goldens.ts` runs them; the differential
 * tests of the model will replay the same steps.
 */
import type { QemuCpu, QemuMachineSpec, QemuNvme } from "../../src/kernel/machine";
import type { Scenario, ScenarioStep } from "../../src/kernel/scenario";
import {
  ACS_CTRL_RR,
  cmbReads,
  nsDir,
  nsEnable,
  nvmetNamespace,
  p2pmemReads,
  p2pmemWrite,
  pciDir,
  setAcsCtl,
} from "../../src/kernel/steps";

const GiB = 1n << 30n;
const nvme = (cmbMiB?: number, extra: Partial<QemuNvme> = {}): QemuNvme => ({
  kind: "nvme",
  namespaces: [{ size: GiB }],
  ...(cmbMiB !== undefined ? { cmbMiB } : {}),
  ...extra,
});

/**
 * The seed's system as QEMU expresses it: root port 00:01.0 -> x3130 switch (bus 02) with
 * NVMe+CMB 03:00.0, NVMe+CMB 04:00.0, NVMe without CMB 05:00.0; root port 00:02.0 -> NVMe+CMB
 * 06:00.0. No RNIC and no p2pmem card (QEMU has neither).
 */
export function seedMachine(cpu: QemuCpu): QemuMachineSpec {
  return {
    cpu,
    rootPorts: [
      { slot: 1, below: { kind: "switch", downstream: [{ functions: [nvme(64)] }, { functions: [nvme(64)] }, { functions: [nvme()] }] } },
      { slot: 2, below: [nvme(64)] },
    ],
  };
}

/** {@link seedMachine} plus root port 00:03.0 holding a two-function device: 07:00.0 (CMB) and 07:00.1. */
export function seedMultifunctionMachine(cpu: QemuCpu): QemuMachineSpec {
  const seed = seedMachine(cpu);
  return { ...seed, rootPorts: [...seed.rootPorts, { slot: 3, below: [nvme(64, { function: 0 }), nvme(undefined, { function: 1 })] }] };
}

/** CMB sizes around the alignment rule, legacy-cmb off (00:01-04) and on (00:05-08). */
export const CMB_SIZES = [1, 2, 64, 128] as const;

/** One root port per (size, legacy) pair: buses 01..08. */
export function cmbSizesMachine(): QemuMachineSpec {
  const ports = [false, true].flatMap((legacyCmb, l) =>
    CMB_SIZES.map((mb, i) => ({ slot: 1 + l * CMB_SIZES.length + i, below: [nvme(mb, legacyCmb ? { legacyCmb } : {})] })),
  );
  return { cpu: "EPYC", rootPorts: ports };
}

const SWITCH_CMB_A = "0000:03:00.0";
const SWITCH_CMB_B = "0000:04:00.0";
const SWITCH_NO_CMB = "0000:05:00.0";
const RP2_CMB = "0000:06:00.0";
const MF_CMB = "0000:07:00.0";
const MF_NO_CMB = "0000:07:00.1";
const NVME_BDFS = [SWITCH_CMB_A, SWITCH_CMB_B, SWITCH_NO_CMB, RP2_CMB];

const shell = (command: string, note?: string): ScenarioStep => ({ op: "shell", command, ...(note ? { note } : {}) });

/** sysfs of the seed machine: p2pmem/, cmb, ACS registers, lspci. */
export function seedSysfsScenario(): Scenario {
  return {
    name: "seed-sysfs",
    steps: [
      shell("lspci -tv", "tree"),
      shell("lspci -nn", "ids"),
      ...["0000:00:01.0", "0000:00:02.0", "0000:01:00.0", "0000:02:00.0"].flatMap((b) => [
        { op: "setpci", bdf: b, reg: "ECAP_ACS+4.w", note: "ACS capability" } as const,
        { op: "setpci", bdf: b, reg: "ECAP_ACS+6.w", note: "ACS control" } as const,
      ]),
      ...NVME_BDFS.flatMap((b) => [{ op: "ls", path: `${pciDir(b)}/p2pmem` } as const, ...p2pmemReads(b), ...cmbReads(b)]),
      shell("for d in /sys/bus/pci/devices/*; do [ -d $d/p2pmem ] && echo ${d##*/}; done", "functions with p2pmem"),
    ],
  };
}

/** CMB registration for each size and register style. */
export function cmbSizesScenario(): Scenario {
  const bdfs = [...Array(8).keys()].map((i) => `0000:0${i + 1}:00.0`);
  return {
    name: "cmb-sizes",
    steps: bdfs.flatMap((b) => [
      shell(`lspci -vv -s ${b.slice(5)} | grep -E 'Region|Non-Volatile'`, `BARs of ${b}`),
      { op: "ls", path: `${pciDir(b)}/p2pmem` } as const,
      ...p2pmemReads(b),
      ...cmbReads(b),
    ]),
  };
}

/** Every `p2pmem` write form the spec lists (6.2 / 2.14 / 12), on a namespace without CMB. */
export const P2PMEM_FORMS: readonly string[] = [
  "1\n", "yes\n", "y\n", "Y\n", "on\n", "true\n", "YES\n", "On\n", "oN\n",
  "0\n", "no\n", "n\n", "N\n", "off\n", "false\n", "No\n", "OFF\n",
  "1", "0", "y", "off",
  "10\n", "01\n", "2\n", "\n", "", " 1\n", "1 \n", "o\n", "of\n", "maybe\n", "auto\n", "1x\n", "0x\n", "yx\n",
  `${SWITCH_CMB_A}\n`, SWITCH_CMB_A, `${SWITCH_CMB_A.slice(5)}\n`, `${RP2_CMB}\n`,
  `${SWITCH_NO_CMB}\n`, SWITCH_NO_CMB, "0000:00:01.0\n", "0000:99:00.0\n", "0000:03:00.0 \n",
];

/** The nvmet `p2pmem` attribute: each form's errno, read-back and log; writes while enabled. */
export function p2pmemWritesScenario(): Scenario {
  const nqn = "p2pwrites";
  const dev = `{{ns ${SWITCH_NO_CMB} 1}}`;
  return {
    name: "nvmet-p2pmem-writes",
    steps: [
      ...nvmetNamespace(nqn, 1, dev),
      { op: "read", path: `${nsDir(nqn, 1)}/p2pmem`, note: "initial" },
      ...P2PMEM_FORMS.flatMap((v) => p2pmemWrite(nqn, 1, v, `write ${JSON.stringify(v)}`)),
      ...p2pmemWrite(nqn, 1, "1\n", "automatic before enable"),
      nsEnable(nqn, 1, true, "enable, automatic provider behind the same switch"),
      { op: "read", path: `${nsDir(nqn, 1)}/enable` },
      ...["0\n", "1\n", `${SWITCH_CMB_A}\n`, "maybe\n", `${SWITCH_NO_CMB}\n`].flatMap((v) => p2pmemWrite(nqn, 1, v, `while enabled ${JSON.stringify(v)}`)),
      nsEnable(nqn, 1, false),
      ...p2pmemWrite(nqn, 1, `${SWITCH_CMB_B}\n`, "after disable"),
    ],
  };
}

function enableCase(nqn: string, device: string, p2pmem: string, note: string): ScenarioStep[] {
  return [
    ...nvmetNamespace(nqn, 1, device),
    ...p2pmemWrite(nqn, 1, p2pmem),
    nsEnable(nqn, 1, true, note),
    { op: "read", path: `${nsDir(nqn, 1)}/enable` },
    nsEnable(nqn, 1, false),
  ];
}

/** Namespace `enable` with P2P across the switch, root ports, backends and ACS redirect. */
export function enableScenario(): Scenario {
  const ns = (bdf: string): string => `{{ns ${bdf} 1}}`;
  return {
    name: "nvmet-enable",
    steps: [
      ...enableCase("sw-auto", ns(SWITCH_NO_CMB), "1\n", "automatic, client behind the switch with two CMBs"),
      ...enableCase("sw-given", ns(SWITCH_NO_CMB), `${SWITCH_CMB_A}\n`, "given provider behind the same switch"),
      ...enableCase("sw-self", ns(SWITCH_CMB_A), `${SWITCH_CMB_A}\n`, "provider is the namespace's own controller"),
      ...enableCase("rp-given", ns(SWITCH_NO_CMB), `${RP2_CMB}\n`, "provider on the other root port"),
      ...enableCase("rp-given-rev", ns(RP2_CMB), `${SWITCH_CMB_A}\n`, "client on root port 2, provider behind the switch"),
      ...enableCase("rp-auto", ns(RP2_CMB), "1\n", "automatic, client alone on root port 2 with its own CMB"),
      ...enableCase("mf-given", ns(MF_NO_CMB), `${MF_CMB}\n`, "two functions of one device, no ACS redirect"),
      shell("truncate -s 64M /tmp/backing.img", "a file for file and loop namespaces"),
      ...enableCase("file", "/tmp/backing.img", "1\n", "file-backed namespace"),
      shell("losetup /dev/loop0 /tmp/backing.img && echo ok", "loop device"),
      ...enableCase("loop", "/dev/loop0", "1\n", "loop-device namespace"),
      setAcsCtl("0000:00:03.0", ACS_CTRL_RR, ACS_CTRL_RR, "ACS RR on the root port of the two-function device"),
      ...enableCase("mf-acs", ns(MF_NO_CMB), `${MF_CMB}\n`, "two functions of one device, ACS redirect on their root port"),
      ...enableCase("mf-acs-auto", ns(MF_NO_CMB), "1\n", "automatic with ACS redirect on the root port"),
      setAcsCtl("0000:00:01.0", ACS_CTRL_RR, ACS_CTRL_RR, "ACS RR on the switch's root port"),
      ...enableCase("sw-acs-rp", ns(SWITCH_NO_CMB), `${SWITCH_CMB_A}\n`, "switch pair with RR above the switch (not on the path)"),
      ...enableCase("rp-acs", ns(SWITCH_NO_CMB), `${RP2_CMB}\n`, "across root ports with RR on 00:01.0 (no common bridge)"),
      setAcsCtl("0000:00:01.0", 0, ACS_CTRL_RR, "ACS RR off again"),
      setAcsCtl("0000:00:03.0", 0, ACS_CTRL_RR, "ACS RR off again"),
    ],
  };
}

/** Userspace P2P: mmap of p2pmem/allocate and O_DIRECT to namespaces, incl. the map-type cache. */
export function p2pioScenario(): Scenario {
  const ns = (bdf: string): string => `{{ns ${bdf} 1}}`;
  const io = (provider: string, device: string, mode: "write" | "read" | "roundtrip", note: string, length = 65536): ScenarioStep => ({
    op: "p2pio",
    provider,
    length,
    mode,
    device,
    offset: 1 << 20,
    note,
  });
  return {
    name: "p2pio",
    steps: [
      { op: "p2pio", provider: SWITCH_CMB_A, length: 1 << 20, mode: "map", note: "MAP_SHARED 1 MiB" },
      { op: "p2pio", provider: SWITCH_CMB_A, length: 1 << 20, mode: "private", note: "MAP_PRIVATE" },
      { op: "p2pio", provider: SWITCH_CMB_A, length: 128 << 20, mode: "map", note: "larger than the pool" },
      { op: "p2pio", provider: SWITCH_CMB_A, length: 64 << 20, mode: "map", note: "the pool's full size (SQ already in it)" },
      { op: "p2pio", provider: SWITCH_NO_CMB, length: 4096, mode: "map", note: "a function without p2pmem" },
      io(SWITCH_CMB_A, ns(SWITCH_NO_CMB), "roundtrip", "within the switch"),
      io(SWITCH_CMB_A, ns(SWITCH_CMB_B), "write", "within the switch, to another CMB device"),
      io(SWITCH_CMB_A, ns(SWITCH_CMB_A), "roundtrip", "provider's own namespace"),
      io(RP2_CMB, ns(SWITCH_NO_CMB), "write", "across root ports"),
      io(SWITCH_CMB_A, ns(RP2_CMB), "read", "across root ports, read"),
      shell("truncate -s 64M /tmp/backing.img && losetup /dev/loop0 /tmp/backing.img && echo ok", "loop device"),
      io(SWITCH_CMB_A, "/dev/loop0", "write", "to a loop device (queue without P2P)"),
      io(MF_CMB, ns(MF_NO_CMB), "roundtrip", "two functions of one device, no ACS redirect"),
      setAcsCtl("0000:00:03.0", ACS_CTRL_RR, ACS_CTRL_RR, "ACS RR on after the first mapping"),
      io(MF_CMB, ns(MF_NO_CMB), "roundtrip", "same pair: cached map type"),
      ...nvmetNamespace("recompute", 1, ns(MF_NO_CMB)),
      ...p2pmemWrite("recompute", 1, `${MF_CMB}\n`),
      nsEnable("recompute", 1, true, "nvmet enable recomputes the pair's map type"),
      nsEnable("recompute", 1, false),
      io(MF_CMB, ns(MF_NO_CMB), "roundtrip", "same pair after the recomputation"),
      setAcsCtl("0000:00:03.0", 0, ACS_CTRL_RR, "ACS RR off"),
      io(MF_CMB, ns(MF_NO_CMB), "roundtrip", "RR off, still the cached type"),
    ],
  };
}

/** Every golden: file name, machine and scenario. */
export function goldenRuns(): { name: string; machine: QemuMachineSpec; scenario: Scenario }[] {
  return [
    { name: "seed-sysfs", machine: seedMachine("EPYC"), scenario: seedSysfsScenario() },
    { name: "cmb-sizes", machine: cmbSizesMachine(), scenario: cmbSizesScenario() },
    { name: "nvmet-p2pmem-writes", machine: seedMachine("EPYC"), scenario: p2pmemWritesScenario() },
    { name: "nvmet-enable-epyc", machine: seedMultifunctionMachine("EPYC"), scenario: enableScenario() },
    { name: "nvmet-enable-qemu64", machine: seedMultifunctionMachine("qemu64"), scenario: enableScenario() },
    { name: "p2pio-epyc", machine: seedMultifunctionMachine("EPYC"), scenario: p2pioScenario() },
    { name: "p2pio-qemu64", machine: seedMultifunctionMachine("qemu64"), scenario: p2pioScenario() },
  ];
}
