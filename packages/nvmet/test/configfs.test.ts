import { describe, expect, it } from "vitest";
import { EACCES, EBUSY, EEXIST, EFAULT, EINVAL, ENOENT, EPERM } from "@p2pdma/pci-core";
import { env, NQN, basicSubsys } from "./helpers/setup";

describe("configfs tree (configfs.c 6.12.117)", () => {
  it("subsystem defaults read back as the kernel prints them", () => {
    const e = env();
    const c = e.configfs;
    expect(c.mkdir(`subsystems/${NQN}`)).toBe(0);
    expect(c.read(`subsystems/${NQN}/attr_version`)).toBe("1.3\n");
    expect(c.read(`subsystems/${NQN}/attr_allow_any_host`)).toBe("0\n");
    expect(c.read(`subsystems/${NQN}/attr_model`)).toBe("Linux\n");
    expect(c.read(`subsystems/${NQN}/attr_cntlid_min`)).toBe("1\n");
    expect(c.read(`subsystems/${NQN}/attr_cntlid_max`)).toBe("65519\n");
    expect(c.read(`subsystems/${NQN}/attr_qid_max`)).toBe("128\n");
    expect(c.read(`subsystems/${NQN}/attr_ieee_oui`)).toBe("0x000000\n");
    expect(c.read(`subsystems/${NQN}/attr_firmware`)).toBe("6.12.117\n");
    expect(c.read(`subsystems/${NQN}/attr_serial`)).toMatch(/^[0-9a-f]{20}\n$/);
    expect(c.ls(`subsystems/${NQN}`)).toContain("allowed_hosts");
  });

  it("refuses the discovery NQN and bad nsids with EINVAL and the log line", () => {
    const e = env();
    const c = e.configfs;
    expect(c.mkdir("subsystems/nqn.2014-08.org.nvmexpress.discovery")).toBe(-EINVAL);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: can't create discovery subsystem through configfs");
    c.mkdir(`subsystems/${NQN}`);
    expect(c.mkdir(`subsystems/${NQN}/namespaces/0`)).toBe(-EINVAL);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: invalid nsid 0");
    expect(c.mkdir(`subsystems/${NQN}/namespaces/4294967295`)).toBe(-EINVAL);
    expect(c.mkdir(`subsystems/${NQN}/namespaces/abc`)).toBe(-EINVAL);
    expect(c.mkdir(`subsystems/${NQN}/namespaces/4294967296`)).toBe(-34);
    expect(c.mkdir(`subsystems/${NQN}/namespaces/1`)).toBe(0);
    expect(e.nvmet.log.all().at(-1)?.text).toBe(`nvmet: adding nsid 1 to subsystem ${NQN}`);
    expect(c.mkdir(`subsystems/${NQN}/namespaces/1`)).toBe(-EEXIST);
    expect(c.mkdir("ports/65536")).toBe(-EINVAL);
    expect(c.mkdir("subsystems")).toBe(-EEXIST);
    expect(c.rmdir(`subsystems/${NQN}/namespaces`)).toBe(-EPERM);
    expect(c.rmdir(`subsystems/${NQN}`)).toBe(-39);
  });

  it("attribute stores: version, serial, cntlid range, model, ieee_oui, qid_max", () => {
    const e = env();
    const c = e.configfs;
    const p = `subsystems/${NQN}`;
    c.mkdir(p);
    expect(c.write(`${p}/attr_version`, "2.0.1\n")).toBe(6);
    expect(c.read(`${p}/attr_version`)).toBe("2.0.1\n");
    expect(c.write(`${p}/attr_version`, "2\n")).toBe(-EINVAL);
    expect(c.write(`${p}/attr_serial`, "abc\n")).toBe(4);
    expect(c.read(`${p}/attr_serial`)).toBe("abc                 \n");
    expect(c.write(`${p}/attr_serial`, "123456789012345678901\n")).toBe(-EINVAL);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: Serial Number can not be empty or exceed 20 Bytes");
    expect(c.write(`${p}/attr_cntlid_min`, "10\n")).toBe(3);
    expect(c.write(`${p}/attr_cntlid_max`, "5\n")).toBe(-EINVAL);
    expect(c.write(`${p}/attr_cntlid_min`, "0\n")).toBe(-EINVAL);
    expect(c.read(`${p}/attr_cntlid_min`)).toBe("10\n");
    expect(c.write(`${p}/attr_model`, "x".repeat(41))).toBe(-EINVAL);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: Model number size can not exceed 40 Bytes");
    expect(c.write(`${p}/attr_ieee_oui`, "0x1000000\n")).toBe(-EINVAL);
    expect(c.write(`${p}/attr_ieee_oui`, "0xabcd\n")).toBe(7);
    expect(c.read(`${p}/attr_ieee_oui`)).toBe("0x00abcd\n");
    expect(c.write(`${p}/attr_qid_max`, "129\n")).toBe(-EINVAL);
    expect(c.write(`${p}/attr_allow_any_host`, "maybe\n")).toBe(-EINVAL);
    expect(c.write(`${p}/attr_allow_any_host`, "on\n")).toBe(3);
    expect(c.read(`${p}/attr_allow_any_host`)).toBe("1\n");
  });

  it("allow_any_host and allowed_hosts exclude each other", () => {
    const e = env();
    const c = e.configfs;
    c.mkdir(`subsystems/${NQN}`);
    c.mkdir("hosts/h1");
    expect(c.symlink("hosts/h1", `subsystems/${NQN}/allowed_hosts/h1`)).toBe(0);
    expect(c.write(`subsystems/${NQN}/attr_allow_any_host`, "1\n")).toBe(-EINVAL);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: Can't set allow_any_host when explicit hosts are set!");
    expect(c.unlink(`subsystems/${NQN}/allowed_hosts/h1`)).toBe(0);
    expect(c.write(`subsystems/${NQN}/attr_allow_any_host`, "1\n")).toBe(2);
    expect(c.symlink("hosts/h1", `subsystems/${NQN}/allowed_hosts/h1`)).toBe(-EINVAL);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: can't add hosts when allow_any_host is set!");
    expect(c.symlink(`subsystems/${NQN}`, `subsystems/${NQN}/allowed_hosts/x`)).toBe(-EINVAL);
  });

  it("namespace: enable without device_path, EBUSY while enabled, missing device, buffered_io", () => {
    const e = env();
    const c = e.configfs;
    const n = `subsystems/${NQN}/namespaces/1`;
    c.mkdir(`subsystems/${NQN}`);
    c.mkdir(n);
    expect(c.read(`${n}/device_path`)).toBe("\n");
    expect(c.read(`${n}/enable`)).toBe("0\n");
    expect(c.write(`${n}/enable`, "1\n")).toBe(-EINVAL);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: failed to open block device (null): (-22)");
    expect(c.write(`${n}/device_path`, "/dev/nvme9n1\n")).toBe(13);
    expect(c.write(`${n}/enable`, "1\n")).toBe(-ENOENT);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: failed to open block device /dev/nvme9n1: (-2)");
    expect(c.write(`${n}/device_path`, "/dev/nvme1n1\n")).toBe(13);
    expect(c.write(`${n}/enable`, "1\n")).toBe(2);
    expect(c.read(`${n}/enable`)).toBe("1\n");
    expect(c.write(`${n}/device_path`, "/dev/nvme0n1\n")).toBe(-EBUSY);
    expect(c.write(`${n}/device_uuid`, "00000000-0000-0000-0000-000000000001\n")).toBe(-EBUSY);
    expect(c.write(`${n}/device_nguid`, "00112233-4455-6677-8899-aabbccddeeff\n")).toBe(-EBUSY);
    expect(c.write(`${n}/buffered_io`, "1\n")).toBe(-EINVAL);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: disable ns before setting buffered_io value.");
    expect(c.write(`${n}/enable`, "0\n")).toBe(2);
    expect(c.write(`${n}/device_nguid`, "00112233445566778899aabbccddeeff\n")).toBe(33);
    expect(c.read(`${n}/device_nguid`)).toBe("00112233-4455-6677-8899-aabbccddeeff\n");
    expect(c.write(`${n}/device_nguid`, "0011\n")).toBe(-EINVAL);
    expect(c.write(`${n}/revalidate_size`, "1\n")).toBe(-EINVAL);
    expect(c.read(`${n}/revalidate_size`)).toBe(-EPERM);
    expect(c.write(`${n}/ana_grpid`, "0\n")).toBe(-EINVAL);
    expect(c.write(`${n}/ana_grpid`, "129\n")).toBe(-EINVAL);
    expect(e.disks.get("/dev/nvme1n1")!.openCount).toBe(0);
  });

  it("port: defaults, address changes refused with EACCES while enabled, tsas, unlink disables", () => {
    const e = env();
    const c = e.configfs;
    basicSubsys(e);
    expect(c.read("ports/1/addr_trtype")).toBe("loop\n");
    expect(c.read("ports/1/addr_adrfam")).toBe("\n");
    expect(c.read("ports/1/addr_treq")).toBe("not specified\n");
    expect(c.read("ports/1/param_inline_data_size")).toBe("0\n");
    expect(c.read("ports/1/param_max_queue_size")).toBe("1024\n");
    expect(c.write("ports/1/addr_traddr", "1.2.3.4\n")).toBe(-EACCES);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: Disable port '1' before changing attribute in nvmet_addr_traddr_store");
    expect(c.write("ports/1/addr_trtype", "rdma\n")).toBe(-EACCES);
    expect(c.symlink(`subsystems/${NQN}`, `ports/1/subsystems/again`)).toBe(-EEXIST);
    expect(c.rmdir("ports/1")).toBe(-39);
    expect(c.unlink(`ports/1/subsystems/${NQN}`)).toBe(0);
    expect(c.write("ports/1/addr_trtype", "rdma\n")).toBe(5);
    expect(c.read("ports/1/addr_tsas")).toBe("connected\n");
    expect(c.write("ports/1/addr_adrfam", "pcie\n")).toBe(-EINVAL);
    expect(c.write("ports/1/addr_adrfam", "ipv4\n")).toBe(5);
    expect(c.write("ports/1/addr_traddr", "")).toBe(-EFAULT); // configfs: a zero-byte write is EFAULT (golden nvmet-p2pmem-writes)
    expect(c.write("ports/1/addr_traddr", "   \n")).toBe(-EINVAL);
    expect(c.write("ports/1/addr_treq", "required\n")).toBe(9);
    expect(c.read("ports/1/addr_treq")).toBe("required\n");
    expect(c.rmdir("ports/1")).toBe(0);
  });

  it("linking a port whose transport is missing fails with EINVAL", () => {
    const e = env();
    const c = e.configfs;
    c.mkdir(`subsystems/${NQN}`);
    c.mkdir("ports/2");
    expect(c.symlink(`subsystems/${NQN}`, `ports/2/subsystems/${NQN}`)).toBe(-EINVAL);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: transport type 0 not supported");
    expect(c.ls("ports/2/subsystems")).toEqual([]);
  });

  it("ana groups and referrals", () => {
    const e = env();
    const c = e.configfs;
    c.mkdir("ports/1");
    expect(c.ls("ports/1/ana_groups")).toEqual(["1"]);
    expect(c.read("ports/1/ana_groups/1/ana_state")).toBe("optimized\n");
    expect(c.mkdir("ports/1/ana_groups/1")).toBe(-EEXIST);
    expect(c.mkdir("ports/1/ana_groups/129")).toBe(-EINVAL);
    expect(c.mkdir("ports/1/ana_groups/2")).toBe(0);
    expect(c.read("ports/1/ana_groups/2/ana_state")).toBe("inaccessible\n");
    expect(c.write("ports/1/ana_groups/2/ana_state", "bogus\n")).toBe(-EINVAL);
    expect(c.rmdir("ports/1/ana_groups/1")).toBe(-EPERM);
    expect(c.mkdir("ports/1/referrals/r1")).toBe(0);
    expect(c.read("ports/1/referrals/r1/enable")).toBe("0\n");
    expect(c.write("ports/1/referrals/r1/addr_portid", "x\n")).toBe(-EINVAL);
    expect(c.write("ports/1/referrals/r1/enable", "1\n")).toBe(2);
    expect(c.write("ports/1/referrals/r1/addr_traddr", "10.0.0.1\n")).toBe(-EACCES);
    expect(c.rmdir("ports/1/referrals/r1")).toBe(0);
    expect(c.rmdir("ports/1/ana_groups/2")).toBe(0);
  });

  it("discovery_nqn refuses a name taken by a subsystem", () => {
    const e = env();
    const c = e.configfs;
    c.mkdir(`subsystems/${NQN}`);
    expect(c.write("discovery_nqn", `${NQN}\n`)).toBe(-EINVAL);
    expect(c.write("discovery_nqn", "nqn.x:disc\n")).toBe(10);
    expect(c.read("discovery_nqn")).toBe("nqn.x:disc\n");
    expect(c.mkdir("subsystems/nqn.x:disc")).toBe(-EINVAL);
    expect(e.nvmet.log.all().at(-1)?.text).toBe("nvmet: can't create subsystem using unique discovery NQN");
  });
});
