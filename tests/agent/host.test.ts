import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commandDirs, findCommand, HostFileError, MAX_HOST_FILE_BYTES, readHostText, readTextFile, resolveHostPath } from "../../agent/host.ts";
import { host, tempDir } from "./helpers.ts";

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
const temp = () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
};

describe("host root file access", () => {
  test("an absolute symlink in the host root resolves inside the host root, not on this machine", async () => {
    // ubuntu-24.04's /etc/os-release -> /usr/lib/os-release
    const text = await readHostText(host("ubuntu-24.04"), "/etc/os-release");
    expect(text).toContain('PRETTY_NAME="Ubuntu 24.04.2 LTS"');
  });

  test("`..` and link targets never climb above the host root", async () => {
    const root = temp();
    mkdirSync(join(root, "etc"));
    symlinkSync("/../../../../etc/hostname", join(root, "etc/escape"));
    writeFileSync(join(root, "etc/hostname"), "inside\n");
    expect(await readHostText(root, "/etc/escape")).toBe("inside\n");
    expect(await readHostText(root, "/../../../etc/hostname")).toBe("inside\n");
    expect(await resolveHostPath(root, "/a/../../b")).toBe(join(root, "b"));
  });

  test("host root / reads this machine's files", async () => {
    expect(await resolveHostPath("/", "/etc/os-release")).toBe("/etc/os-release");
  });

  test("a file larger than the limit or not UTF-8 is refused", async () => {
    const root = temp();
    writeFileSync(join(root, "big"), Buffer.alloc(MAX_HOST_FILE_BYTES + 1, 0x61));
    writeFileSync(join(root, "binary"), Buffer.from([0x66, 0xff, 0xfe, 0x00]));
    writeFileSync(join(root, "exact"), Buffer.alloc(MAX_HOST_FILE_BYTES, 0x61));
    await expect(readTextFile(join(root, "big"))).rejects.toMatchObject({ code: "EFBIG" });
    await expect(readTextFile(join(root, "binary"))).rejects.toBeInstanceOf(HostFileError);
    expect((await readTextFile(join(root, "exact"))).length).toBe(MAX_HOST_FILE_BYTES);
  });

  test("a missing file is reported as ENOENT", async () => {
    await expect(readHostText(host("cos"), "/proc/does-not-exist")).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("command lookup under the host root", () => {
  test("finds an executable on PATH under the host root", async () => {
    const found = await findCommand(host("ubuntu-24.04"), "nvidia-smi", commandDirs("/usr/local/bin:/usr/bin"));
    expect(found).toBe(join(host("ubuntu-24.04"), "usr/bin/nvidia-smi"));
  });

  test("standard directories are searched even when PATH lacks them", async () => {
    expect(await findCommand(host("rhel-9"), "systemctl", commandDirs("/nowhere"))).toBe(join(host("rhel-9"), "usr/bin/systemctl"));
  });

  test("PATH order decides, and commands outside the host root are never found", async () => {
    const root = host("ubuntu-22.04");
    expect(await findCommand(root, "nvidia-smi", commandDirs("/usr/bin"))).toBeUndefined();
    expect(await findCommand(root, "nvidia-smi", commandDirs("/opt/nvidia-broken/bin:/usr/bin"))).toBe(join(root, "opt/nvidia-broken/bin/nvidia-smi"));
    // `sh` exists on this machine but not under the fixture root.
    expect(await findCommand(root, "sh", commandDirs(process.env["PATH"]))).toBeUndefined();
  });

  test("a file that is not executable, or a directory, is not a command", async () => {
    const root = temp();
    mkdirSync(join(root, "usr/bin"), { recursive: true });
    writeFileSync(join(root, "usr/bin/nvidia-smi"), "#!/bin/sh\n");
    chmodSync(join(root, "usr/bin/nvidia-smi"), 0o644);
    mkdirSync(join(root, "usr/bin/systemctl"));
    expect(await findCommand(root, "nvidia-smi", commandDirs("/usr/bin"))).toBeUndefined();
    expect(await findCommand(root, "systemctl", commandDirs("/usr/bin"))).toBeUndefined();
  });
});
