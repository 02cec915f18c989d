/**
 * The agent ships as standalone binaries for linux-x64 and linux-arm64 (GB200 Grace hosts). Both are
 * built with the package's build:agent command line; the arm64 one runs under qemu-user-static with an
 * arm64 C library (installed by .ci/prepare), prints its version and snapshots a fixture host root.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import pkg from "../../package.json";

const root = join(import.meta.dir, "..", "..");
const sysroot = process.env["AICR_ARM64_SYSROOT"] ?? join(root, "node_modules", ".cache", "arm64-sysroot");
let dir: string;
const bin = { x64: "", arm64: "" };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aicr-agent-bin-"));
  bin.x64 = join(dir, "aicr-agent-linux-x64");
  bin.arm64 = join(dir, "aicr-agent-linux-arm64");
  const script = pkg.scripts["build:agent"]
    .replace("dist/aicr-agent-linux-x64", bin.x64)
    .replace("dist/aicr-agent-linux-arm64", bin.arm64)
    .replaceAll(/(^|&& )bun /g, `$1${process.execPath} `);
  const r = Bun.spawnSync({ cmd: ["sh", "-c", script], cwd: root, stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`agent build failed: ${r.stderr.toString()}`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const host = (name: string) => join(root, "tests", "fixtures", "hosts", name);

function run(cmd: string[], env: Record<string, string> = {}) {
  const r = Bun.spawnSync({ cmd, cwd: dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin", HOME: dir, ...env } });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

test("the linux-x64 agent snapshots a host root from any directory", () => {
  const r = run([bin.x64, "snapshot", "--host-root", host("ubuntu-24.04"), "--no-cluster"], { NODE_NAME: "gpu-node-1" });
  expect(r.code).toBe(0);
  const doc = parse(r.out);
  expect(doc.kind).toBe("Snapshot");
  const gpu = doc.measurements.find((m: { type: string }) => m.type === "GPU");
  expect(gpu.subtypes[0].data["gpu-count"]).toBe(8);
});

test("the linux-arm64 agent is an aarch64 executable that runs under qemu", () => {
  const header = readFileSync(bin.arm64).subarray(0, 20);
  // ELF e_machine 0xB7 = AArch64.
  expect([header[0], header[1], header[2], header[3]]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
  expect(header[18]).toBe(0xb7);
  expect(existsSync(join(sysroot, "lib", "ld-linux-aarch64.so.1"))).toBe(true);
  const v = run(["qemu-aarch64-static", "-L", sysroot, bin.arm64, "--version"]);
  expect(v).toEqual({ code: 0, out: `aicr-agent version ${pkg.version}\n`, err: "" });
});

test("the linux-arm64 agent snapshots a GB200 host root under qemu", () => {
  const r = run(["qemu-aarch64-static", "-L", sysroot, bin.arm64, "snapshot", "--host-root", host("cos"), "--no-cluster", "-t", "json"], {
    NODE_NAME: "gb200-node-1",
  });
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.out);
  expect(doc.metadata["source-node"]).toBe("gb200-node-1");
  const gpu = doc.measurements.find((m: { type: string }) => m.type === "GPU");
  expect(gpu.subtypes[0].data["gpu.model"]).toContain("GB200");
  expect(doc.status.complete).toBe(true);
});
