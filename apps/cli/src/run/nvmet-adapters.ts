/** nvmet's adapters as the app uses them (scratch: until nvmet's index exports them). */
export { P2pdmaAdapter } from "../../../../packages/nvmet/src/adapters/index";
