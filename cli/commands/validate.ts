/**
 * `aicr validate`: check a resolved recipe against a cluster snapshot and write a CTRF report.
 *
 * Readiness (the recipe's constraints against the snapshot) always runs first; a constraint that is
 * not met stops everything and no report is written. Then the requested phases run in order
 * (deployment, performance, conformance by default); `--no-cluster` reports every check of each phase
 * as skipped. A human summary goes to stderr; the report to stdout or `--output`, written atomically.
 * A FleetSnapshot as `--snapshot` gets readiness per node (core/validate/fleet.ts).
 *
 * Exit codes: 0 success (also when a phase only has status `other`); 1 flag syntax (unknown flag,
 * missing value); 2 invalid `--phase`, missing `--recipe`, bad `--timeout`, `--toleration`,
 * `--node-selector` or `--namespace`, a `cm://` `--output`; 8 recipe or snapshot cannot be loaded
 * (missing file, malformed YAML/JSON, wrong kind such as an overlay given as `--recipe`, `cm://`
 * sources, no `--snapshot`), `--data` problems, readiness constraint not met (no report), a phase
 * failed with `--fail-on-error` (report written first), or live phases requested without a
 * reachable cluster.
 *
 * Live phases run validator Jobs on the cluster found by --kubeconfig, KUBECONFIG, ~/.kube/config or
 * the in-cluster service account (agent/validate/live-runner.ts): each check is a Job running
 * `aicr-agent check <name>`, waited for up to its catalogue timeout (or --timeout when given).
 */
import { AicrError, ErrorCode, internal, invalid } from "../../core/errors.ts";
import type { Store } from "../../core/catalogue/store.ts";
import type { RecipeResultDocument } from "../../core/schema/recipe-result.ts";
import type { SnapshotInput } from "../../core/fleet/document.ts";
import { fleetNodes, nodeScopedConstraints, runFleetValidation, unvalidated } from "../../core/validate/fleet.ts";
import { selectionWarnings } from "../../core/validate/checks.ts";
import { parseGoDuration } from "../../core/validate/duration.ts";
import { phaseValues, selectPhases } from "../../core/validate/phases.ts";
import { readinessError } from "../../core/validate/readiness.ts";
import { reportJson } from "../../core/validate/report.ts";
import type { PhaseRunner } from "../../core/validate/runner.ts";
import { runValidation, type PhaseOutcome } from "../../core/validate/run.ts";
import { parseNodeSelectors, parseTolerations } from "../../core/validate/scheduling.ts";
import { readinessFailureText, readinessLines, summaryText } from "../../core/validate/summary.ts";
import { VERSION } from "../../core/version.ts";
import { dataArg, kubeconfigArg } from "../args.ts";
import { loadStore } from "../catalogue.ts";
import { loadSnapshotInput } from "../snapshot/input.ts";
import { checkDestination, readSource, writeDocument } from "../sources.ts";
import { isStdout } from "../io.ts";
import { log } from "../logger.ts";
import type { Command, RunContext } from "../runner.ts";
import { writeStderr } from "../stdio.ts";

export const DEFAULT_NAMESPACE = "aicr-validation";
export const DEFAULT_TIMEOUT = "5m";

/** Never called: with --no-cluster, or no live phase selected, nothing runs on a cluster. */
const noLiveRunner: PhaseRunner = {
  run: async () => {
    throw internal("no live phase was expected to run");
  },
};

const envTrue = (v: string | undefined) => v !== undefined && /^(1|true|yes)$/i.test(v);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);

/**
 * The cluster runner, loaded only when live phases run. It connects in `begin` (after readiness), so
 * a missing cluster fails the run there: "validation failed: ... no Kubernetes cluster configured".
 */
async function clusterRunner(ctx: RunContext, store: Store): Promise<PhaseRunner> {
  const { createLiveRunner } = await import("../../agent/validate/live-runner.ts");
  const args = ctx.args;
  return createLiveRunner({
    version: VERSION,
    env: Bun.env,
    imagePullSecrets: list(args["image-pull-secret"]).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== ""),
    ...(ctx.given.has("timeout") ? { timeoutOverrideMs: parseGoDuration(String(args["timeout"])) } : {}),
    manifestText: (path) => store.files.get(path)?.text,
    info: (m) => log.info(m),
    warn: (m) => log.warn(m),
  });
}

async function loadRecipe(source: string, kubeconfig: string | undefined): Promise<RecipeResultDocument> {
  try {
    const { documentFormat, decodeRecipeResult } = await import("../../core/validate/documents.ts");
    const input = await readSource(source, "recipe", { kubeconfig });
    if (documentFormat(input.name).guessed) log.warn(`recipe ${source} has no .yaml/.yml/.json suffix; reading it as JSON`);
    return decodeRecipeResult(input.text, input.name);
  } catch (err) {
    throw internal(`failed to load recipe from ${source}`, err);
  }
}

async function obtainSnapshot(source: string | undefined, kubeconfig: string | undefined): Promise<SnapshotInput> {
  if (source === undefined) {
    // As upstream: without --snapshot the agent Job runs on the cluster (even with --no-cluster).
    const { captureSnapshot } = await import("../snapshot/capture.ts");
    return captureSnapshot({ kubeconfig });
  }
  return loadSnapshotInput(source, { kubeconfig });
}

const namespacePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Logging mode as main.ts chose it: the human summary is for the plain CLI mode only. */
function plainMode(ctx: RunContext): boolean {
  return !ctx.args["debug"] && !ctx.args["log-json"] && !envTrue(Bun.env["AICR_DEBUG"]) && !envTrue(Bun.env["AICR_LOG_JSON"]);
}

function logPhases(phases: readonly PhaseOutcome[]): void {
  for (const p of phases) {
    const s = p.report.results.summary;
    log.info(`phase ${p.phase}: ${p.status}`, { phase: p.phase, status: p.status, tests: s.tests, passed: s.passed, failed: s.failed, skipped: s.skipped, other: s.other });
    for (const t of p.report.results.tests) {
      if (t.status !== "failed") continue;
      const e = t.extra ?? {};
      log.warn(`${p.phase}/${t.name} failed`, { constraint: e.constraint, expected: e.expected, actual: e.actual, remediation: e.remediation });
    }
  }
}

/** What a validate run uses from outside: replaced in tests, and by the cluster runner once it exists. */
export interface ValidateDeps {
  /** Runs live phases (default: validator Jobs on the cluster). */
  runner?: PhaseRunner;
  /** Milliseconds since the epoch (default: Date.now). */
  clock?: () => number;
  /** Where the human summary goes (default: stderr). */
  writeSummary?: (text: string) => void;
}

const command: Command = {
  meta: { name: "validate", description: "Check a recipe against a cluster snapshot (readiness, then validation phases) and write a CTRF report" },
  args: {
    recipe: { type: "string", alias: ["r"], description: "Resolved recipe (output of aicr recipe): file or URL", valueHint: "file" },
    snapshot: { type: "string", alias: ["s"], description: "Snapshot or FleetSnapshot (output of aicr snapshot): file or URL; a fleet is checked per node", valueHint: "file" },
    phase: {
      type: "string",
      multiple: true,
      description: `Phase to run, repeatable (${phaseValues.join(", ")}; default all). Readiness always runs first`,
      valueHint: "phase",
    },
    output: { type: "string", alias: ["o"], description: "CTRF report destination: file or - (default: stdout)", valueHint: "path" },
    "no-cluster": { type: "boolean", description: "Run readiness only; report every check of the requested phases as skipped" },
    // No declared default: a `true` default makes the help advertise a --no-fail-on-error the runner does not accept.
    "fail-on-error": { type: "boolean", description: "Exit 8 when a phase fails (default true; --fail-on-error=false to disable)" },
    namespace: {
      type: "string",
      alias: ["n"],
      description: `Namespace for the agent and validator Jobs (env AICR_NAMESPACE, default ${DEFAULT_NAMESPACE})`,
      valueHint: "name",
    },
    "node-selector": { type: "string", multiple: true, description: "Node selector key=value for the snapshot agent (repeatable)", valueHint: "k=v" },
    toleration: {
      type: "string",
      multiple: true,
      description: "Toleration key=value:Effect or key:Effect for agent and validator Jobs (repeatable; default tolerate all)",
      valueHint: "taint",
    },
    timeout: {
      type: "string",
      default: DEFAULT_TIMEOUT,
      description: "How long to wait for the snapshot agent Job; when given, also each validator Job's deadline instead of its catalogue timeout (Go duration)",
      valueHint: "duration",
    },
    "image-pull-secret": { type: "string", multiple: true, description: "Image pull secret for the agent and validator Jobs (repeatable)", valueHint: "name" },
    "no-cleanup": { type: "boolean", description: "Keep Jobs, RBAC and ConfigMaps after the run (for debugging)" },
    ...dataArg,
    ...kubeconfigArg,
  },
  run: (ctx) => runValidate(ctx),
};

export async function runValidate(ctx: RunContext, deps: ValidateDeps = {}): Promise<void> {
  const args = ctx.args;
  const writeSummary = deps.writeSummary ?? writeStderr;
  const timeoutMs = parseGoDuration(String(args["timeout"] ?? DEFAULT_TIMEOUT));
  if (timeoutMs <= 0) throw invalid(`invalid value for --timeout: "${String(args["timeout"])}" (must be more than 0)`);

  const store = await loadStore(args["data"] as string | undefined);
  const catalog = store.validators;
  if (!catalog) throw internal("the validator catalogue (validators/catalog.yaml) is missing from the embedded data");

  // Comma-separated values are split (like every repeatable flag); an empty value is an invalid phase.
  const selection = selectPhases(list(args["phase"]).flatMap((p) => p.split(",").map((x) => x.trim())));
  const recipeSource = typeof args["recipe"] === "string" ? args["recipe"].trim() : "";
  if (recipeSource === "") throw invalid("--recipe is required: pass the resolved recipe written by \"aicr recipe -o recipe.yaml\"");
  const output = typeof args["output"] === "string" ? args["output"] : undefined;
  await checkDestination(output, { kubeconfig: typeof args["kubeconfig"] === "string" ? args["kubeconfig"] : undefined });
  const namespace = (args["namespace"] as string | undefined) ?? Bun.env["AICR_NAMESPACE"] ?? DEFAULT_NAMESPACE;
  if (!namespacePattern.test(namespace) || namespace.length > 63) {
    throw invalid(`invalid --namespace "${namespace}": expected a Kubernetes namespace name (lower-case letters, digits and -)`);
  }

  const kubeconfig = typeof args["kubeconfig"] === "string" ? args["kubeconfig"] : undefined;
  const recipe = await loadRecipe(recipeSource, kubeconfig);
  const snapshotSource = typeof args["snapshot"] === "string" && args["snapshot"].trim() !== "" ? args["snapshot"].trim() : undefined;
  const input = await obtainSnapshot(snapshotSource, kubeconfig);
  const nodes = input.kind === "FleetSnapshot" ? fleetNodes(input.fleet) : undefined;
  if (input.kind === "FleetSnapshot") for (const line of unvalidated(input.fleet)) log.warn(line);

  const tolerations = parseTolerations(list(args["toleration"]));
  const nodeSelector = parseNodeSelectors(list(args["node-selector"]));
  for (const w of selectionWarnings(selection, recipe.validation, recipe.constraints?.length ?? 0)) log.warn(w);

  const plain = plainMode(ctx);
  const cleanup = !args["no-cleanup"];
  let run;
  try {
    const request = {
      recipe,
      selection,
      catalog,
      runner: deps.runner ?? (args["no-cluster"] || selection.phases.length === 0 ? noLiveRunner : await clusterRunner(ctx, store)),
      noCluster: Boolean(args["no-cluster"]),
      options: {
        namespace,
        nodeSelector,
        tolerations,
        timeoutMs,
        cleanup,
        ...(typeof args["kubeconfig"] === "string" ? { kubeconfig: args["kubeconfig"] } : {}),
      },
      clock: deps.clock ?? (() => Date.now()),
      version: VERSION,
    };
    run = input.kind === "FleetSnapshot" ? await runFleetValidation(request, nodes ?? []) : await runValidation({ ...request, snapshot: input.snapshot });
  } catch (err) {
    throw new AicrError(ErrorCode.Internal, "validation failed", { cause: err });
  }

  for (const r of run.readiness.results) {
    if (r.status === "missing" || r.status === "error") log.warn(`readiness: ${r.name} not evaluated: ${r.reason ?? r.status}`);
    else if (!plain) log.info(`readiness: ${r.name} ${r.status}`, { expected: r.expected, actual: r.actual ?? "" });
  }
  if (!run.ok) {
    const failure = run.readiness.failure;
    if (plain) writeSummary(readinessFailureText(run.readiness));
    throw new AicrError(ErrorCode.Internal, "validation failed", {
      cause: failure ? readinessError(failure, nodes ? nodeScopedConstraints(recipe.constraints ?? [], nodes) : recipe.constraints ?? []) : internal("readiness failed"),
    });
  }

  const json = reportJson(run.report);
  await writeDocument(output, { text: json, configMapText: json.replace(/\n$/, ""), format: "json", kind: "ValidationReport" }, { kubeconfig, version: VERSION });
  const where = isStdout(output) ? undefined : (output as string).trim();
  if (plain) writeSummary(summaryText(run.readiness, run.phases, where));
  else {
    log.info(readinessLines(run.readiness)[0] ?? "readiness");
    logPhases(run.phases);
    log.info("report written", { output: where ?? "stdout", tests: run.report.results.summary.tests });
  }
  if (!cleanup && !args["no-cluster"] && selection.phases.length > 0) {
    log.warn(
      `--no-cleanup: validator Jobs, ConfigMaps and RBAC (ServiceAccount, Role, RoleBinding aicr-validator) stay in namespace ${namespace}, and the read-only ClusterRole and ClusterRoleBinding aicr-validator in the cluster; remove them with "kubectl delete jobs,configmaps -n ${namespace} -l app.kubernetes.io/managed-by=aicr", "kubectl delete serviceaccount,role,rolebinding -n ${namespace} aicr-validator" and "kubectl delete clusterrole,clusterrolebinding aicr-validator"`,
    );
  }
  if (args["fail-on-error"] !== false && run.failed) {
    throw internal("validation failed: one or more phases did not pass");
  }
}

export default command;
