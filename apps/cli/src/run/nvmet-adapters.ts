/** nvmet's adapters as the app uses them (needs `export * from "./adapters/index";` in nvmet's index.ts). */
export { P2pdmaAdapter } from "@p2pdma/nvmet";
