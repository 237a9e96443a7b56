/**
 * The real lspci (pciutils 3.9, Debian package `pciutils`) as the oracle of the exporters:
 * fixture location, the lspci runner, and the one normaliser that removes from two lspci
 * outputs of the same machine what a config dump cannot know.
 */
import { execFileSync } from "node:child_process";
import { PCIUTILS_FIXTURES_DIR } from "../helpers/fixtures";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** pciutils' own test dumps (vendored, see test/fixtures/pciutils/ORIGIN.md). */
export const FIXTURES_DIR = PCIUTILS_FIXTURES_DIR;

export const HAVE_FIXTURES = existsSync(FIXTURES_DIR);

/** Names of the fixture dumps (empty when the directory is missing). */
export function fixtureNames(): string[] {
  return HAVE_FIXTURES ? readdirSync(FIXTURES_DIR).filter((f) => f !== "README.md" && !f.startsWith(".")).sort() : [];
}

export function fixturePath(name: string): string {
  return join(FIXTURES_DIR, name);
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), "utf8");
}

/** The hex part of an `lspci -vvvxxxx` capture: header lines and hex lines only. */
export function hexPart(text: string): string {
  return text
    .split("\n")
    .filter((l) => /^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] /.test(l) || /^[0-9a-f]{2,3}: /.test(l))
    .join("\n");
}

/** Runs the installed lspci; throws with its stderr when it fails; null when it is missing. */
export function lspci(args: readonly string[]): string | null {
  try {
    return execFileSync("lspci", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    const stderr = (e as { stderr?: string }).stderr ?? "";
    throw new Error(`lspci ${args.join(" ")} failed: ${stderr}`);
  }
}

export const HAVE_LSPCI = lspci(["--version"]) !== null;

/** The name every skipped oracle test carries when lspci is missing. */
export const LSPCI_MISSING = "lspci not found: conformance tests skipped (apt-get install pciutils)";

/** lspci reading a dump file. */
export function lspciDump(file: string, args: readonly string[]): string {
  return lspci(["-F", file, ...args])!;
}

/** lspci reading an exported sysfs tree through its linux-sysfs backend. */
export function lspciSysfs(root: string, args: readonly string[]): string {
  return lspci(["-A", "linux-sysfs", "-O", `sysfs.path=${root}/bus/pci`, ...args])!;
}

/** A fresh empty temp directory and its cleanup. */
export function tempDir(prefix = "p2pdma-conf-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const WINDOW = /^(\t(?:I\/O|Memory|Prefetchable memory) behind bridge:) ([0-9a-f]+)-([0-9a-f]+)((?: \[disabled\])?)(?: \[\d+-bit\])?$/;

/**
 * Normalises `lspci -vvv` text of one machine read through either backend, removing exactly
 * what a config dump cannot know or what lspci 3.9's two backends print differently for the
 * same registers:
 *
 * 1. ` [size=...]`: sizes come from the kernel's resources; a dump has none.
 * 2. `Kernel driver in use:`, `Kernel modules:`, `IOMMU group:`, `NUMA node:` lines: kernel
 *    state (driver link, modalias, iommu_group link, numa_node attribute).
 * 3. `Interrupt: pin ? routed to IRQ N`: the dump backend prints Interrupt Line even without a
 *    pin; the kernel's irq is 0 then (`pci_read_irq`, drivers/pci/probe.c), so sysfs has none.
 * 4. A `Region k:` line right after a 64-bit `Region k-1:`: the dump backend re-reads the upper
 *    dword of a 64-bit BAR as a BAR of its own (lspci.c `show_bases` without PCI_FILL_IO_FLAGS);
 *    the kernel's resource k is empty.
 * 5. `at <ignored>` -> `at <unassigned>`: only the sysfs backend sees the raw BAR next to the
 *    kernel's address-less resource (`hw_lower`); the dump backend never prints `<ignored>`.
 * 6. Bridge windows: the sysfs backend takes the window's 16/32/64-bit type from the low bits of
 *    the resource's start address, which are zero (lspci.c `show_htype1`), so it prints
 *    `[16-bit]`/`[32-bit]` and short hex widths; base and limit are compared as numbers.
 * 7. Regions and ROMs marked `[virtual]`: resources the kernel holds while the function's own
 *    BAR reads 0 (an SR-IOV VF's, from its PF's VF BARs, PCIe SR-IOV §3.3.14); a dump shows
 *    only the zero BAR. With them goes that function's `AtomicOpsCap:` line, which lspci
 *    prints for endpoints only when they have a memory BAR (ls-caps.c
 *    `device_has_memory_space_bar`).
 */
export function normaliseVerbose(text: string): string {
  return text
    .split(/\n(?=\S)/)
    .map((block) => (/^\t(Region \d+:|Expansion ROM at) .*\[virtual\]/m.test(block) ? dropVirtual(block) : block))
    .map(normaliseBlock)
    .join("\n");
}

function dropVirtual(block: string): string {
  return block
    .split("\n")
    .filter((l) => !/^\t(Region \d+:|Expansion ROM at) .*\[virtual\]/.test(l) && !/^\t+ ?AtomicOpsCap:/.test(l))
    .join("\n");
}

function normaliseBlock(text: string): string {
  const out: string[] = [];
  let prev64: number | null = null;
  for (const raw of text.split("\n")) {
    let line = raw.replace(/ \[size=[^\]]*\]/g, "");
    if (/^\t(Kernel driver in use|Kernel modules|IOMMU group|NUMA node):/.test(line)) continue;
    if (/^\tInterrupt: pin \? routed to IRQ \d+$/.test(line)) continue;
    const region = /^\tRegion (\d+): /.exec(line);
    if (region) {
      const k = Number(region[1]);
      if (prev64 !== null && k === prev64 + 1) {
        prev64 = null;
        continue;
      }
      prev64 = /^\tRegion \d+: Memory at \S+ \(64-bit,/.test(line) ? k : null;
      line = line.replace(" at <ignored>", " at <unassigned>");
    } else {
      prev64 = null;
    }
    const w = WINDOW.exec(line);
    if (w) line = `${w[1]} ${BigInt(`0x${w[2]}`).toString(16)}-${BigInt(`0x${w[3]}`).toString(16)}${w[4]}`;
    out.push(line);
  }
  return out.join("\n");
}
