import { afterEach, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { osCollector, sysctlReadings } from "../../agent/collectors/os.ts";
import { collectOne, dataOf, host, tempDir } from "./helpers.ts";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
/** A writable copy of a fixture host. */
const copyOf = (name: Parameters<typeof host>[0]) => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  cpSync(host(name), t.dir, { recursive: true, verbatimSymlinks: true });
  return t.dir;
};

const subtypeNames = (m: { subtypes?: { subtype?: string }[] } | undefined) => (m?.subtypes ?? []).map((s) => s.subtype);

describe("OS collector on fixture hosts", () => {
  test("ubuntu-24.04: kernel command line, sysctl, modules and release", async () => {
    const { measurement: m, status } = await collectOne(osCollector(), { hostRoot: host("ubuntu-24.04") });
    expect(status).toEqual({ name: "os", state: "ok" });
    expect(m?.type).toBe("OS");
    expect(subtypeNames(m)).toEqual(["grub", "sysctl", "kmod", "release"]);

    const grub = dataOf(m, "grub");
    expect(grub).toEqual({
      BOOT_IMAGE: "/vmlinuz-6.8.0-1021-aws",
      ro: "",
      console: "ttyS0", // the last of two wins
      "nvme_core.io_timeout": "4294967295",
      iommu: "pt",
      init_on_alloc: "0",
      panic: "-1",
      quiet: "",
    });
    expect("root" in grub).toBe(false);

    const sysctl = dataOf(m, "sysctl");
    expect(sysctl["/proc/sys/kernel/osrelease"]).toBe("6.8.0-1021-aws");
    expect(sysctl["/proc/sys/kernel/printk"]).toBe("4\t4\t1\t7");
    expect(sysctl["/proc/sys/vm/swappiness"]).toBe("60");
    expect(sysctl["/proc/sys/vm/stat_refresh"]).toBe("");
    expect(sysctl["/proc/sys/kernel/seccomp/actions_avail"]).toBe("kill_process kill_thread trap errno user_notif trace log allow");
    // `name value` tables become one reading per line
    expect(sysctl["/proc/sys/sunrpc/transports/tcp"]).toBe("1048576");
    expect(sysctl["/proc/sys/sunrpc/transports/udp"]).toBe("32768");
    expect(sysctl["/proc/sys/sunrpc/transports/rdma"]).toBe("1048576");
    expect("/proc/sys/sunrpc/transports" in sysctl).toBe(false);
    // other multi-line files are kept whole, trimmed line by line
    expect(sysctl["/proc/sys/fs/binfmt_misc/python3.12"]).toBe("enabled\ninterpreter /usr/bin/python3.12\nflags:\noffset 0\nmagic cb0d0d0a");
    // networking, cdrom and symbolic links are left out
    const keys = Object.keys(sysctl);
    expect(keys.filter((k) => k.startsWith("/proc/sys/net"))).toEqual([]);
    expect(keys.filter((k) => k.startsWith("/proc/sys/dev/cdrom"))).toEqual([]);
    expect(keys).not.toContain("/proc/sys/kernel/osrelease-alias");
    expect(sysctl["/proc/sys/dev/hpet/max-user-freq"]).toBe("64");

    const kmod = dataOf(m, "kmod");
    expect(kmod["nvidia"]).toBe(true);
    expect(kmod["nvidia_peermem"]).toBe(true);
    expect(Object.values(kmod).every((v) => v === true)).toBe(true);
    expect(Object.keys(kmod)).toHaveLength(13);

    const release = dataOf(m, "release");
    expect(release["ID"]).toBe("ubuntu");
    expect(release["VERSION_ID"]).toBe("24.04");
    expect(release["PRETTY_NAME"]).toBe("Ubuntu 24.04.2 LTS");
    expect(release["VERSION_CODENAME"]).toBe("noble");
  });

  test("cos: Container-Optimized OS release, empty values dropped, root device removed", async () => {
    const { measurement: m } = await collectOne(osCollector(), { hostRoot: host("cos") });
    const release = dataOf(m, "release");
    expect(release["ID"]).toBe("cos");
    expect(release["NAME"]).toBe("Container-Optimized OS");
    expect(release["VERSION_ID"]).toBe("121");
    expect(release["BUILD_ID"]).toBe("18867.90.23");
    expect("KERNEL_COMMIT_ID" in release).toBe(false);
    const grub = dataOf(m, "grub");
    expect(grub["cros_efi"]).toBe("");
    expect(grub["dm_verity.max_bios"]).toBe("-1");
    expect("root" in grub).toBe(false);
    const sysctl = dataOf(m, "sysctl");
    expect(sysctl["/proc/sys/kernel/osrelease"]).toBe("6.6.87+");
    expect("/proc/sys/net/ipv4/tcp_rmem" in sysctl).toBe(false);
    expect(dataOf(m, "kmod")).toEqual({ nvidia_uvm: true, nvidia_drm: true, nvidia_modeset: true, nvidia: true, ib_core: true });
  });

  test("rhel-9: without /etc/os-release the release comes from /usr/lib/os-release", async () => {
    const { measurement: m, status } = await collectOne(osCollector(), { hostRoot: host("rhel-9") });
    expect(status.state).toBe("ok");
    const release = dataOf(m, "release");
    expect(release["ID"]).toBe("rhel");
    expect(release["ID_LIKE"]).toBe("fedora");
    expect(release["VERSION_ID"]).toBe("9.4");
    expect(release["REDHAT_BUGZILLA_PRODUCT_VERSION"]).toBe("9.4");
    const grub = dataOf(m, "grub");
    expect(grub["crashkernel"]).toBe("1G-4G:192M,4G-64G:256M,64G-:512M");
    expect(grub["rd.lvm.lv"]).toBe("rhel/swap");
    expect(grub["BOOT_IMAGE"]).toBe("(hd0,gpt2)/vmlinuz-5.14.0-427.13.1.el9_4.x86_64");
    expect(dataOf(m, "sysctl")["/proc/sys/kernel/osrelease"]).toBe("5.14.0-427.13.1.el9_4.x86_64");
  });

  test("ubuntu-22.04: /etc/os-release wins over /usr/lib/os-release", async () => {
    const root = copyOf("ubuntu-22.04");
    mkdirSync(join(root, "usr/lib"), { recursive: true });
    writeFileSync(join(root, "usr/lib/os-release"), "ID=should-not-be-read\n");
    const { measurement: m } = await collectOne(osCollector(), { hostRoot: root });
    expect(dataOf(m, "release")["ID"]).toBe("ubuntu");
    expect(dataOf(m, "release")["VERSION_ID"]).toBe("22.04");
  });
});

describe("OS collector degradation", () => {
  test("a host without /proc/modules has no kmod subtype and is still complete", async () => {
    const root = copyOf("ubuntu-22.04");
    rmSync(join(root, "proc/modules"));
    const { measurement: m, status } = await collectOne(osCollector(), { hostRoot: root });
    expect(subtypeNames(m)).toEqual(["grub", "sysctl", "release"]);
    expect(status.state).toBe("ok");
  });

  test("an unreadable source leaves its subtype out and marks the collector failed", async () => {
    const root = copyOf("ubuntu-22.04");
    writeFileSync(join(root, "proc/cmdline"), Buffer.from([0x72, 0x6f, 0xff, 0x0a]));
    const { measurement: m, status } = await collectOne(osCollector(), { hostRoot: root });
    expect(subtypeNames(m)).toEqual(["sysctl", "kmod", "release"]);
    expect(status.state).toBe("failed");
    expect(status.error).toContain("grub");
    expect(status.error).toContain("not valid UTF-8");
  });

  test("sysctl files that cannot be read as text are skipped, not fatal", async () => {
    const root = copyOf("ubuntu-22.04");
    writeFileSync(join(root, "proc/sys/kernel/binary_blob"), Buffer.from([0xff, 0xfe]));
    const { measurement: m, status } = await collectOne(osCollector(), { hostRoot: root });
    expect(status.state).toBe("ok");
    expect("/proc/sys/kernel/binary_blob" in dataOf(m, "sysctl")).toBe(false);
    expect(dataOf(m, "sysctl")["/proc/sys/kernel/hostname"]).toBe("cpu-worker-03");
  });

  test("sysctl parsing rules", () => {
    expect(sysctlReadings("/p/x", "  42 \n")).toEqual({ "/p/x": "42" });
    expect(sysctlReadings("/p/x", "a  1\nb 2   3\n")).toEqual({ "/p/x/a": "1", "/p/x/b": "2 3" });
    expect(sysctlReadings("/p/x", "file\npipe\nsocket\n")).toEqual({ "/p/x": "file\npipe\nsocket" });
    expect(sysctlReadings("/p/x", "")).toEqual({ "/p/x": "" });
  });
});

describe("OS collector on this machine", () => {
  test("the kernel reading equals `uname -r` and the release ID equals /etc/os-release's", async () => {
    const { measurement: m } = await collectOne(osCollector(), { hostRoot: "/" });
    const uname = Bun.spawnSync(["uname", "-r"]).stdout.toString().trim();
    expect(dataOf(m, "sysctl")["/proc/sys/kernel/osrelease"]).toBe(uname);
    const osRelease = readFileSync("/etc/os-release", "utf8");
    const id = /^ID=(.*)$/m.exec(osRelease)?.[1]?.replace(/^["']|["']$/g, "");
    expect(id).toBeDefined();
    expect(dataOf(m, "release")["ID"]).toBe(id as string);
  });
});
