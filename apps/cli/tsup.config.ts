import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/bin.ts", "src/index.ts"],
  format: ["esm"],
  dts: { entry: "src/index.ts", compilerOptions: { composite: false, customConditions: [] } },
  clean: true,
  target: "node20",
  banner: { js: "" },
});
