/**
 * The model side of `p2pdma kernel run` and the differential suite: the QEMU machine as a model
 * topology, the layers seam, and the scenario runner.
 */
export type { MachineTopologyOptions } from "./topology";
export { topologyOfMachine, nvmeModelSpec, Q35_HOST_FUNCTION, ICH9_FUNCTIONS, QEMU_ROOT_PORT, QEMU_X3130, QEMU_NVME } from "./topology";
export type { ModelDisk, ModelLayers, ModelMachine, ModelNvmeController } from "./layers";
export { defaultLayers } from "./layers";
export type { ModelRecord, RunModelOptions, StepGap } from "./runner";
export { runModel, dmesgLines } from "./runner";
