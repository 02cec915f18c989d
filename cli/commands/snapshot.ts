/**
 * `aicr snapshot`: measure nodes and write Snapshot documents.
 *
 * Modes (one per run):
 *   local (default)   this machine, through the agent's collectors in-process (as upstream's agent does
 *                     inside its Job): a `Snapshot`.
 *   --ssh HOSTS       each `user@host` over the system's ssh/scp: the agent build for the host's machine
 *                     type is copied, run and removed (cli/snapshot/ssh.ts). Always a `FleetSnapshot`,
 *                     also for one host, so that a host that failed is kept and marked under `failures`
 *                     and scripts see one document shape. Feed it to `aicr diff FLEET` or
 *                     `aicr validate --snapshot`.
 *   (the Kubernetes Job and the `--fleet` DaemonSet modes come later and plug in beside these two)
 *
 * Output: `-o` file (atomic), `-`/stdout, or `cm://namespace/name`; `-t yaml` (default) or `json`.
 *
 * Exit codes: 0 written; 1 flag syntax; 2 invalid flags or hosts; 3 no agent binaries (SSH), or no GPU
 * with --require-gpu; 5 local capture past --timeout, or every failed host timed out; 6 every failed
 * host was unreachable; 8 the output cannot be written, or hosts failed for mixed or other reasons.
 * With --ssh a run where some hosts failed still writes the fleet snapshot (the failures marked) before
 * it exits non-zero; each failed host gets one warning line on stderr.
 */
import { dirname, join } from "node:path";
import { AicrError, ErrorCode, invalid } from "../../core/errors.ts";
import { buildFleetSnapshot, type NodeFailure } from "../../core/fleet/build.ts";
import { parseSshHosts } from "../../core/fleet/ssh-hosts.ts";
import { parseGoDuration } from "../../core/validate/duration.ts";
import { VERSION } from "../../core/version.ts";
import { log } from "../logger.ts";
import type { Command, RunContext } from "../runner.ts";
import { checkDestination, isConfigMap, writeDocument } from "../sources.ts";
import { isStdout } from "../io.ts";

/** Deadline of the whole capture (local mode) or of each host (SSH mode) unless --timeout says otherwise. */
export const DEFAULT_SNAPSHOT_TIMEOUT = "5m";

const snapshotFormats = ["yaml", "json"] as const;
type SnapshotFormat = (typeof snapshotFormats)[number];

function parseSnapshotFormat(raw: string): SnapshotFormat {
  const v = raw.trim().toLowerCase();
  if ((snapshotFormats as readonly string[]).includes(v)) return v as SnapshotFormat;
  if (v === "table") throw invalid(`unknown output format: "${raw}", valid formats are: ${snapshotFormats.join(", ")} (table output of snapshots is not supported; use yaml or json)`);
  throw invalid(`unknown output format: "${raw}", valid formats are: ${snapshotFormats.join(", ")}`);
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
const rfc3339Seconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** Where the agent builds are looked for: next to a compiled CLI, else the checkout's dist/. */
export function defaultAgentDirs(): string[] {
  const compiled = import.meta.dir.startsWith("/$bunfs") || import.meta.dir.includes("~BUN");
  const nextToBinary = dirname(process.execPath);
  return compiled ? [nextToBinary] : [join(import.meta.dir, "..", "..", "dist"), nextToBinary];
}

const sshOnly = ["ssh-parallel", "ssh-option", "agent-dir"] as const;
const localOnly = ["host-root", "no-cluster", "require-gpu"] as const;

const command: Command = {
  meta: { name: "snapshot", description: "Measure nodes (OS, kernel, GPU, systemd, Kubernetes): this machine, or hosts over SSH" },
  args: {
    output: { type: "string", alias: ["o"], description: "Destination: file, - for stdout, or cm://namespace/name", valueHint: "path" },
    format: { type: "string", alias: ["t"], description: "Output format: yaml (default) or json", default: "yaml", valueHint: "format" },
    timeout: {
      type: "string",
      default: DEFAULT_SNAPSHOT_TIMEOUT,
      description: "Deadline of the capture; with --ssh, of each host (Go duration)",
      valueHint: "duration",
    },
    kubeconfig: { type: "string", alias: ["k"], description: "Kubeconfig for the cluster readings and cm:// output", valueHint: "file" },
    ssh: {
      type: "string",
      multiple: true,
      description: "Snapshot these hosts over SSH (user@host, comma-separated or repeated); writes a FleetSnapshot",
      valueHint: "user@host",
    },
    "ssh-parallel": { type: "string", int: true, description: "Hosts worked on at once with --ssh (default 8)", valueHint: "n" },
    "ssh-option": { type: "string", multiple: true, description: "Extra ssh/scp -o option with --ssh, e.g. IdentityFile=~/.ssh/id_fleet (repeatable)", valueHint: "opt" },
    "agent-dir": { type: "string", description: "Directory with aicr-agent-linux-x64/-arm64 for --ssh (default: dist/ of this build)", valueHint: "dir" },
    "no-cluster": { type: "boolean", description: "Local mode: skip the Kubernetes readings (K8s, NodeTopology)" },
    "require-gpu": { type: "boolean", description: "Local mode: fail (exit 3) unless nvidia-smi reports a GPU" },
    "host-root": { type: "string", description: "Local mode: read host files under DIR (e.g. /host), default /", valueHint: "dir" },
  },
  run: (ctx) => runSnapshot(ctx),
};

export async function runSnapshot(ctx: RunContext): Promise<void> {
  const args = ctx.args;
  const format = parseSnapshotFormat(String(args["format"] ?? "yaml"));
  const timeoutText = String(args["timeout"] ?? DEFAULT_SNAPSHOT_TIMEOUT);
  const deadlineMs = parseGoDuration(timeoutText);
  if (deadlineMs <= 0) throw invalid(`invalid value for --timeout: "${timeoutText}" (must be more than 0)`);
  const output = typeof args["output"] === "string" ? args["output"] : undefined;
  const kubeconfig = str(args["kubeconfig"]);
  const ssh = list(args["ssh"]);
  const mode = ssh.length > 0 ? "ssh" : "local";
  for (const f of mode === "ssh" ? localOnly : sshOnly) {
    if (ctx.given.has(f)) throw invalid(mode === "ssh" ? `--${f} applies to a local snapshot, not to --ssh` : `--${f} needs --ssh`);
  }
  if (!isConfigMap(output) && !isStdout(output)) {
    const { checkOutputTarget } = await import("../../agent/output.ts");
    checkOutputTarget(output);
  }
  await checkDestination(output, { kubeconfig });
  if (mode === "ssh") return runSsh(ctx, ssh, { format, output, kubeconfig, deadlineMs });
  return runLocal(ctx, { format, output, kubeconfig, deadlineMs });
}

interface Common {
  format: SnapshotFormat;
  output: string | undefined;
  kubeconfig: string | undefined;
  deadlineMs: number;
}

async function runLocal(ctx: RunContext, c: Common): Promise<void> {
  const args = ctx.args;
  const hostRoot = str(args["host-root"]);
  if (hostRoot !== undefined) {
    const { statSync } = await import("node:fs");
    let isDir = false;
    try {
      isDir = statSync(hostRoot).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw invalid(`invalid value for --host-root: ${hostRoot} is not a directory`);
  }
  const [{ captureLocal }, { serializeSnapshot }] = await Promise.all([import("../snapshot/local.ts"), import("../../agent/snapshot-format.ts")]);
  const doc = await captureLocal({
    ...(hostRoot ? { hostRoot } : {}),
    noCluster: Boolean(args["no-cluster"]),
    ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}),
    requireGpu: Boolean(args["require-gpu"]),
    deadlineMs: c.deadlineMs,
    onWarning: (l) => log.warn(l),
    onDebug: (l) => log.debug(l),
  });
  await writeDocument(
    c.output,
    { text: serializeSnapshot(doc, c.format), configMapText: serializeSnapshot(doc, c.format, { forConfigMap: true }), format: c.format, kind: "Snapshot" },
    { ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}), version: VERSION },
  );
  const node = doc.metadata["source-node"];
  log.info(`snapshot ${doc.status.complete ? "" : "(partial) "}written`, { output: isStdout(c.output) ? "stdout" : (c.output as string).trim(), ...(node ? { node } : {}) });
}

/** The error a run with failed hosts ends with: the code says what went wrong when all failures agree. */
function failedHostsError(failures: readonly NodeFailure[], total: number, where: string): AicrError {
  const states = new Set(failures.map((f) => f.state));
  const code = states.size === 1 && states.has("unreachable") ? ErrorCode.ServiceUnavailable : states.size === 1 && states.has("timeout") ? ErrorCode.Timeout : ErrorCode.Internal;
  const names = failures.map((f) => `${f.node} ${f.state}`).join(", ");
  return new AicrError(
    code,
    `${failures.length} of ${total} hosts gave no snapshot (${names}); the fleet snapshot written to ${where} keeps the other ${total - failures.length} and marks the failures`,
  );
}

async function runSsh(ctx: RunContext, ssh: string[], c: Common): Promise<void> {
  const args = ctx.args;
  const hosts = parseSshHosts(ssh);
  const { DEFAULT_SSH_PARALLEL, collectOverSsh, findAgentDir } = await import("../snapshot/ssh.ts");
  const parallel = typeof args["ssh-parallel"] === "number" ? args["ssh-parallel"] : DEFAULT_SSH_PARALLEL;
  if (parallel < 1) throw invalid(`invalid value for --ssh-parallel: ${parallel} (must be at least 1)`);
  const sshOptions = list(args["ssh-option"]).map((o) => o.trim());
  for (const o of sshOptions) if (!/^[A-Za-z][A-Za-z0-9]*[= ]\S/.test(o)) throw invalid(`invalid --ssh-option "${o}": expected Name=value, e.g. Port=2222`);
  const agentDir = findAgentDir(str(args["agent-dir"]), defaultAgentDirs());
  const { execCommand } = await import("../../agent/exec.ts");

  // Ctrl-C (or SIGTERM) stops the collection but still removes the agent from every host it reached
  // and writes what was collected; a second one ends the process at once.
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let res;
  try {
    res = await collectOverSsh({
      hosts,
      agentDir,
      parallel,
      hostDeadlineMs: c.deadlineMs,
      sshOptions,
      exec: execCommand,
      signal: interrupt.signal,
      onWarning: (l) => log.warn(l),
      onDebug: (l) => log.debug(l),
    });
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
  for (const f of res.failures) log.warn(`${f.node}: ${f.state}: ${f.reason}`);

  const fleet = buildFleetSnapshot({ timestamp: rfc3339Seconds(new Date()), version: VERSION, source: "ssh", snapshots: res.snapshots, failures: res.failures });
  const { serializeFleetSnapshot } = await import("../../core/fleet/format.ts");
  await writeDocument(
    c.output,
    {
      text: serializeFleetSnapshot(fleet, c.format),
      configMapText: serializeFleetSnapshot(fleet, c.format, { forConfigMap: true }),
      format: c.format,
      kind: "FleetSnapshot",
    },
    { ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}), version: VERSION },
  );
  const where = isStdout(c.output) ? "stdout" : (c.output as string).trim();
  log.info(`collected ${res.snapshots.length} of ${hosts.length} snapshots over SSH`, { output: where });
  const failures = Object.entries(fleet.failures).map(([node, f]) => ({ node, ...f }));
  if (failures.length > 0) throw failedHostsError(failures, hosts.length, where);
}

export default command;
