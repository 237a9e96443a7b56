/** Where the pciutils test dumps live (vendored in test/fixtures/pciutils; overridable). */
import { resolve } from "node:path";

export const PCIUTILS_FIXTURES_DIR: string = process.env["PCIUTILS_FIXTURES"] || resolve(__dirname, "../fixtures/pciutils");
