/**
 * Text helpers shared by the text importers: one split into lines (linear time), and the
 * error constructor that names a line and column the way {@link CaptureParseError} expects.
 */
import { CaptureParseError } from "./facts";

/** A capture as lines without their terminators (`\n` or `\r\n`); a final empty line is dropped. */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** Builds the error for a malformed capture at a 0-based line index (and optional 0-based column). */
export function lineError(source: string, index: number, problem: string, column?: number): CaptureParseError {
  const where = column === undefined ? `line ${index + 1}` : `line ${index + 1}, column ${column + 1}`;
  return new CaptureParseError(source, where, problem);
}
