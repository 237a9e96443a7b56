/** Prints {@link benchDevice} as JSON (`node --conditions=@p2pdma/source --import tsx bench/run-device.ts`). */
import { benchDevice } from "./device";

void benchDevice().then((r) => console.log(JSON.stringify(r, null, 1)));
