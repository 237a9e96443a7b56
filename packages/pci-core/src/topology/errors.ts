/**
 * Errors of topology files: one typed error that names the file, the line and column, the
 * path inside the document (`hostBridges[0].children[1].bars[0].size`) and what is wrong.
 * Positions of parsed spec objects are remembered here so that checks running after parsing
 * (validation, enumeration) can still point at the offending place.
 */

/** A 1-based line and column in a topology file. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

/** Where a spec object and each of its keys' values came from. */
export interface SpecOrigin {
  readonly source: string;
  readonly at: SourcePos;
  /** Position of each key's value (for a bad value) in the object. */
  readonly keys: ReadonlyMap<string, SourcePos>;
}

const origins = new WeakMap<object, SpecOrigin>();

/** Records where a spec object came from (called by the parser). */
export function rememberOrigin(obj: object, origin: SpecOrigin): void {
  origins.set(obj, origin);
}

/** Where a spec object came from, if it was parsed from a file. */
export function originOf(obj: object): SpecOrigin | undefined {
  return origins.get(obj);
}

/**
 * A topology that cannot be loaded: malformed YAML/JSON, a wrong type, an unknown key, a value
 * out of range, or a machine firmware could not enumerate (bus numbers or address space
 * exhausted). A bad *input*, never a broken invariant.
 */
export class TopologySpecError extends Error {
  readonly code = "ETOPOLOGY_SPEC";
  constructor(
    /** File name as given to the loader (`<spec>` for specs built in code). */
    readonly source: string,
    readonly pos: SourcePos | null,
    /** Path inside the document, empty for a document-level problem. */
    readonly path: string,
    readonly problem: string,
  ) {
    const where = pos ? `${source}:${pos.line}:${pos.column}` : source;
    super(path ? `${where}: ${path}: ${problem}` : `${where}: ${problem}`);
    this.name = "TopologySpecError";
  }
}

/** Source name used for specs that were not parsed from a file. */
export const CODE_SOURCE = "<spec>";

/**
 * Builds the error for `obj` (a spec object) at `path`, pointing at the value of `key` when
 * the object was parsed from a file.
 */
export function specError(obj: object, key: string | null, path: string, problem: string): TopologySpecError {
  const o = originOf(obj);
  if (!o) return new TopologySpecError(CODE_SOURCE, null, path, problem);
  const pos = (key !== null ? o.keys.get(key) : undefined) ?? o.at;
  return new TopologySpecError(o.source, pos, path, problem);
}
