// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.tsbuild/**", "**/.turbo/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      // Another package's internals are not an API: import "@p2pdma/x", never "@p2pdma/x/src/...".
      "no-restricted-imports": ["error", { patterns: ["@p2pdma/*/*", "../../packages/*", "../../../packages/*"] }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  { files: ["apps/**/*.ts", "scripts/**/*.ts", "**/bench/**/*.ts"], rules: { "no-console": "off" } },
  { files: ["**/vitest.config.ts", "vitest.*.ts"], rules: { "no-restricted-imports": "off" } },
);
