/**
 * Get / Set Features (NVMe 1.4 §5.9, §5.21.1): the feature state of a controller and the
 * table of supported Feature Identifiers. Saving is not supported (ONCS bit 4 = 0): SV = 1 is
 * Feature Identifier Not Saveable and SEL other than current/default is Invalid Field. Any
 * FID outside the table is Invalid Field in Command.
 */
import {
  FEATURES_CMD,
  FEATURES_SEL,
  FEAT_NUM_QUEUES,
  FID,
  SC_CMD_SPECIFIC,
  SC_GENERIC,
  getField,
  setField,
} from "@p2pdma/nvme-spec";
import type { Command, Outcome } from "./command";
import type { NvmeController } from "./controller";
import type { ControllerOptions } from "./options";
import { generic, ok, specific } from "./command";

/** Current values of the features the model implements. */
export class FeatureState {
  arbitration = 0;
  powerState = 0;
  temperatureThreshold = 0x0157; // 343 K
  errorRecovery = 0;
  writeCacheEnabled: boolean;
  /** Allocated I/O SQs / CQs (1-based counts) once Number of Queues was set, else null. */
  queuesAllocated: { nsq: number; ncq: number } | null = null;
  interruptCoalescing = 0;
  readonly vectorConfig = new Map<number, number>();
  writeAtomicity = 0;
  asyncEventConfig = 0;

  constructor(private readonly o: ControllerOptions) {
    this.writeCacheEnabled = o.volatileWriteCache && o.writeCacheEnabled;
  }

  /** Default values (controller level reset). */
  reset(): void {
    this.arbitration = 0;
    this.powerState = 0;
    this.temperatureThreshold = 0x0157;
    this.errorRecovery = 0;
    this.writeCacheEnabled = this.o.volatileWriteCache && this.o.writeCacheEnabled;
    this.queuesAllocated = null;
    this.interruptCoalescing = 0;
    this.vectorConfig.clear();
    this.writeAtomicity = 0;
    this.asyncEventConfig = 0;
  }

  /** I/O SQs the host may create. */
  get maxSq(): number {
    return this.queuesAllocated?.nsq ?? this.o.maxIoQueues;
  }
  /** I/O CQs the host may create. */
  get maxCq(): number {
    return this.queuesAllocated?.ncq ?? this.o.maxIoQueues;
  }
}

interface FeatureDef {
  get(c: NvmeController, sel: number, cmd: Command): Outcome;
  set(c: NvmeController, cmd: Command): Outcome;
}

function simple(read: (f: FeatureState) => number, write: (f: FeatureState, v: number) => void, dflt: number): FeatureDef {
  return {
    get: (c, sel) => ok("admin", 0, sel === FEATURES_SEL.DEFAULT ? dflt : read(c.features)),
    set: (c, cmd) => {
      write(c.features, cmd.cdw(11));
      return ok();
    },
  };
}

/** Supported features, indexed by FID (NVMe 1.4 Figure 271). */
export const FEATURES: Readonly<Partial<Record<number, FeatureDef>>> = {
  [FID.ARBITRATION]: simple((f) => f.arbitration, (f, v) => (f.arbitration = v & 0xffffff07), 0),
  [FID.POWER_MANAGEMENT]: {
    get: (c) => ok("admin", 0, c.features.powerState),
    set: (c, cmd) => {
      const ps = cmd.cdw(11) & 0x1f;
      if (ps !== 0) return generic(SC_GENERIC.INVALID_FIELD); // NPSS = 0: power state 0 only
      c.features.powerState = cmd.cdw(11) & 0xff;
      return ok();
    },
  },
  [FID.TEMPERATURE_THRESHOLD]: simple((f) => f.temperatureThreshold, (f, v) => (f.temperatureThreshold = v & 0x3fffff), 0x0157),
  [FID.ERROR_RECOVERY]: simple((f) => f.errorRecovery, (f, v) => (f.errorRecovery = v & 0x1ffff), 0),
  [FID.VOLATILE_WRITE_CACHE]: {
    get: (c, sel) => ok("admin", 0, sel === FEATURES_SEL.DEFAULT ? Number(c.options.writeCacheEnabled) : Number(c.features.writeCacheEnabled)),
    set: (c, cmd) => {
      if (!c.options.volatileWriteCache) return generic(SC_GENERIC.INVALID_FIELD);
      const wce = (cmd.cdw(11) & 1) === 1;
      c.features.writeCacheEnabled = wce;
      for (const ns of c.namespaces.values()) {
        if (!wce) ns.media.flush();
        ns.media.cacheEnabled = wce;
      }
      return ok();
    },
  },
  [FID.NUMBER_OF_QUEUES]: {
    get: (c) => {
      const a = c.features.queuesAllocated ?? { nsq: c.options.maxIoQueues, ncq: c.options.maxIoQueues };
      return ok("admin", 0, setField(setField(0, FEAT_NUM_QUEUES.NSQ, a.nsq - 1), FEAT_NUM_QUEUES.NCQ, a.ncq - 1));
    },
    set: (c, cmd) => {
      const v = cmd.cdw(11);
      const nsqr = getField(v, FEAT_NUM_QUEUES.NSQ);
      const ncqr = getField(v, FEAT_NUM_QUEUES.NCQ);
      if (nsqr === FEAT_NUM_QUEUES.INVALID || ncqr === FEAT_NUM_QUEUES.INVALID) return generic(SC_GENERIC.INVALID_FIELD);
      if (c.sqs.size > 1 || c.cqs.size > 1) return generic(SC_GENERIC.COMMAND_SEQUENCE_ERROR);
      const max = c.options.maxIoQueues;
      const a = c.features.queuesAllocated ?? { nsq: Math.min(nsqr + 1, max), ncq: Math.min(ncqr + 1, max) };
      c.features.queuesAllocated = a;
      return ok("admin", 0, setField(setField(0, FEAT_NUM_QUEUES.NSQ, a.nsq - 1), FEAT_NUM_QUEUES.NCQ, a.ncq - 1));
    },
  },
  [FID.INTERRUPT_COALESCING]: simple((f) => f.interruptCoalescing, (f, v) => (f.interruptCoalescing = v & 0xffff), 0),
  [FID.INTERRUPT_VECTOR_CONFIG]: {
    get: (c, _sel, cmd) => {
      const iv = cmd.cdw(11) & 0xffff;
      return ok("admin", 0, c.features.vectorConfig.get(iv) ?? iv);
    },
    set: (c, cmd) => {
      const v = cmd.cdw(11);
      c.features.vectorConfig.set(v & 0xffff, v & 0x1ffff);
      return ok();
    },
  },
  [FID.WRITE_ATOMICITY_NORMAL]: simple((f) => f.writeAtomicity, (f, v) => (f.writeAtomicity = v & 1), 0),
  [FID.ASYNC_EVENT_CONFIG]: simple((f) => f.asyncEventConfig, (f, v) => (f.asyncEventConfig = v & 0xfff), 0),
};

/** Get Features (NVMe 1.4 §5.9). */
export function getFeatures(c: NvmeController, cmd: Command): Outcome {
  const dw10 = cmd.cdw(10);
  const fid = getField(dw10, FEATURES_CMD.FID);
  const sel = getField(dw10, FEATURES_CMD.SEL);
  const def = FEATURES[fid];
  if (!def) return generic(SC_GENERIC.INVALID_FIELD);
  if (sel !== FEATURES_SEL.CURRENT && sel !== FEATURES_SEL.DEFAULT) return generic(SC_GENERIC.INVALID_FIELD);
  return def.get(c, sel, cmd);
}

/** Set Features (NVMe 1.4 §5.21). */
export function setFeatures(c: NvmeController, cmd: Command): Outcome {
  const dw10 = cmd.cdw(10);
  const fid = getField(dw10, FEATURES_CMD.FID);
  const def = FEATURES[fid];
  if (!def) return generic(SC_GENERIC.INVALID_FIELD);
  if (getField(dw10, FEATURES_CMD.SV) === 1) return specific(SC_CMD_SPECIFIC.FEATURE_ID_NOT_SAVEABLE);
  return def.set(c, cmd);
}
