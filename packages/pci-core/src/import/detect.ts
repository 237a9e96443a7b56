/**
 * Capture format detection by content (never by file name) and the dispatcher that imports a
 * capture with the matching parser. Project topology files (YAML/JSON) are detected but parsed
 * elsewhere.
 */
import type { CaptureFormat, MachineFacts } from "./facts";
import { CaptureParseError } from "./facts";
import { importHwlocXml } from "./hwloc";
import { importLspciHex, isHexLine, DEVICE_LINE } from "./lspci-hex";
import { importLspciTree } from "./lspci-tree";
import { importLspciVerbose } from "./lspci-verbose";
import { importSysfsTree } from "./sysfs";
import { isGzip, isTar, gunzip, readTar } from "./tar";

/** What each detected format is, for the error listing accepted inputs. */
export const ACCEPTED_FORMATS: readonly string[] = [
  "project topology file (YAML or JSON)",
  "lspci -tv / -tvnn output",
  "lspci -vvv / -vvvnn output (with or without -D, optionally with -xxx hex)",
  "lspci -xxx / -xxxx hex dump",
  "sysfs snapshot of /sys/bus/pci/devices as a directory or .tar/.tar.gz",
  "hwloc XML (lstopo --of xml)",
];

/**
 * Decides the format of a capture from its bytes: gzip and tar magic, XML prolog or
 * `<topology`, tree glyphs, hex dump lines, verbose header lines, YAML/JSON topology documents.
 * A directory is detected by the caller ("sysfs-dir"). Throws {@link CaptureParseError} listing
 * the accepted formats when nothing matches.
 */
export function detectFormat(name: string, data: Uint8Array | string): CaptureFormat {
  if (typeof data !== "string") {
    if (isGzip(data)) {
      const inner = gunzip(name, data);
      if (isTar(inner)) return "sysfs-tar";
      throw new CaptureParseError(name, "gzip stream", "a gzip file that does not hold a tar archive");
    }
    if (isTar(data)) return "sysfs-tar";
  }
  const text = typeof data === "string" ? data : new TextDecoder("utf-8").decode(data.subarray(0, Math.min(data.length, 1 << 20)));
  const body = text.replace(/^\uFEFF/, "");
  const trimmed = body.trimStart();
  if (trimmed.startsWith("<?xml") || trimmed.startsWith("<topology") || trimmed.startsWith("<!DOCTYPE topology")) return "hwloc-xml";
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    if (!/^\[[0-9a-f]{4}:/.test(trimmed)) return "topology-json";
  }
  const lines = body.split("\n", 20000).map((l) => l.replace(/\r$/, ""));
  const first = lines.find((l) => l.trim() !== "");
  if (first !== undefined && /^\s*(-(\+-)?|[+\\]-)\[[0-9a-f]{4,8}:[0-9a-f]{2}\]-/.test(first)) return "lspci-tree";
  let headers = 0;
  let hex = 0;
  let indented = 0;
  for (const l of lines) {
    if (l.trim() === "") continue;
    if (isHexLine(l)) hex++;
    else if (DEVICE_LINE.test(l)) headers++;
    else if (/^\s+\S/.test(l)) indented++;
  }
  if (headers > 0 && indented > 0) return "lspci-verbose";
  if (headers > 0 && hex > 0) return "lspci-hex";
  if (headers > 0) return "lspci-verbose";
  // YAML documents may open with comment lines before the first key or `---`.
  const firstContent = lines.find((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
  if (firstContent !== undefined && /^(---\s*$|[A-Za-z_][\w-]*:(\s|$))/.test(firstContent)) return "topology-yaml";
  throw new CaptureParseError(
    name,
    "line 1",
    `unrecognised capture format; accepted: ${ACCEPTED_FORMATS.join("; ")}`,
  );
}

/**
 * Imports one capture (file contents) with the parser its content calls for. Topology files
 * are not captures: they throw {@link CaptureParseError} telling the caller to use the
 * topology loader. Directories are read by `importSysfsDir`.
 */
export function importCapture(name: string, data: Uint8Array | string): MachineFacts {
  const format = detectFormat(name, data);
  const text = (): string => (typeof data === "string" ? data : new TextDecoder("utf-8").decode(data));
  switch (format) {
    case "sysfs-tar":
      return importSysfsTree(name, readTar(name, typeof data === "string" ? new TextEncoder().encode(data) : data), "sysfs-tar");
    case "hwloc-xml":
      return importHwlocXml(name, text());
    case "lspci-tree":
      return importLspciTree(name, text());
    case "lspci-verbose":
      return importLspciVerbose(name, text());
    case "lspci-hex":
      return importLspciHex(name, text());
    default:
      throw new CaptureParseError(name, "line 1", `a ${format} document is a topology file, not a capture; load it with the topology loader`);
  }
}
