import { defineConfig, mergeConfig } from "vitest/config";
import { sharedConfig } from "./vitest.shared";

// Repository-level checks (layering, README contract) that span packages.
export default mergeConfig(sharedConfig, defineConfig({ test: { include: ["tests/**/*.test.ts"] } }));
