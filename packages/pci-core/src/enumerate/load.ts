/**
 * `--topology` for the project's own format: parse (YAML or JSON), validate and build, with
 * every failure reported as a {@link TopologySpecError} naming the file and place.
 */
import type { BuildOptions, BuiltTopology } from "./build";
import { ConfigBuildError } from "../capabilities/errors";
import { TopologyError } from "../system";
import { TopologySpecError } from "../topology/errors";
import { parseTopology } from "../topology/parse";
import { buildSystem } from "./build";

/**
 * Parses, validates and builds a topology file. `sourceName` is used in error messages
 * (`file.yaml:12:7: hostBridges[0]...: problem`). Throws only {@link TopologySpecError}.
 */
export function loadTopologyFile(text: string, sourceName: string, options: BuildOptions = {}): BuiltTopology {
  const spec = parseTopology(text, sourceName);
  try {
    return buildSystem(spec, options);
  } catch (e) {
    if (e instanceof TopologySpecError) throw e;
    // The system or the config builder refusing what validation let through is still the
    // file's fault; any other error is a broken invariant and propagates.
    if (e instanceof TopologyError || e instanceof ConfigBuildError) {
      throw new TopologySpecError(sourceName, null, "", `cannot build this topology: ${e.message}`);
    }
    throw e;
  }
}
