import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "./vitest.shared";

// `pnpm test:kernel`: boots the real kernel (../shared/kernel) under QEMU for the scenarios of
// apps/cli/test/kernel and checks the runner, the QEMU export and the golden records. Without
// QEMU, busybox or the kernel image the booting tests say so in one line and are skipped.
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ["apps/cli/test/kernel/**/*.test.ts"],
      env: { P2PDMA_KERNEL_TESTS: "1" },
      testTimeout: 600_000,
      hookTimeout: 600_000,
      fileParallelism: false,
    },
  }),
);
