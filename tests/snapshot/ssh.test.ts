/**
 * `aicr snapshot --ssh` through a fake ssh/scp pair on PATH (tests/fixtures/ssh) that runs the remote
 * commands on this machine, one directory per fake host: the agent build for each host's machine type
 * is copied, run with a timeout and removed, hosts run in parallel within the bound, and a host that
 * refuses, fails or runs out of time is reported on one line and marked in the FleetSnapshot, which
 * keeps the other hosts' snapshots.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { BUN, REPO, removeDir, tempDir } from "../cli/helpers.ts";

const FAKE = join(REPO, "tests", "fixtures", "ssh");
const AGENTS = join(FAKE, "agents");

let root: string;
beforeEach(() => {
  root = tempDir("aicr-ssh-");
  writeFileSync(join(root, "log"), "");
});
afterEach(() => removeDir(root));

/** A fake host: its machine type and marker files (unreachable, agent-fails, agent-hangs, driver, ...). */
function host(name: string, arch: string | null, files: Record<string, string> = {}): void {
  const dir = join(root, "hosts", name);
  mkdirSync(dir, { recursive: true });
  if (arch !== null) writeFileSync(join(dir, "arch"), `${arch}\n`);
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function aicr(args: string[], env: Record<string, string> = {}): Run {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("AICR_")) base[k] = v;
  delete base["KUBECONFIG"];
  const p = Bun.spawnSync([BUN, join(REPO, "cli", "main.ts"), ...args], {
    cwd: REPO,
    env: { ...base, HOME: root, NO_COLOR: "1", PATH: `${FAKE}:${process.env["PATH"] ?? "/usr/bin:/bin"}`, FAKE_SSH_ROOT: root, ...env },
    stdin: "ignore",
  });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

const logLines = () => readFileSync(join(root, "log"), "utf8").split("\n").filter((l) => l !== "");
const stderrLines = (r: Run) => r.stderr.split("\n").filter((l) => l.trim() !== "");
/** Files left in a fake host's temporary directory. */
const leftOn = (name: string) => {
  const tmp = join(root, "hosts", name, "tmp");
  return existsSync(tmp) ? readdirSync(tmp) : [];
};
/** The most connections (ssh or scp processes) open at once, replayed from the log. */
function mostAtOnce(): number {
  let open = 0;
  let most = 0;
  for (const l of logLines()) {
    if (l.startsWith("start ")) most = Math.max(most, ++open);
    else if (l.startsWith("end ")) open--;
  }
  return most;
}

describe("three hosts: x86_64, aarch64, and one that refuses", () => {
  test("partial results kept and marked; one line for the refusing host; exit 6", () => {
    host("node-a", "x86_64");
    host("node-b", "aarch64", { driver: "570.86.15\n" });
    host("node-c", null, { unreachable: "" });
    const out = join(root, "fleet.yaml");
    const r = aicr(["snapshot", "--ssh", "root@node-a,ubuntu@node-b", "--ssh", "node-c", "--agent-dir", AGENTS, "-o", out]);
    expect(r.code).toBe(6);
    expect(r.stdout).toBe("");
    expect(stderrLines(r)).toEqual([
      "warning: node-c: unreachable: ssh: connect to host node-c port 22: Connection refused",
      `collected 2 of 3 snapshots over SSH output=${out}`,
      `error: [SERVICE_UNAVAILABLE] 1 of 3 hosts gave no snapshot (node-c unreachable); the fleet snapshot written to ${out} keeps the other 2 and marks the failures`,
    ]);

    const fleet = parse(readFileSync(out, "utf8"));
    expect(fleet.kind).toBe("FleetSnapshot");
    expect(fleet.metadata).toMatchObject({ version: "0.11.1", source: "ssh", nodeCount: 3, snapshotCount: 2, failureCount: 1 });
    expect(Object.keys(fleet.nodes)).toEqual(["node-a", "node-b"]);
    expect(fleet.failures).toEqual({ "node-c": { state: "unreachable", reason: "ssh: connect to host node-c port 22: Connection refused" } });
    const kmod = (node: string) => fleet.nodes[node].measurements.find((m: { type: string }) => m.type === "OS").subtypes.find((s: { subtype: string }) => s.subtype === "kmod").data;
    expect(kmod("node-a")).toEqual({ "agent-build-linux-x64": true });
    expect(kmod("node-b")).toEqual({ "agent-build-linux-arm64": true });
    expect(fleet.nodes["node-b"].measurements[0].subtypes[0].data.driver).toBe("570.86.15");
    expect(fleet.nodes["node-a"].status).toEqual({ complete: true, collectors: [{ name: "os", state: "ok" }], redacted: [] });
  });

  test("the right build is copied to each host, run with a timeout, and removed afterwards", () => {
    host("node-a", "x86_64");
    host("node-b", "aarch64");
    host("node-c", null, { unreachable: "" });
    aicr(["snapshot", "--ssh", "node-a,node-b,node-c", "--agent-dir", AGENTS, "-o", join(root, "f.yaml")]);
    const log = logLines();
    const copies = log.filter((l) => l.startsWith("scp ")).map((l) => l.split(" ").slice(1, 3).join(" "));
    expect(copies.sort()).toEqual([`node-a ${AGENTS}/aicr-agent-linux-x64`, `node-b ${AGENTS}/aicr-agent-linux-arm64`]);
    expect(log.filter((l) => l.startsWith("agent ")).sort()).toEqual([
      "agent node-a linux-x64 snapshot --no-cluster --timeout 30s --format yaml",
      "agent node-b linux-arm64 snapshot --no-cluster --timeout 30s --format yaml",
    ]);
    for (const n of ["node-a", "node-b"]) {
      expect(log.some((l) => l.startsWith(`ssh ${n} rm -rf '${root}/hosts/${n}/tmp/aicr-agent.`))).toBe(true);
      expect(leftOn(n)).toEqual([]);
    }
    // The refusing host is asked once, never copied to, and nothing is left to remove.
    expect(log.filter((l) => l.startsWith("ssh node-c "))).toEqual(['ssh node-c uname -m && mktemp -d "${TMPDIR:-/tmp}/aicr-agent.XXXXXXXX"']);
    // ssh never prompts and gives up on a dead connection.
    for (const l of log.filter((x) => x.startsWith("ssh-options "))) expect(l).toEndWith(" BatchMode=yes ConnectTimeout=10");
  });
});

describe("bounded parallelism", () => {
  test("never more connections at once than --ssh-parallel; every host collected", () => {
    const names = ["h1", "h2", "h3", "h4", "h5", "h6"];
    for (const n of names) host(n, n === "h2" ? "arm64" : "amd64");
    const r = aicr(["snapshot", "--ssh", names.join(","), "--ssh-parallel", "2", "--agent-dir", AGENTS, "-t", "json"], { FAKE_AGENT_SLEEP: "0.2" });
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout).nodes)).toEqual(names);
    expect(mostAtOnce()).toBeLessThanOrEqual(2);
    expect(mostAtOnce()).toBeGreaterThanOrEqual(1);
  });

  test("--ssh-parallel 1 works the hosts one at a time", () => {
    for (const n of ["p", "q", "r"]) host(n, "x86_64");
    const r = aicr(["snapshot", "--ssh", "p,q,r", "--ssh-parallel", "1", "--agent-dir", AGENTS, "-o", join(root, "f.json"), "-t", "json"]);
    expect(r.code).toBe(0);
    expect(mostAtOnce()).toBe(1);
  });
});

describe("one host failing never loses the others", () => {
  test("an agent that fails: state failed with the agent's error line; exit 8; the binary still removed", () => {
    host("good", "x86_64");
    host("bad", "x86_64", { "agent-fails": "" });
    const out = join(root, "f.yaml");
    const r = aicr(["snapshot", "--ssh", "good,bad", "--agent-dir", AGENTS, "-o", out]);
    expect(r.code).toBe(8);
    expect(stderrLines(r)[0]).toBe("warning: bad: failed: the agent exited with status 8: error: [INTERNAL] cannot read /proc/modules");
    const fleet = parse(readFileSync(out, "utf8"));
    expect(Object.keys(fleet.nodes)).toEqual(["good"]);
    expect(fleet.failures.bad.state).toBe("failed");
    expect(leftOn("bad")).toEqual([]);
  });

  test("an agent that hangs past the host deadline: state timeout; exit 5; the binary still removed", () => {
    host("slow", "x86_64", { "agent-hangs": "" });
    host("fast", "x86_64");
    const out = join(root, "f.yaml");
    const r = aicr(["snapshot", "--ssh", "slow,fast", "--timeout", "2s", "--agent-dir", AGENTS, "-o", out]);
    expect(r.code).toBe(5);
    expect(stderrLines(r)[0]).toBe("warning: slow: timeout: no snapshot within 2s (running the agent did not finish)");
    const fleet = parse(readFileSync(out, "utf8"));
    expect(Object.keys(fleet.nodes)).toEqual(["fast"]);
    expect(fleet.failures).toEqual({ slow: { state: "timeout", reason: "no snapshot within 2s (running the agent did not finish)" } });
    expect(leftOn("slow")).toEqual([]);
    // With a 2 s deadline the agent's own collector deadline is 1 s.
    expect(logLines().some((l) => l.startsWith("agent slow linux-x64 snapshot --no-cluster --timeout 1s"))).toBe(true);
  });

  test("a machine type without an agent build: state failed; the temporary directory removed", () => {
    host("power", "ppc64le");
    host("x", "x86_64");
    const r = aicr(["snapshot", "--ssh", "power,x", "--agent-dir", AGENTS, "-o", join(root, "f.yaml")]);
    expect(r.code).toBe(8);
    expect(stderrLines(r)[0]).toBe('warning: power: failed: unsupported machine type "ppc64le" (agent builds: linux-x64, linux-arm64)');
    expect(leftOn("power")).toEqual([]);
  });

  test("an unknown host name is unreachable", () => {
    host("known", "x86_64");
    const r = aicr(["snapshot", "--ssh", "known,ghost", "--agent-dir", AGENTS, "-o", join(root, "f.yaml")]);
    expect(r.code).toBe(6);
    expect(stderrLines(r)[0]).toBe("warning: ghost: unreachable: ssh: Could not resolve hostname ghost: Name or service not known");
  });

  test("a partial snapshot (agent exit 9) is kept, with a warning", () => {
    host("part", "x86_64", { "agent-partial": "" });
    const r = aicr(["snapshot", "--ssh", "part", "--agent-dir", AGENTS]);
    expect(r.code).toBe(0);
    expect(stderrLines(r)[0]).toBe("warning: part: partial snapshot (a collector failed or timed out; see its status)");
    const fleet = parse(r.stdout);
    expect(fleet.nodes.part.status.complete).toBe(false);
    expect(fleet.failures).toEqual({});
  });

  test("every host refusing: a fleet with only failures is still written", () => {
    host("a", null, { unreachable: "" });
    host("b", null, { unreachable: "" });
    const out = join(root, "f.yaml");
    const r = aicr(["snapshot", "--ssh", "a,b", "--agent-dir", AGENTS, "-o", out]);
    expect(r.code).toBe(6);
    const fleet = parse(readFileSync(out, "utf8"));
    expect(fleet.nodes).toEqual({});
    expect(Object.keys(fleet.failures)).toEqual(["a", "b"]);
  });
});

describe("interrupted", () => {
  test("SIGINT: running hosts stopped and cleaned up, hosts not started skipped, the fleet still written", async () => {
    host("hang", "x86_64", { "agent-hangs": "" });
    host("later", "x86_64");
    const out = join(root, "f.yaml");
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("AICR_")) base[k] = v;
    const p = Bun.spawn([BUN, join(REPO, "cli", "main.ts"), "snapshot", "--ssh", "hang,later", "--ssh-parallel", "1", "--agent-dir", AGENTS, "-o", out], {
      cwd: REPO,
      env: { ...base, HOME: root, NO_COLOR: "1", PATH: `${FAKE}:${process.env["PATH"] ?? "/usr/bin:/bin"}`, FAKE_SSH_ROOT: root },
      stdout: "pipe",
      stderr: "pipe",
    });
    // Wait until the agent runs on the first host (it would sleep for a minute), then interrupt.
    while (!logLines().some((l) => l.startsWith("agent hang "))) await Bun.sleep(20);
    p.kill("SIGINT");
    const [stderr, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
    expect(code).toBe(8);
    expect(stderr).toContain("warning: hang: failed: interrupted while running the agent\n");
    const fleet = parse(readFileSync(out, "utf8"));
    expect(fleet.failures).toEqual({
      hang: { state: "failed", reason: "interrupted while running the agent" },
      later: { state: "failed", reason: "interrupted before the host was contacted" },
    });
    expect(leftOn("hang")).toEqual([]);
    expect(logLines().some((l) => l.startsWith("ssh later "))).toBe(false);
  });
});

describe("the real agent over the fake ssh", () => {
  test("the flags we pass are the agent's; its snapshot and status arrive", () => {
    const dir = join(root, "agents");
    mkdirSync(dir);
    const wrapper = join(dir, "aicr-agent-linux-x64");
    writeFileSync(wrapper, `#!/bin/sh\nexec ${BUN} ${join(REPO, "agent", "main.ts")} "$@"\n`);
    chmodSync(wrapper, 0o755);
    host("real", "x86_64");
    const r = aicr(["snapshot", "--ssh", "real", "--agent-dir", dir, "-t", "json"]);
    expect(r.code).toBe(0);
    const fleet = JSON.parse(r.stdout);
    const node = fleet.nodes.real;
    expect(node.kind).toBe("Snapshot");
    expect(node.measurements.map((m: { type: string }) => m.type)).toContain("OS");
    expect(node.status.collectors.map((c: { name: string }) => c.name)).toEqual(["systemd", "os", "gpu"]);
    expect(leftOn("real")).toEqual([]);
  });
});

describe("bad input: one line, exit code, nothing contacted", () => {
  const expectOneLine = (r: Run, code: number, text: string) => {
    expect(stderrLines(r)).toEqual([expect.stringContaining(text)]);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
    expect(logLines()).toEqual([]);
  };
  test("a host that looks like an option", () => expectOneLine(aicr(["snapshot", "--ssh", "-oProxyCommand=id", "--agent-dir", AGENTS]), 2, 'invalid --ssh host "-oProxyCommand=id"'));
  test("--ssh-parallel 0", () => expectOneLine(aicr(["snapshot", "--ssh", "a", "--ssh-parallel", "0", "--agent-dir", AGENTS]), 2, "invalid value for --ssh-parallel: 0"));
  test("--ssh-parallel without --ssh", () => expectOneLine(aicr(["snapshot", "--ssh-parallel", "2"]), 2, "--ssh-parallel needs --ssh"));
  test("--no-cluster with --ssh", () => expectOneLine(aicr(["snapshot", "--ssh", "a", "--no-cluster"]), 2, "--no-cluster applies to a local snapshot, not to --ssh"));
  test("an agent directory without agents", () => expectOneLine(aicr(["snapshot", "--ssh", "a", "--agent-dir", root]), 3, `no agent binaries in --agent-dir ${root}`));
  test("a malformed --ssh-option", () => expectOneLine(aicr(["snapshot", "--ssh", "a", "--ssh-option", "-F/etc/x", "--agent-dir", AGENTS]), 2, 'invalid --ssh-option "-F/etc/x"'));
  test("a bad --timeout", () => expectOneLine(aicr(["snapshot", "--ssh", "a", "--timeout", "soon", "--agent-dir", AGENTS]), 2, 'invalid value for --timeout: "soon"'));
});
