/**
 * `aicr snapshot`: measure nodes and write Snapshot documents.
 *
 * Modes (one per run), chosen in this order:
 *   --ssh HOSTS       (below)
 *   --local, or a local-only flag (--host-root, --no-cluster, --require-gpu)
 *                     this machine, through the agent's collectors in-process (as upstream's agent does
 *                     inside its Job): a `Snapshot`.
 *   --fleet           the agent DaemonSet (manifests/daemonset.yaml) on every GPU node, or on the nodes
 *                     --node-selector matches; one ConfigMap per node, gathered into a `FleetSnapshot`
 *                     (cli/snapshot/fleet.ts). Nodes that fail or pass --timeout are listed under
 *                     `failures`; CPU nodes are left out (and named on stderr).
 *   Job mode          the agent Job (manifests/job.yaml) on one node: --node-selector's, else a GPU node
 *                     (warning when the cluster has none); its log on stderr; the ConfigMap it wrote read
 *                     back (cli/snapshot/job.ts): a `Snapshot`. Used when a Job flag is given (--namespace,
 *                     --image, --image-pull-secret, --node-selector, --toleration, --no-cleanup), and
 *                     otherwise when a cluster is configured and answers within CLUSTER_PROBE_TIMEOUT_MS;
 *                     with no cluster configured or reachable the snapshot is local (reachable but
 *                     unconfigured is never guessed).
 *   Both cluster modes apply the agent's least-privilege RBAC (manifests/rbac.yaml) and remove
 *   everything they created afterwards unless --no-cleanup.
 *   --ssh HOSTS       each `user@host` over the system's ssh/scp: the agent build for the host's machine
 *                     type is copied, run and removed (cli/snapshot/ssh.ts). Always a `FleetSnapshot`,
 *                     also for one host, so that a host that failed is kept and marked under `failures`
 *                     and scripts see one document shape. Feed it to `aicr diff FLEET` or
 *                     `aicr validate --snapshot`.
 *
 * Output: `-o` file (atomic), `-`/stdout, or `cm://namespace/name`; `-t yaml` (default) or `json`.
 *
 * Exit codes: 0 written; 1 flag syntax; 2 invalid flags or hosts; 3 no agent binaries (SSH), no GPU
 * with --require-gpu, a --node-selector matching no node, --fleet on a cluster without GPU nodes; 4 a
 * permission the cluster modes need is missing (named); 5 local capture past --timeout, or every failed
 * host / node timed out; 6 every failed host was unreachable, or no cluster reachable in a cluster mode;
 * 8 the output cannot be written, the agent Job failed or timed out, or hosts / nodes failed for mixed
 * or other reasons. With --fleet, as with --ssh, the fleet snapshot is written before a non-zero exit.
 * With --ssh a run where some hosts failed still writes the fleet snapshot (the failures marked) before
 * it exits non-zero; each failed host gets one warning line on stderr.
 */
import { dirname, join } from "node:path";
import { AicrError, ErrorCode, invalid } from "../../core/errors.ts";
import { buildFleetSnapshot, type NodeFailure } from "../../core/fleet/build.ts";
import { parseSshHosts } from "../../core/fleet/ssh-hosts.ts";
import { parseGoDuration } from "../../core/validate/duration.ts";
import { parseNodeSelectors, parseTolerations, splitList } from "../../core/validate/scheduling.ts";
import { DEFAULT_AGENT_IMAGE, DEFAULT_AGENT_NAMESPACE } from "../snapshot/cluster.ts";
import { VERSION } from "../../core/version.ts";
import { log } from "../logger.ts";
import { writeStderr } from "../stdio.ts";
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
/** Flags of the cluster modes (Job and --fleet); any of them selects Job mode unless --fleet is given. */
const clusterOnly = ["namespace", "image", "image-pull-secret", "node-selector", "toleration", "no-cleanup"] as const;
/** How long the API server may take to answer /version before an unflagged run falls back to local mode. */
export const CLUSTER_PROBE_TIMEOUT_MS = 5_000;
const namespacePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const command: Command = {
  meta: {
    name: "snapshot",
    description:
      "Measure nodes (OS, kernel, GPU, systemd, Kubernetes): this machine, SSH hosts, one node through the agent Job, or every GPU node (--fleet)",
  },
  args: {
    output: { type: "string", alias: ["o"], description: "Destination: file, - for stdout, or cm://namespace/name", valueHint: "path" },
    format: { type: "string", alias: ["t"], description: "Output format: yaml (default) or json", default: "yaml", valueHint: "format" },
    timeout: {
      type: "string",
      default: DEFAULT_SNAPSHOT_TIMEOUT,
      description: "Deadline of the capture; with --ssh of each host, in Job mode of the Job, with --fleet of each node (Go duration)",
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
    local: {
      type: "boolean",
      description:
        "Snapshot this machine in-process (also implied by --host-root, --no-cluster, --require-gpu). Without --local, --ssh or --fleet: one node through the agent Job when a cluster is configured and answers (any Job flag insists on it), else this machine",
    },
    fleet: { type: "boolean", description: "Snapshot every GPU node (or --node-selector's) through the agent DaemonSet; writes a FleetSnapshot" },
    namespace: { type: "string", alias: ["n"], description: "Cluster modes: namespace of the agent objects (default aicr, or AICR_NAMESPACE)", valueHint: "name" },
    image: { type: "string", description: "Cluster modes: agent image (default ghcr.io/nvidia/aicr:v0.11.1, or AICR_IMAGE)", valueHint: "image" },
    "image-pull-secret": { type: "string", multiple: true, description: "Cluster modes: image pull secret for the agent pods (repeatable)", valueHint: "name" },
    "node-selector": { type: "string", multiple: true, description: "Cluster modes: run on nodes with these labels (key=value, repeatable; default: GPU nodes)", valueHint: "k=v" },
    toleration: { type: "string", multiple: true, description: "Cluster modes: pod toleration key=value:Effect or key:Effect (repeatable; default: tolerate all)", valueHint: "t" },
    "no-cleanup": { type: "boolean", description: "Cluster modes: keep the Job/DaemonSet, RBAC and the agent's ConfigMaps" },
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
  const fleet = Boolean(args["fleet"]);
  const local = Boolean(args["local"]) || localOnly.some((f) => ctx.given.has(f));
  if (ssh.length > 0) {
    for (const f of localOnly) if (ctx.given.has(f)) throw invalid(`--${f} applies to a local snapshot, not to --ssh`);
    for (const f of [...clusterOnly, "local", "fleet"]) if (ctx.given.has(f)) throw invalid(`--${f} does not apply to --ssh`);
  } else {
    for (const f of sshOnly) if (ctx.given.has(f)) throw invalid(`--${f} needs --ssh`);
  }
  if (local) {
    const clash = [...clusterOnly, "fleet"].find((f) => ctx.given.has(f));
    if (clash) throw invalid(`--${clash} applies to the cluster modes, not to a local snapshot (${ctx.given.has("local") ? "--local" : localOnly.filter((f) => ctx.given.has(f)).map((f) => `--${f}`).join(", ")})`);
  }
  if (!isConfigMap(output) && !isStdout(output)) {
    const { checkOutputTarget } = await import("../../agent/output.ts");
    checkOutputTarget(output);
  }
  await checkDestination(output, { kubeconfig });
  const common = { format, output, kubeconfig, deadlineMs };
  if (ssh.length > 0) return runSsh(ctx, ssh, common);
  if (local) return runLocal(ctx, common);
  const cluster = clusterOptions(ctx);
  const explicit = fleet || clusterOnly.some((f) => ctx.given.has(f));
  const client = await clusterClient(kubeconfig, explicit);
  if (!client) return runLocal(ctx, common);
  if (fleet) return runFleet(client, cluster, common);
  return runJob(client, cluster, common);
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
function failedHostsError(failures: readonly NodeFailure[], total: number, where: string, noun = "hosts"): AicrError {
  const states = new Set(failures.map((f) => f.state));
  const code = states.size === 1 && states.has("unreachable") ? ErrorCode.ServiceUnavailable : states.size === 1 && states.has("timeout") ? ErrorCode.Timeout : ErrorCode.Internal;
  const names = failures.map((f) => `${f.node} ${f.state}`).join(", ");
  return new AicrError(
    code,
    `${failures.length} of ${total} ${noun} gave no snapshot (${names}); the fleet snapshot written to ${where} keeps the other ${total - failures.length} and marks the failures`,
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

// ------------------------------------------------------------------ cluster modes (Job, --fleet)

interface ClusterOptions {
  namespace: string;
  image: string;
  imagePullSecrets: string[];
  nodeSelector: Record<string, string>;
  tolerations: import("../../core/validate/scheduling.ts").Toleration[];
  cleanup: boolean;
}

function clusterOptions(ctx: RunContext): ClusterOptions {
  const args = ctx.args;
  const namespace = str(args["namespace"]) ?? str(Bun.env["AICR_NAMESPACE"]) ?? DEFAULT_AGENT_NAMESPACE;
  if (!namespacePattern.test(namespace) || namespace.length > 63) throw invalid(`invalid --namespace "${namespace}": expected a Kubernetes namespace name (lower-case letters, digits and -)`);
  const image = str(args["image"]) ?? str(Bun.env["AICR_IMAGE"]) ?? DEFAULT_AGENT_IMAGE;
  if (/\s/.test(image)) throw invalid(`invalid --image "${image}"`);
  return {
    namespace,
    image,
    imagePullSecrets: splitList(list(args["image-pull-secret"])),
    nodeSelector: parseNodeSelectors(list(args["node-selector"])),
    tolerations: parseTolerations(list(args["toleration"])),
    cleanup: !args["no-cleanup"],
  };
}

/**
 * A client for the cluster modes, or undefined for local mode: with `explicit` (a cluster flag given)
 * an unconfigured or unreachable cluster is an error (SERVICE_UNAVAILABLE, one line); without, it
 * means a local snapshot (with a warning when a cluster is configured but does not answer).
 */
async function clusterClient(kubeconfig: string | undefined, explicit: boolean): Promise<import("../../agent/kube/client.ts").KubeClient | undefined> {
  const { createKubeClient } = await import("../../agent/kube/client.ts");
  const hint = "use --local for a snapshot of this machine, or --ssh for hosts";
  let client;
  try {
    client = createKubeClient(kubeconfig ? { kubeconfig } : {});
  } catch (err) {
    if (!explicit) {
      log.debug(`no cluster configured (${(err as Error).message}): local snapshot`);
      return undefined;
    }
    throw new AicrError(ErrorCode.ServiceUnavailable, `no cluster reachable: ${(err as Error).message}; ${hint}`);
  }
  try {
    await client.version({ timeoutMs: CLUSTER_PROBE_TIMEOUT_MS });
  } catch (err) {
    if (!explicit) {
      log.warn(`no cluster reachable (${(err as Error).message}); taking a local snapshot of this machine (--local says so)`);
      return undefined;
    }
    throw new AicrError(ErrorCode.ServiceUnavailable, `no cluster reachable: ${(err as Error).message}; ${hint}`);
  }
  return client;
}

const agentLine = (line: string) => writeStderr(`agent: ${line}\n`);

async function runJob(client: import("../../agent/kube/client.ts").KubeClient, o: ClusterOptions, c: Common): Promise<void> {
  const [{ snapshotWithJob }, { agentCollectorTimeoutMs, agentSnapshot }, { parseConfigMapUri }] = await Promise.all([
    import("../snapshot/job.ts"),
    import("../snapshot/ssh.ts"),
    import("../../agent/kube/configmap.ts"),
  ]);
  const outRef = isConfigMap(c.output) ? parseConfigMapUri((c.output as string).trim()) : undefined;
  const where = isStdout(c.output) ? "stdout" : (c.output as string).trim();
  await snapshotWithJob({
    client,
    ...o,
    timeoutMs: c.deadlineMs,
    agentTimeoutMs: agentCollectorTimeoutMs(c.deadlineMs),
    ...(outRef ? { outputConfigMap: outRef } : {}),
    info: (l) => log.info(l),
    warn: (l) => log.warn(l),
    agentLog: agentLine,
    deliver: async (r) => {
      const snap = agentSnapshot(r.document.text, r.document.source) as Record<string, any>;
      if (r.jobFailed || snap["status"]?.["complete"] === false) log.warn(`the snapshot of ${r.node} is partial (a collector failed or timed out; see status.collectors)`);
      if (outRef && outRef.namespace === r.document.ref.namespace && outRef.name === r.document.ref.name) {
        log.info(`snapshot of ${r.node} is in ${where}`);
        return;
      }
      const yamlText = r.document.text.endsWith("\n") ? r.document.text : `${r.document.text}\n`;
      const jsonText = JSON.stringify(snap, null, 2);
      await writeDocument(
        c.output,
        { text: c.format === "json" ? `${jsonText}\n` : yamlText, configMapText: c.format === "json" ? jsonText : r.document.text, format: c.format, kind: "Snapshot" },
        { ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}), version: VERSION },
      );
      log.info(`snapshot of ${r.node} written`, { output: where });
    },
  });
}

async function runFleet(client: import("../../agent/kube/client.ts").KubeClient, o: ClusterOptions, c: Common): Promise<void> {
  const [{ snapshotFleet }, { agentCollectorTimeoutMs }, { serializeFleetSnapshot }] = await Promise.all([
    import("../snapshot/fleet.ts"),
    import("../snapshot/ssh.ts"),
    import("../../core/fleet/format.ts"),
  ]);
  const where = isStdout(c.output) ? "stdout" : (c.output as string).trim();
  const res = await snapshotFleet({
    client,
    ...o,
    nodeDeadlineMs: c.deadlineMs,
    agentTimeoutMs: agentCollectorTimeoutMs(c.deadlineMs),
    info: (l) => log.info(l),
    warn: (l) => log.warn(l),
    deliver: async (r) => {
      for (const f of r.failures) if (f.state !== "failed") log.warn(`${f.node}: ${f.state}: ${f.reason}`);
      const doc = buildFleetSnapshot({ timestamp: rfc3339Seconds(new Date()), version: VERSION, source: "daemonset", snapshots: r.snapshots, failures: r.failures });
      await writeDocument(
        c.output,
        { text: serializeFleetSnapshot(doc, c.format), configMapText: serializeFleetSnapshot(doc, c.format, { forConfigMap: true }), format: c.format, kind: "FleetSnapshot" },
        { ...(c.kubeconfig ? { kubeconfig: c.kubeconfig } : {}), version: VERSION },
      );
      log.info(`collected ${r.snapshots.length} of ${r.total} snapshots through the DaemonSet`, { output: where });
    },
  });
  if (res.failures.length > 0) throw failedHostsError(res.failures, res.total, where, "nodes");
}

export default command;
