/**
 * The host driver's CMB handling (spec 5.2 / 5.5 / 11.4, checked in 6.12.117 pci.c):
 * `nvme_map_cmb` per kernel mode, the `cmb` (and 6.12 `cmbloc`/`cmbsz`) attributes of the
 * controller device, `nvme_release_cmb` (4.20) and the I/O queue depth shrink of
 * `nvme_cmb_qdepth` (spec 5.3).
 */
import type { LogLine, PciFunction } from "@p2pdma/pci-core";
import { devLog, resourceSize } from "@p2pdma/pci-core";
import { CAP, CMBLOC, CMBMSC_BITS, CMBSZ, CMBSZ_BITS, NVME_REG, getField, getField64 } from "@p2pdma/nvme-spec";
import type { NvmeEnv } from "./env";
import type { Bar0 } from "./mmio";
import type { NvmeQuirks } from "./quirks";
import type { KDevice } from "@p2pdma/pci-core";

/** What `nvme_map_cmb` leaves in `struct nvme_dev`. */
export interface CmbState {
  cmbsz: number;
  cmbloc: number;
  /** Registered bytes (0: no CMB in use). */
  cmbSize: bigint;
  cmbUseSqes: boolean;
  /** Whether the attributes are visible / present. */
  attrs: boolean;
  /** Spec 11.4: a quirk BAR registered in place of a CMB. */
  pseudoBar: number | null;
  /** Whether the P2P memory was published. */
  published: boolean;
}

export function emptyCmbState(): CmbState {
  return { cmbsz: 0, cmbloc: 0, cmbSize: 0n, cmbUseSqes: false, attrs: false, pseudoBar: null, published: false };
}

/** `nvme_cmb_size_unit`: 4 KiB x 16^SZU. */
export function cmbSizeUnitOf(cmbsz: number): bigint {
  return 1n << BigInt(12 + 4 * getField(cmbsz, CMBSZ.SZU));
}

interface MapCmbCtx {
  readonly env: NvmeEnv;
  readonly pdev: PciFunction;
  readonly ctrlDevice: KDevice;
  readonly bar: Bar0;
  readonly cap: bigint;
  readonly cmb: CmbState;
  readonly quirks: NvmeQuirks;
}

function warn(ctx: MapCmbCtx, text: string): void {
  const line: LogLine = devLog(ctx.ctrlDevice, "warn", text);
  ctx.env.system.log.append(line);
}

/** Models `nvme_map_cmb(dev)` of the configured kernel mode. */
export function nvmeMapCmb(ctx: MapCmbCtx): void {
  const { env, pdev, bar, cmb } = ctx;
  if (cmb.cmbSize !== 0n) return;
  const is612 = env.mode === "6.12";
  const cmbs = getField64(ctx.cap, CAP.CMBS) === 1;
  if (is612 && cmbs) bar.writel(NVME_REG.CMBMSC, Number(CMBMSC_BITS.CRE));
  cmb.cmbsz = bar.readl(NVME_REG.CMBSZ);
  if (cmb.cmbsz === 0) {
    mapPseudoCmb(ctx);
    return;
  }
  cmb.cmbloc = bar.readl(NVME_REG.CMBLOC);
  const unit = cmbSizeUnitOf(cmb.cmbsz);
  let size = unit * BigInt(getField(cmb.cmbsz, CMBSZ.SZ));
  const offset = unit * BigInt(getField(cmb.cmbloc, CMBLOC.OFST));
  const bir = getField(cmb.cmbloc, CMBLOC.BIR);
  const res = pdev.resources[bir];
  const barSize = res ? resourceSize(res) : 0n;
  if (offset > barSize) return;
  if (size > barSize - offset) size = barSize - offset;
  if (is612) {
    const align = env.params.memremapCompatAlign;
    const start = res ? res.start : 0n;
    if (size % align !== 0n || start % align !== 0n) return;
    if (cmbs && res) {
      const busAddr = pdev.bus.hostBridge.cpuToBus(res.start) + offset;
      bar.writeq(NVME_REG.CMBMSC, CMBMSC_BITS.CRE | CMBMSC_BITS.CMSE | busAddr);
    }
  }
  if (env.p2p.addResource(pdev, bir, size, offset, { kernel: env.mode }) !== 0) {
    warn(ctx, "failed to register the CMB");
    if (is612) bar.writeq(NVME_REG.CMBMSC, 0n);
    return;
  }
  cmb.cmbSize = size;
  cmb.cmbUseSqes = env.params.useCmbSqes && (cmb.cmbsz & CMBSZ_BITS.SQS) !== 0;
  if ((cmb.cmbsz & (CMBSZ_BITS.WDS | CMBSZ_BITS.RDS)) === (CMBSZ_BITS.WDS | CMBSZ_BITS.RDS)) {
    env.p2p.publish(pdev, true, { kernel: env.mode });
    cmb.published = true;
  }
  cmb.attrs = true;
}

/** Spec 11.4: the quirk's whole BAR as P2P memory, published, never for SQs. */
function mapPseudoCmb(ctx: MapCmbCtx): void {
  const { env, pdev, cmb, quirks } = ctx;
  const barNo = quirks.pseudoCmbBar;
  if (barNo === undefined) return;
  const res = pdev.resources[barNo];
  if (!res || resourceSize(res) === 0n) return;
  if (env.p2p.addResource(pdev, barNo, 0, 0, { kernel: env.mode }) !== 0) {
    warn(ctx, "failed to register the CMB");
    return;
  }
  cmb.cmbSize = resourceSize(res);
  cmb.cmbUseSqes = false;
  cmb.pseudoBar = barNo;
  env.p2p.publish(pdev, true, { kernel: env.mode });
  cmb.published = true;
  cmb.attrs = true;
}

function hex8(v: number): string {
  return (v >>> 0).toString(16).padStart(8, "0");
}

/** The `cmb` attribute text (`nvme_cmb_show`), with the pseudo-CMB line of spec 11.4. */
export function cmbAttrText(cmb: CmbState): string {
  const base = `cmbloc : x${hex8(cmb.cmbloc)}\ncmbsz  : x${hex8(cmb.cmbsz)}\n`;
  return cmb.pseudoBar === null ? base : `${base}pseudo : BAR ${cmb.pseudoBar}, ${cmb.cmbSize} bytes\n`;
}

/** Adds the attributes to `/sys/class/nvme/<ctrl>/` (4.20: `cmb`; 6.12: `cmb`, `cmbloc`, `cmbsz`). */
export function addCmbAttrs(env: NvmeEnv, dir: string, cmb: CmbState): void {
  if (!cmb.attrs) return;
  const fs = env.system.sysfs;
  fs.addAttribute(dir, { name: "cmb", mode: 0o444, show: () => cmbAttrText(cmb) });
  if (env.mode === "6.12") {
    fs.addAttribute(dir, { name: "cmbloc", mode: 0o444, show: () => `${cmb.cmbloc >>> 0}\n` });
    fs.addAttribute(dir, { name: "cmbsz", mode: 0o444, show: () => `${cmb.cmbsz >>> 0}\n` });
  }
}

/** Models 4.20 `nvme_release_cmb`: the attribute goes, `cmb_size` becomes 0 (the resource stays). */
export function releaseCmb(env: NvmeEnv, dir: string, cmb: CmbState): void {
  if (cmb.cmbSize === 0n) return;
  env.system.sysfs.remove(`${dir}/cmb`);
  cmb.cmbSize = 0n;
  cmb.attrs = false;
}

/**
 * Models `nvme_cmb_qdepth(dev, nr_io_queues, entry_size)`: the I/O queue depth to use with SQs
 * in a CMB of `cmbSize` bytes, or -1 (-ENOMEM) when the shrunk depth would be below 64.
 */
export function cmbQdepth(qDepth: number, nrIoQueues: number, entrySize: number, cmbSize: bigint, ctrlPageSize = 4096): number {
  const page = BigInt(ctrlPageSize);
  const aligned = ((BigInt(qDepth * entrySize) + page - 1n) / page) * page;
  if (aligned * BigInt(nrIoQueues) > cmbSize) {
    let perQ = cmbSize / BigInt(nrIoQueues);
    perQ -= perQ % page;
    const d = Number(perQ / BigInt(entrySize));
    if (d < 64) return -1;
    return d;
  }
  return qDepth;
}
