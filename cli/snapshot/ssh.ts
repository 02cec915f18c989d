/**
 * Snapshots over SSH with the system's `ssh` and `scp`: for each host, in parallel with at most
 * `parallel` hosts (so connections) at a time,
 *
 *   1. `ssh host 'uname -m; mktemp -d ...'`  the machine type and a private temporary directory;
 *   2. `scp agent host:dir/aicr-agent`       the agent build for that machine (x64 or arm64);
 *   3. `ssh host 'dir/aicr-agent snapshot --no-cluster --timeout T --format yaml'`, the snapshot
 *      read from its standard output (exit 9, a partial snapshot, still counts as a snapshot);
 *   4. `ssh host 'rm -rf dir'`              always, once the directory exists, also after a failure
 *      or a timeout (with its own short deadline).
 *
 * Every step runs under the host's deadline; ssh runs with BatchMode=yes (never prompts) and a
 * ConnectTimeout. A host that fails becomes a failure entry (unreachable: ssh itself failed, exit
 * 255; timeout: the deadline passed; failed: anything else) and never stops the other hosts.
 * Cluster readings are not taken on the hosts (`--no-cluster`): nodes reached by SSH seldom hold a
 * kubeconfig; the Kubernetes view comes from the in-cluster modes.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { notFound } from "../../core/errors.ts";
import { oneLine, type NodeFailure, type NodeSnapshot } from "../../core/fleet/build.ts";
import { mapBounded } from "../../core/fleet/pool.ts";
import { agentBinaryName, agentTargetFor, agentTargets, type SshHost } from "../../core/fleet/ssh-hosts.ts";
import { decode } from "../../core/schema/decode.ts";
import { formatGoDuration } from "../../core/validate/duration.ts";
import { SnapshotSchema, snapshotFreeForm, type Snapshot } from "../../core/schema/snapshot.ts";
import { parseYaml } from "../../core/yaml.ts";
import { ExecError, type Exec } from "../../agent/exec.ts";

/** Hosts worked on at once unless --ssh-parallel says otherwise. */
export const DEFAULT_SSH_PARALLEL = 8;
/** Seconds ssh and scp wait for a TCP connection (ssh's ConnectTimeout). */
export const SSH_CONNECT_TIMEOUT_S = 10;
/** The agent's own per-collector deadline on a host, at most (less when the host deadline is short). */
export const AGENT_COLLECTOR_TIMEOUT_MS = 30_000;
/** Time allowed to remove the agent from a host, after the snapshot or after a failure. */
export const CLEANUP_TIMEOUT_MS = 30_000;
/** ssh's exit status when ssh itself failed (connection refused, unknown host, authentication). */
export const SSH_ERROR_EXIT = 255;
/** The agent's exit status for a partial snapshot (written, but a collector failed). */
export const AGENT_PARTIAL_EXIT = 9;
/** Name of the agent binary on the host, inside its temporary directory. */
export const REMOTE_AGENT_NAME = "aicr-agent";

export interface SshCollectOptions {
  hosts: readonly SshHost[];
  /** Directory holding aicr-agent-linux-x64 / aicr-agent-linux-arm64. */
  agentDir: string;
  parallel: number;
  /** Deadline per host, milliseconds. */
  hostDeadlineMs: number;
  /** Extra `-o` options for ssh and scp (IdentityFile=..., Port=..., StrictHostKeyChecking=...). */
  sshOptions?: readonly string[];
  exec: Exec;
  /** Clock in milliseconds (tests). */
  now?: () => number;
  /** Stops the collection (SIGINT): running steps are killed, hosts not started are skipped; cleanup still runs. */
  signal?: AbortSignal;
  /** Progress and problems, one line each. */
  onWarning?: (line: string) => void;
  onDebug?: (line: string) => void;
}

export interface SshCollectResult {
  snapshots: NodeSnapshot[];
  failures: NodeFailure[];
}

/** Single-quoted for a POSIX shell. */
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A directory mktemp printed: absolute, and nothing a shell could misread. */
const safeRemoteDir = /^\/[A-Za-z0-9._\/-]+$/;

const seconds = (ms: number) => `${Math.max(1, Math.floor(ms / 1000))}s`;

/** The per-collector deadline the agent gets: 30 s, or half the host deadline when that is shorter. */
export const agentCollectorTimeoutMs = (hostDeadlineMs: number): number => Math.max(1000, Math.min(AGENT_COLLECTOR_TIMEOUT_MS, Math.floor(hostDeadlineMs / 2)));

/** The first directory that holds an agent build: the given one, or the defaults in order. */
export function findAgentDir(given: string | undefined, defaults: readonly string[]): string {
  const holdsAgent = (d: string) => agentTargets.some((t) => existsSync(join(d, agentBinaryName(t))));
  if (given !== undefined) {
    let isDir = false;
    try {
      isDir = statSync(given).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir || !holdsAgent(given)) {
      throw notFound(`no agent binaries in --agent-dir ${given}: expected ${agentTargets.map(agentBinaryName).join(" and/or ")}`);
    }
    return given;
  }
  const found = defaults.find(holdsAgent);
  if (found === undefined) {
    throw notFound(`agent binaries not found (looked in ${defaults.join(", ")}): build them with "bun run build" or pass --agent-dir DIR`);
  }
  return found;
}

class HostFailure extends Error {
  constructor(
    readonly state: NodeFailure["state"],
    message: string,
  ) {
    super(message);
  }
}

/** Collect every host's snapshot; failures are results, never exceptions. */
export async function collectOverSsh(opts: SshCollectOptions): Promise<SshCollectResult> {
  const now = opts.now ?? Date.now;
  const base = ["-o", "BatchMode=yes", "-o", `ConnectTimeout=${SSH_CONNECT_TIMEOUT_S}`, ...(opts.sshOptions ?? []).flatMap((o) => ["-o", o])];
  const collectorTimeout = seconds(agentCollectorTimeoutMs(opts.hostDeadlineMs));

  const one = async (host: SshHost): Promise<NodeSnapshot | NodeFailure> => {
    if (opts.signal?.aborted) return { node: host.node, state: "failed", reason: "interrupted before the host was contacted" };
    const deadline = now() + opts.hostDeadlineMs;
    const debug = (m: string) => opts.onDebug?.(`${host.node}: ${m}`);

    /** Run a step under the host deadline; ssh's own failure (255) means the host is unreachable. */
    const step = async (what: string, file: "ssh" | "scp", args: string[], limitMs = deadline - now()) => {
      if (limitMs <= 0) throw new HostFailure("timeout", `no snapshot within ${formatGoDuration(opts.hostDeadlineMs)} (deadline passed before ${what})`);
      debug(`${what}: ${file} ${args.join(" ")}`);
      let r;
      try {
        r = await opts.exec(file, args, { timeoutMs: limitMs, ...(opts.signal ? { signal: opts.signal } : {}) });
      } catch (err) {
        if (opts.signal?.aborted) throw new HostFailure("failed", `interrupted while ${what}`);
        if (err instanceof ExecError && (err.reason === "timeout" || err.reason === "aborted")) {
          throw new HostFailure("timeout", `no snapshot within ${formatGoDuration(opts.hostDeadlineMs)} (${what} did not finish)`);
        }
        throw new HostFailure("failed", `${what}: ${(err as Error).message}`);
      }
      if (r.exitCode === SSH_ERROR_EXIT) {
        throw new HostFailure("unreachable", oneLine(r.stderr) === "no detail" ? `${file} exited with status ${SSH_ERROR_EXIT}` : oneLine(r.stderr));
      }
      return r;
    };

    let remoteDir: string | undefined;
    try {
      const prep = await step("preparing the host", "ssh", [...base, "--", host.target, `uname -m && mktemp -d "\${TMPDIR:-/tmp}/aicr-agent.XXXXXXXX"`]);
      if (prep.exitCode !== 0) throw new HostFailure("failed", `cannot prepare the host (exit ${prep.exitCode}): ${oneLine(prep.stderr)}`);
      const [machine = "", dir = ""] = prep.stdout.split("\n").map((l) => l.trim());
      if (safeRemoteDir.test(dir)) remoteDir = dir;
      else throw new HostFailure("failed", `cannot prepare the host: mktemp printed ${JSON.stringify(dir)}, not a directory path`);
      const target = agentTargetFor(machine);
      if (target === undefined) throw new HostFailure("failed", `unsupported machine type ${JSON.stringify(machine)} (agent builds: ${agentTargets.join(", ")})`);
      const local = join(opts.agentDir, agentBinaryName(target));
      if (!existsSync(local)) throw new HostFailure("failed", `no agent build for ${machine}: ${local} not found`);
      const remote = `${remoteDir}/${REMOTE_AGENT_NAME}`;

      const copy = await step("copying the agent", "scp", ["-q", "-p", ...base, "--", local, `${host.target}:${remote}`]);
      if (copy.exitCode !== 0) throw new HostFailure("failed", `cannot copy the agent (scp exit ${copy.exitCode}): ${oneLine(copy.stderr)}`);

      const run = await step("running the agent", "ssh", [
        ...base,
        "--",
        host.target,
        `chmod 700 ${shq(remote)} && exec ${shq(remote)} snapshot --no-cluster --timeout ${collectorTimeout} --format yaml`,
      ]);
      if (run.exitCode !== 0 && run.exitCode !== AGENT_PARTIAL_EXIT) {
        throw new HostFailure("failed", `the agent exited with status ${run.exitCode}: ${oneLine(run.stderr)}`);
      }
      if (run.exitCode === AGENT_PARTIAL_EXIT) opts.onWarning?.(`${host.node}: partial snapshot (a collector failed or timed out; see its status)`);
      let snapshot;
      try {
        snapshot = agentSnapshot(run.stdout, `${host.node}.yaml`);
      } catch (err) {
        throw new HostFailure("failed", `the agent's output is not a snapshot: ${(err as Error).message}`);
      }
      debug(`snapshot collected (${machine}, ${target})`);
      return { node: host.node, snapshot };
    } catch (err) {
      if (err instanceof HostFailure) return { node: host.node, state: err.state, reason: err.message };
      return { node: host.node, state: "failed", reason: (err as Error).message };
    } finally {
      if (remoteDir !== undefined) {
        try {
          const rm = await opts.exec("ssh", [...base, "--", host.target, `rm -rf ${shq(remoteDir)}`], { timeoutMs: CLEANUP_TIMEOUT_MS });
          if (rm.exitCode !== 0) opts.onWarning?.(`${host.node}: could not remove ${remoteDir} (exit ${rm.exitCode}): ${oneLine(rm.stderr)}`);
        } catch (err) {
          opts.onWarning?.(`${host.node}: could not remove ${remoteDir}: ${(err as Error).message}`);
        }
      }
    }
  };

  const results = await mapBounded(opts.hosts, opts.parallel, one);
  const snapshots: NodeSnapshot[] = [];
  const failures: NodeFailure[] = [];
  for (const r of results) {
    if ("snapshot" in r) snapshots.push(r);
    else failures.push(r);
  }
  return { snapshots, failures };
}

/**
 * The agent's output as a Snapshot, keeping its `status` block (which collectors delivered), which the
 * Snapshot schema does not carry but a fleet keeps.
 */
export function agentSnapshot(text: string, name: string): Snapshot {
  const parsed = parseYaml(text, name, (path) => snapshotFreeForm(path) || path[0] === "status");
  const snapshot = decode(SnapshotSchema, parsed, name);
  const status = isMap(parsed.value) ? parsed.value["status"] : undefined;
  return status === undefined ? snapshot : ({ ...snapshot, status } as Snapshot);
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
