/** End to end: `bun agent/main.ts ...` as a user runs the agent. */
import { afterEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseYaml } from "../../core/yaml.ts";
import { EXIT_PARTIAL_SNAPSHOT } from "../../agent/main.ts";
import { BUN, exists, host, expectAllDead, pidsIn, REPO, tempDir, waitFor } from "./helpers.ts";

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

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function agent(args: string[], env: Record<string, string> = {}, pathFirst: string[] = []): Run {
  const PATH = [...pathFirst, process.env["PATH"] ?? "/usr/bin:/bin"].join(":");
  const r = Bun.spawnSync([BUN, "agent/main.ts", ...args], { cwd: REPO, env: { PATH, HOME: process.env["HOME"] ?? "/", ...env } });
  return { code: r.exitCode ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const snapshotDoc = (text: string) => parseYaml(text, "snapshot.yaml").value as Record<string, any>;
const measurement = (doc: Record<string, any>, type: string) => (doc["measurements"] as any[]).find((m) => m.type === type);
const subtypeData = (m: any, name: string) => (m.subtypes as any[]).find((s) => s.subtype === name).data;

/** One error line, no stack trace. */
function expectOneErrorLine(r: Run, code: number, text: string): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toStartWith("error: ");
  expect(lines[0]).toContain(text);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

describe("aicr-agent", () => {
  test("--version and --help", () => {
    const v = agent(["--version"]);
    expect(v).toEqual({ code: 0, stdout: "aicr-agent version 0.11.1\n", stderr: "" });
    const h = agent(["--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("aicr-agent snapshot [flags]");
    const sh = agent(["snapshot", "--help"]);
    expect(sh.code).toBe(0);
    for (const flag of ["--output", "--format", "--host-root", "--timeout", "--require-gpu", "--no-redact"]) expect(sh.stdout).toContain(flag);
    expect(sh.stdout).toContain(`${EXIT_PARTIAL_SNAPSHOT}    partial snapshot`);
    expect(sh.stdout).toContain("cm://");
  });

  test("snapshot to stdout as YAML", () => {
    const r = agent(["snapshot", "--host-root", host("ubuntu-24.04"), "--no-cluster"], { NODE_NAME: "gpu-h100-07" });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const doc = snapshotDoc(r.stdout);
    expect(doc["kind"]).toBe("Snapshot");
    expect(doc["metadata"]["source-node"]).toBe("gpu-h100-07");
    expect((doc["measurements"] as any[]).map((m) => m.type)).toEqual(["SystemD", "OS", "GPU"]);
    expect(subtypeData(measurement(doc, "GPU"), "smi")["gpu-count"]).toBe(8);
    expect(subtypeData(measurement(doc, "OS"), "release")["ID"]).toBe("ubuntu");
    expect(doc["status"]["complete"]).toBe(true);
    expect(r.stdout).not.toContain("Pr0xyPassw0rd");
  });

  test("--format json, and --no-redact", () => {
    const r = agent(["snapshot", "--host-root", host("ubuntu-24.04"), "--format", "json", "--no-redact"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.apiVersion).toBe("aicr.nvidia.com/v1alpha1");
    expect(doc.status.redacted).toEqual([]);
    expect(r.stdout).toContain("Pr0xyPassw0rd");
    expect(r.stdout.endsWith("}\n")).toBe(true);
  });

  test("-o writes the file atomically and prints nothing", () => {
    const dir = temp();
    const out = join(dir, "snapshot.yaml");
    const r = agent(["snapshot", "--host-root", host("cos"), "-o", out]);
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
    const doc = snapshotDoc(readFileSync(out, "utf8"));
    expect(subtypeData(measurement(doc, "GPU"), "smi")["gpu.model"]).toBe("NVIDIA GB200");
    expect(readdirSync(dir)).toEqual(["snapshot.yaml"]);
    // --output=PATH, -t json and - for stdout
    const j = agent(["snapshot", `--host-root=${host("rhel-9")}`, "-t", "json", "--output=-"]);
    expect(JSON.parse(j.stdout).kind).toBe("Snapshot");
  });

  test("bad command lines: one error line, exit 2, no stack trace", () => {
    expectOneErrorLine(agent(["snapshot", "--bogus"]), 2, "unknown flag: --bogus");
    expectOneErrorLine(agent(["snapshot", "--format", "xml"]), 2, 'unknown output format: "xml", valid formats are: yaml, json');
    expectOneErrorLine(agent(["snapshot", "--timeout", "30 seconds"]), 2, 'invalid value for --timeout: "30 seconds"');
    expectOneErrorLine(agent(["snapshot", "--timeout", "0s"]), 2, "must be greater than 0");
    expectOneErrorLine(agent(["snapshot", "--output"]), 2, "flag --output needs a value");
    expectOneErrorLine(agent(["snapshot", "-o", "a", "-o", "b"]), 2, "flag --output can only be specified once");
    expectOneErrorLine(agent(["snapshot", "extra"]), 2, 'unexpected argument "extra"');
    expectOneErrorLine(agent(["snapshot", "--host-root", "/does/not/exist"]), 2, "--host-root: /does/not/exist does not exist");
    expectOneErrorLine(agent(["snapshoot"]), 2, 'unknown command "snapshoot"');
  });

  test("--debug adds the stack trace", () => {
    const r = agent(["--debug", "snapshot", "--format", "xml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown output format: "xml"');
    expect(r.stderr).toMatch(/^\s+at /m);
  });

  test("output that cannot be written: clear error, nothing created", () => {
    const dir = temp();
    expectOneErrorLine(agent(["snapshot", "--host-root", host("cos"), "-o", join(dir, "missing/snap.yaml")]), 2, "does not exist");
    expectOneErrorLine(agent(["snapshot", "--host-root", host("cos"), "-o", dir]), 2, "it is a directory");
    writeFileSync(join(dir, "file"), "x");
    expectOneErrorLine(agent(["snapshot", "--host-root", host("cos"), "-o", join(dir, "file/snap.yaml")]), 2, "is not a directory");
    expect(readdirSync(dir)).toEqual(["file"]);
  });

  test("without a reachable cluster the K8s and NodeTopology readings are skipped, not fatal", () => {
    const r = agent(["snapshot", "--host-root", host("ubuntu-24.04")], { NODE_NAME: "gpu-h100-07", HOME: temp() });
    expect(r.code).toBe(0);
    const doc = snapshotDoc(r.stdout);
    expect((doc["measurements"] as any[]).map((m) => m.type)).toEqual(["K8s", "SystemD", "OS", "GPU", "NodeTopology"]);
    const states = Object.fromEntries((doc["status"]["collectors"] as any[]).map((c) => [c.name, c.state]));
    expect(states).toEqual({ k8s: "skipped", systemd: "ok", os: "ok", gpu: "ok", topology: "skipped" });
    expect(doc["status"]["complete"]).toBe(true);
  });

  test("ConfigMap output: a malformed URI or no cluster is one clear error and nothing is written", () => {
    expectOneErrorLine(agent(["snapshot", "--host-root", host("cos"), "-o", "cm://gpu-operator"]), 2, "cm://");
    expectOneErrorLine(agent(["snapshot", "--host-root", host("cos"), "-o", "cm://ns/name", "--no-cluster"]), 2, "--no-cluster");
    const r = agent(["snapshot", "--host-root", host("cos"), "-o", "cm://gpu-operator/aicr-snapshot"], { HOME: temp() });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no Kubernetes cluster configured");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  test("--require-gpu without a GPU: exit 3, an existing output file is left as it was", () => {
    const dir = temp();
    const out = join(dir, "snapshot.yaml");
    writeFileSync(out, "previous\n");
    const r = agent(["snapshot", "--host-root", host("ubuntu-22.04"), "--require-gpu", "-o", out]);
    expectOneErrorLine(r, 3, "--require-gpu was set but no GPU was detected");
    expect(readFileSync(out, "utf8")).toBe("previous\n");
    expect(readdirSync(dir)).toEqual(["snapshot.yaml"]);
    expect(agent(["snapshot", "--host-root", host("rhel-9"), "--require-gpu"]).code).toBe(0);
  });

  test("a hung nvidia-smi: the partial snapshot is written, exit 9, the hung process is killed", async () => {
    const dir = temp();
    const pidfile = join(dir, "pids");
    const r = agent(["snapshot", "--host-root", host("ubuntu-22.04"), "--timeout", "1s", "--no-cluster"], { AICR_FIXTURE_PIDFILE: pidfile }, ["/opt/nvidia-hung/bin"]);
    expect(r.code).toBe(EXIT_PARTIAL_SNAPSHOT);
    const doc = snapshotDoc(r.stdout);
    expect((doc["measurements"] as any[]).map((m) => m.type)).toEqual(["SystemD", "OS"]);
    expect(doc["status"]["complete"]).toBe(false);
    expect(doc["status"]["collectors"]).toContainEqual({ name: "gpu", state: "timeout", error: "did not finish within 1s" });
    expect(r.stderr).toContain("warning: gpu collector timed out: did not finish within 1s");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    await expectAllDead(pidsIn(pidfile));
  });

  test("a failing nvidia-smi: written, exit 9, the tool's message on stderr", () => {
    const r = agent(["snapshot", "--host-root", host("ubuntu-22.04"), "-t", "json"], {}, ["/opt/nvidia-broken/bin"]);
    expect(r.code).toBe(EXIT_PARTIAL_SNAPSHOT);
    const doc = JSON.parse(r.stdout);
    expect(doc.measurements.find((m: any) => m.type === "GPU").subtypes[0].data).toEqual({ "gpu-count": 0 });
    expect(r.stderr).toContain("Driver/library version mismatch");
  });

  test("SIGTERM stops the agent and its commands; nothing is written", async () => {
    const dir = temp();
    const pidfile = join(dir, "pids");
    const out = join(dir, "snapshot.yaml");
    const proc = Bun.spawn([BUN, "agent/main.ts", "snapshot", "--host-root", host("ubuntu-22.04"), "-o", out], {
      cwd: REPO,
      env: { PATH: `/opt/nvidia-hung/bin:${process.env["PATH"]}`, AICR_FIXTURE_PIDFILE: pidfile },
      stderr: "pipe",
    });
    await waitFor(() => exists(pidfile) && pidsIn(pidfile).length === 2, "the hung nvidia-smi to start");
    proc.kill("SIGTERM");
    const code = await proc.exited;
    expect(code).toBe(143);
    expect(await new Response(proc.stderr).text()).toBe("error: terminated; no snapshot written\n");
    await expectAllDead(pidsIn(pidfile));
    expect(readdirSync(dir)).toEqual(["pids"]);
  });
});
