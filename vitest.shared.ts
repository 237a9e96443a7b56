import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/** Source-first resolution: workspace packages resolve to src/ through this condition. */
export const SOURCE_CONDITION = "@p2pdma/source";

export const sharedConfig = defineConfig({
  resolve: { conditions: [SOURCE_CONDITION] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
  test: {
    include: ["test/**/*.test.ts"],
    pool: "threads",
    testTimeout: 20_000,
  },
});
