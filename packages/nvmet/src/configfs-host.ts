/**
 * configfs.c: the root (`discovery_nqn`), `hosts/<nqn>` and the top-level default groups.
 */
import { EINVAL } from "@p2pdma/pci-core";
import type { Nvmet } from "./core";
import type { CfsGroup, CfsType } from "./configfs";
import { CfsGroup as Group } from "./configfs";
import { portsType } from "./configfs-port";
import { subsystemsType } from "./configfs-subsys";
import { lineLength } from "./kstr";
import { NvmetHost } from "./nvmet";

/** `nvmet_host_type` (no DH-HMAC-CHAP attributes: CONFIG_NVME_TARGET_AUTH off). */
export function hostType(t: Nvmet): CfsType {
  return {
    kind: "host",
    release: (g) => {
      t.hosts.delete(g.name);
    },
  };
}

/** `nvmet_hosts_type`: any name makes a host. */
function hostsType(t: Nvmet): CfsType {
  return {
    kind: "hosts",
    makeGroup: (parent, name) => {
      const h = new NvmetHost(name);
      t.hosts.set(name, h);
      return new Group(name, hostType(t), parent, false, h);
    },
  };
}

/** `nvmet_root_type` with `discovery_nqn`. */
export function rootType(t: Nvmet): CfsType {
  return {
    kind: "root",
    attrs: (g: CfsGroup) => ({
      discovery_nqn: {
        show: () => `${t.discSubsys.nqn}\n`,
        store: (page: string) => {
          const len = lineLength(page);
          if (!len || len > 255) return -EINVAL;
          const head = page.slice(0, len);
          for (const name of g.children.get("subsystems")?.children.keys() ?? []) {
            if (name.length >= len && name.slice(0, len) === head) {
              t.pr("err", `duplicate NQN ${name}`);
              return -EINVAL;
            }
          }
          t.discSubsys.nqn = head;
          return len;
        },
      },
    }),
  };
}

/** Builds the default groups of the root (`nvmet_init_configfs`). */
export function buildRoot(t: Nvmet, root: CfsGroup): void {
  root.addDefault("subsystems", subsystemsType(t), null);
  root.addDefault("ports", portsType(t), null);
  root.addDefault("hosts", hostsType(t), null);
}
