#!/usr/bin/env bun
/**
 * `aicr-agent`: the node agent. `aicr-agent snapshot` measures the node it runs on and writes a Snapshot
 * document to stdout or a file; `aicr-agent check <name>` runs one validation check (what validator
 * Jobs run). Every failure becomes one `error:` line on stderr and an exit status (stack traces only
 * with --debug). Collectors, writers and checks load only when their command runs.
 */
import { AicrError, errorDetails, exitCodeFor, invalid, renderError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { watchInterrupts } from "./interrupts.ts";
import { flagHelp, parseFlags, type FlagDef } from "./flags.ts";

/** Exit status of a snapshot that was written but is partial (a collector failed or timed out). */
export const EXIT_PARTIAL_SNAPSHOT = 9;
/** Exit status after SIGINT / SIGTERM (128 + signal number); nothing is written. */
export const EXIT_INTERRUPTED: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };

const snapshotFlags: readonly FlagDef[] = [
  { name: "output", alias: "o", type: "string", value: "PATH", description: 'Write the snapshot to PATH (atomically) instead of stdout; "-" means stdout' },
  { name: "format", alias: "t", type: "string", value: "FORMAT", description: "Output format: yaml (default) or json" },
  { name: "template", type: "string", value: "SOURCE", description: "Render with a Go template (Sprig functions): FILE, URL or builtin:report" },
  { name: "host-root", type: "string", value: "DIR", description: "Read host files and find host commands under DIR, e.g. /host (default /)" },
  { name: "timeout", type: "string", value: "DURATION", description: "Deadline of each collector, e.g. 30s or 1m (default 30s)" },
  { name: "kubeconfig", type: "string", value: "PATH", description: "Kubeconfig for the cluster readings and cm:// output (default: KUBECONFIG, ~/.kube/config, in-cluster)" },
  { name: "no-cluster", type: "boolean", description: "Do not contact Kubernetes: skip the K8s and NodeTopology collectors" },
  { name: "require-gpu", type: "boolean", description: "Fail (exit 3) unless nvidia-smi reports at least one GPU" },
  { name: "no-redact", type: "boolean", description: "Keep secrets (tokens, passwords, environment values) in the readings" },
  { name: "debug", type: "boolean", description: "Report every collector's outcome, and stack traces on errors" },
  { name: "help", alias: "h", type: "boolean", description: "Show this help" },
];

const rootHelp = `aicr-agent ${VERSION}: the AI Cluster Runtime node agent

Usage:
  aicr-agent snapshot [flags]   Measure this node (OS, GPU, systemd, Kubernetes) and write a Snapshot document
  aicr-agent check <name>       Run one validation check against the cluster (validator Jobs run this)
  aicr-agent --version          Print the version
  aicr-agent --help             Show this help

Run "aicr-agent snapshot --help" for the snapshot flags, "aicr-agent check --help" for the checks.
`;

const snapshotHelp = `Measure this node and write a Snapshot document (kind: Snapshot, apiVersion: aicr.nvidia.com/v1alpha1).

Collectors (K8s, SystemD, OS, GPU, NodeTopology) run concurrently, each under its own deadline (30s
unless --timeout says otherwise); a collector that fails or times out costs only its own measurement,
and its commands are killed. Without a reachable cluster the K8s and NodeTopology readings are skipped. The document's extra top-level
"status" says which collectors delivered, whether the snapshot is complete, and which readings had
secrets redacted.

Usage:
  aicr-agent snapshot [flags]

Flags:
${flagHelp(snapshotFlags)}

Exit status:
  0    complete snapshot written
  1    unexpected error
  2    invalid command line: unknown flag, unknown format, bad duration, unusable --output or --host-root,
       a --template that does not parse (template: NAME:LINE:COL: ...) or fails to render
  3    --require-gpu was set and no GPU was detected, or the --template file was not found (nothing written)
  8    the snapshot could not be written
  ${EXIT_PARTIAL_SNAPSHOT}    partial snapshot: written, but a collector failed or timed out (see status.collectors)
  130  interrupted by SIGINT, 143 by SIGTERM (nothing written)

Output to cm://namespace/name stores the snapshot in a ConfigMap (server-side apply; compressed when it
would exceed the 1 MiB ConfigMap limit), labelled with the node name and the agent version.
`;

export interface MainIo {
  out: (text: string) => Promise<void>;
  err: (text: string) => void;
}

// Bun's writers: touching process.stdout/stderr builds Node streams, which slows start-up noticeably.
let stderrQueue: Promise<unknown> = Promise.resolve();
const defaultIo: MainIo = {
  out: async (text) => {
    await Bun.write(Bun.stdout, text);
  },
  err: (text) => {
    stderrQueue = stderrQueue.then(() => Bun.write(Bun.stderr, text));
  },
};

async function checkHostRoot(dir: string): Promise<void> {
  const { statSync } = await import("node:fs");
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw invalid(`invalid value for --host-root: ${dir} does not exist`);
  }
  if (!isDir) throw invalid(`invalid value for --host-root: ${dir} is not a directory`);
}

async function runSnapshot(argv: readonly string[], io: MainIo, debugRef: { debug: boolean }): Promise<number> {
  const flags = parseFlags(argv, snapshotFlags, "aicr-agent snapshot --help");
  debugRef.debug ||= flags["debug"] === true;
  if (flags["help"] === true) {
    await io.out(snapshotHelp);
    return 0;
  }
  const [{ parseOutputFormat, serializeSnapshot }, { parseGoDuration }, { checkOutputTarget, writeOutput }] = await Promise.all([
    import("./snapshot-format.ts"),
    import("../core/validate/duration.ts"),
    import("./output.ts"),
  ]);
  const format = parseOutputFormat((flags["format"] as string | undefined) ?? "yaml");
  let timeoutMs: number | undefined;
  if (flags["timeout"] !== undefined) {
    timeoutMs = parseGoDuration(flags["timeout"] as string, "--timeout");
    if (timeoutMs <= 0) throw invalid(`invalid value for --timeout: "${flags["timeout"]}" (must be greater than 0)`);
  }
  const hostRoot = (flags["host-root"] as string | undefined) ?? "/";
  await checkHostRoot(hostRoot);
  const output = flags["output"] as string | undefined;
  checkOutputTarget(output);
  const toConfigMap = output !== undefined && output.trim().startsWith("cm://");
  const render = flags["template"] === undefined ? undefined : await (await import("./template-flag.ts")).prepareTemplate(String(flags["template"]), { toConfigMap, formatGiven: flags["format"] !== undefined });
  const kubeconfig = flags["kubeconfig"] as string | undefined;
  const noCluster = flags["no-cluster"] === true;
  if (toConfigMap && noCluster) throw invalid("--no-cluster cannot be combined with a cm:// output");
  const kube = toConfigMap || !noCluster ? await import("./cluster.ts") : undefined;
  if (toConfigMap) kube?.parseConfigMapUri((output as string).trim());
  const clientRef = kube?.lazyClient({ kubeconfig });
  // A ConfigMap destination needs a cluster: find out before measuring anything.
  if (toConfigMap) clientRef?.get();

  const [{ createCollectors }, { takeSnapshot }] = await Promise.all([import("./collector.ts"), import("./snapshot.ts")]);
  const stops = watchInterrupts();
  let doc;
  try {
    doc = await takeSnapshot({
      collectors: await createCollectors({
        extra: kube && !noCluster && clientRef ? await kube.clusterCollectors(clientRef, (m) => debugRef.debug && io.err(`debug: ${m}\n`)) : [],
      }),
      hostRoot,
      timeoutMs,
      requireGpu: flags["require-gpu"] === true,
      noRedact: flags["no-redact"] === true,
      signal: stops.signal,
    });
  } catch (err) {
    const sig = stops.received();
    if (sig) {
      io.err(`error: ${sig === "SIGINT" ? "interrupted" : "terminated"}; no snapshot written\n`);
      return EXIT_INTERRUPTED[sig];
    }
    throw err;
  } finally {
    stops.dispose();
  }

  for (const c of doc.status.collectors) {
    if (c.state === "failed" || c.state === "timeout") {
      io.err(`warning: ${c.name} collector ${c.state === "timeout" ? "timed out" : "failed"}: ${c.error ?? "no detail"}\n`);
    } else if (debugRef.debug) {
      io.err(`debug: ${c.name} collector ${c.state}${c.error ? `: ${c.error}` : ""}\n`);
    }
  }
  if (debugRef.debug && doc.status.redacted.length > 0) io.err(`debug: redacted ${doc.status.redacted.join(", ")}\n`);

  if (toConfigMap && kube && clientRef) {
    const uri = (output as string).trim();
    const res = await kube.writeSnapshotConfigMap(clientRef, uri, serializeSnapshot(doc, format, { forConfigMap: true }), format, VERSION, String(doc.metadata["source-node"] ?? ""));
    io.err(`snapshot written to ${uri}${res.compressed ? " (gzip-compressed)" : ""}\n`);
  } else {
    const text = render ? render(doc) : serializeSnapshot(doc, format);
    if (output === undefined || output.trim() === "" || output.trim() === "-") await io.out(text);
    else await writeOutput(output, text);
  }

  if (!doc.status.complete) {
    io.err(`warning: the snapshot is partial (exit status ${EXIT_PARTIAL_SNAPSHOT}); see status.collectors\n`);
    return EXIT_PARTIAL_SNAPSHOT;
  }
  return 0;
}

/** Run the agent with `argv` (without the program name); resolves with the exit status. */
export async function main(argv: readonly string[], io: MainIo = defaultIo): Promise<number> {
  // Known before parsing, so that even a command-line error can show its stack trace.
  const debugRef = { debug: argv.includes("--debug") };
  try {
    let rest = [...argv];
    while (rest[0] === "--debug") {
      debugRef.debug = true;
      rest = rest.slice(1);
    }
    const [first, ...args] = rest;
    if (first === "--version" || first === "-v") {
      if (args.length > 0) throw invalid(`unexpected argument "${args[0]}" after ${first}`);
      await io.out(`aicr-agent version ${VERSION}\n`);
      return 0;
    }
    if (first === undefined || first === "--help" || first === "-h" || first === "help") {
      await io.out(rootHelp);
      return 0;
    }
    if (first === "snapshot") return await runSnapshot(args, io, debugRef);
    if (first === "check") {
      debugRef.debug ||= args.includes("--debug");
      const { runCheckCommand } = await import("./checks/command.ts");
      // Evidence lines are written in order, and all of them before the exit.
      let written: Promise<void> = Promise.resolve();
      const code = await runCheckCommand(args, { out: (t) => void (written = written.then(() => io.out(t))), err: io.err });
      await written;
      return code;
    }
    if (first.startsWith("-")) throw invalid(`unknown flag: ${first} (run "aicr-agent --help" for usage)`);
    throw invalid(`unknown command "${first}" (run "aicr-agent --help" for usage)`);
  } catch (err) {
    io.err(`error: ${renderError(err)}\n`);
    for (const d of errorDetails(err)) io.err(`  ${d}\n`);
    if (debugRef.debug && err instanceof Error && err.stack) io.err(`${err.stack}\n`);
    return err instanceof AicrError ? exitCodeFor(err) : 1;
  }
}

if (import.meta.main) {
  void main(Bun.argv.slice(2)).then(async (code) => {
    await stderrQueue;
    process.exit(code);
  });
}
