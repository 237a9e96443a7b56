/**
 * The guest's `/init` and the serial protocol it speaks. The init mounts proc, sys, devtmpfs,
 * tmpfs and configfs, loads the modules the P2PDMA paths need, waits for the NVMe namespaces
 * the scenario expects, then sources `/scenario.sh` (added per run as a second cpio archive)
 * with stdout on the second serial port (`/dev/ttyS1`), so kernel console messages on ttyS0
 * never interleave with results. Results are framed by {@link MARK} lines.
 */

/** Prefix of every protocol line on the results port. */
export const MARK = "@@P2PDMA";

/** Modules loaded at boot, in order (README of ../shared/kernel). */
export const GUEST_MODULES = ["configfs", "nvme", "nvmet", "nvme-loop", "loop"] as const;

/** Shell functions the compiled scenario may call (see scenario.ts placeholders). */
const SHELL_HELPERS = `
# nvmectrl BDF: the nvme controller name (nvme0) bound to a PCI function
nvmectrl() {
  for c in /sys/bus/pci/devices/$1/nvme/nvme*; do [ -e "$c" ] && { echo "\${c##*/}"; return; }; done
  echo none
}
# nsdev BDF NSID: the block device of namespace NSID of that controller (the multipath
# head node nvmeXnY when native multipath is on, else the controller's own nvmeXnY)
nsdev() {
  for c in /sys/bus/pci/devices/$1/nvme/nvme*; do
    for n in $c/nvme*n$2; do
      [ -e "$n" ] || continue
      b=\${n##*/}
      case $b in *c*n*) b=$(echo "$b" | sed 's/c[0-9]*n/n/');; esac
      echo "/dev/$b"; return
    done
  done
  echo /dev/none
}
step_dmesg() { echo "${MARK} DMESG $1"; dmesg -c; echo "${MARK} ENDSTEP $1"; }
`;

/** The `/init` script of the base image. */
export function initScript(): string {
  return `#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
for m in ${GUEST_MODULES.join(" ")}; do modprobe $m || echo "${MARK} MODPROBE-FAILED $m" > /dev/ttyS1; done
mount -t configfs configfs /sys/kernel/config
EXPECT_NAMESPACES=0
[ -f /scenario.sh ] && . /scenario.sh
# wait (at most 60 s) for the NVMe namespaces the machine has
i=0
while [ $i -lt 600 ]; do
  n=$(ls /dev | grep -c '^nvme[0-9]*n[0-9]*$')
  [ "$n" -ge "$EXPECT_NAMESPACES" ] && break
  sleep 0.1; i=$((i+1))
done
${SHELL_HELPERS}
exec > /dev/ttyS1 2>&1
echo "${MARK} BEGIN"
echo "${MARK} BOOT"
dmesg -c
echo "${MARK} ENDBOOT"
type scenario >/dev/null 2>&1 && scenario
echo "${MARK} END"
sync
sleep 1
poweroff -f
`;
}
