/** The readable `p2pdma run` report: the runs side by side, one screen. */
import type { RunReport } from "./compose";

function mib(n: number): string {
  return n === 0 ? "0" : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** Renders the runs as columns. */
export function renderRuns(runs: readonly RunReport[]): string {
  const col = (r: RunReport) => [
    `P2P ${r.p2p ? "on" : "off"} (kernel ${r.kernel}, seed ${r.seed})`,
    `payload            ${mib(r.payloadBytes)}`,
    `target DRAM        ${mib(r.dramPayloadBytes)}`,
    `switch upstream    ${r.upstreamLink ? mib(sumLink(r, r.upstreamLink)) : "n/a"}`,
    `write              ${r.throughputGBps.write.toFixed(2)} GB/s, ${(r.write.meanLatencyNs / 1000).toFixed(1)} us mean`,
    `read               ${r.throughputGBps.read.toFixed(2)} GB/s, ${(r.read.meanLatencyNs / 1000).toFixed(1)} us mean`,
    `verified           ${r.verified ? "yes" : "NO"}`,
    ...r.namespaces.map((n) => `nsid ${n.nsid} ${n.device.padEnd(12)} ${n.error ? "disabled" : `-> ${n.provider ?? "system memory"}`}`),
    ...r.verdicts.map((v) => `verdict ${v.provider.padEnd(12)} ${v.mapType ?? "depends on unknown facts"}`),
    ...(r.fallbacks.length ? r.fallbacks.map((f) => `fallback nsid ${f.nsid ?? "-"}: ${f.reason} x${f.count}`) : ["fallbacks          none"]),
  ];
  const cols = runs.map(col);
  const width = Math.max(...cols.flat().map((l) => l.length)) + 3;
  const rows = Math.max(...cols.map((c) => c.length));
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(cols.map((c) => (c[i] ?? "").padEnd(width)).join("").trimEnd());
  const errs = runs.flatMap((r) => r.namespaces.filter((n) => n.error).map((n) => `P2P ${r.p2p ? "on" : "off"} nsid ${n.nsid}: ${n.error}`));
  const why = [...new Set(runs.flatMap((r) => r.verdicts.flatMap((v) => v.why)))];
  return [...lines, ...errs, ...why.map((w) => `why: ${w}`), ""].join("\n");
}

function sumLink(r: RunReport, link: string): number {
  const l = r.links.find((x) => x.link === link);
  return l ? l.up + l.down : 0;
}
