export { main, buildProgram } from "./program";
export type { CliIo } from "./io";
export { CliError } from "./io";
