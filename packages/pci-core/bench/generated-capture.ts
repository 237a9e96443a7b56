/**
 * A generated `lspci -vvvnn` capture of `n` NVMe functions (32 per bus), the shape a real
 * capture has; used by the import benchmark and by the large-input test.
 */
export function lspciVerboseText(n: number): string {
  const blocks: string[] = [];
  for (let i = 0; i < n; i++) {
    const bus = (i >> 5) & 0xff;
    const dom = i >> 13;
    const slot = i & 0x1f;
    blocks.push(
      `${dom.toString(16).padStart(4, "0")}:${bus.toString(16).padStart(2, "0")}:${slot.toString(16).padStart(2, "0")}.0 Non-Volatile memory controller [0108]: Samsung NVMe [144d:a808] (prog-if 02 [NVM Express])\n` +
        "\tSubsystem: Samsung Device [144d:a801]\n\tNUMA node: 0\n\tRegion 0: Memory at fc500000 (64-bit, non-prefetchable) [size=16K]\n" +
        "\tCapabilities: [70] Express (v2) Endpoint, MSI 00\n\t\tLnkCap:\tPort #0, Speed 8GT/s, Width x4, ASPM L1\n\t\tLnkSta:\tSpeed 8GT/s (ok), Width x4 (ok)\n" +
        "\tKernel driver in use: nvme\n",
    );
  }
  return blocks.join("\n");
}
