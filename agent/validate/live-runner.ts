/**
 * The cluster-backed PhaseRunner (§10.5). Once per run: the namespace, the validators' RBAC and the
 * input ConfigMaps. Per phase, for each selected check in catalogue order: one Job running
 * `aicr-agent check <name>` in the agent image, a wait bounded by the check's timeout (plus grace),
 * the pod's exit code, termination message and log turned into a CTRF test, and (with cleanup) the
 * Job deleted. After each phase its report is kept in a ConfigMap; after the run everything is
 * removed unless cleanup is off. Progress goes to `log.info` (stderr).
 */
import { randomBytes } from "node:crypto";
import { AicrError, ErrorCode, internal, renderError } from "../../core/errors.ts";
import type { ValidatorEntry } from "../../core/schema/validator-catalog.ts";
import { formatGoDuration, parseGoDuration } from "../../core/validate/duration.ts";
import { ctrfConfigMap, namespaceObject, recipeConfigMap, snapshotConfigMap } from "../../core/validate/live/data.ts";
import { validatorImage, VALIDATOR_IMAGE_REGISTRY_ENV } from "../../core/validate/live/image.ts";
import { entryTimeoutMs, validatorJob } from "../../core/validate/live/job.ts";
import { VALIDATOR_ACCOUNT } from "../../core/validate/live/labels.ts";
import { ctrfConfigMapName, recipeConfigMapName, runId, snapshotConfigMapName, validatorJobName } from "../../core/validate/live/names.ts";
import { NCCL_CONSTRAINT } from "../../core/validate/live/nccl.ts";
import { types, type KubeObjectLike } from "../../core/validate/live/objects.ts";
import { clusterRole, clusterRoleBinding, role, roleBinding, serviceAccount } from "../../core/validate/live/rbac.ts";
import { deployFailedTest, validatorTest } from "../../core/validate/live/result.ts";
import { livePhases, type LivePhase } from "../../core/validate/phases.ts";
import { phaseReport, reportJson, type CtrfTest } from "../../core/validate/report.ts";
import { completeTest, type PhaseRunner, type PhaseRunRequest, type RunContext } from "../../core/validate/runner.ts";
import { stringifyYaml } from "../../core/yaml.ts";
import { createKubeClient, type KubeClient } from "../kube/client.ts";
import { deleteJob, deleteObject } from "./cleanup.ts";
import { extractOutcome } from "./extract.ts";
import { DEFAULT_POLL_INTERVAL_MS, DEFAULT_PROGRESS_INTERVAL_MS, waitForJob } from "./job-wait.ts";
import { startNcclBenchmark, type Benchmark } from "./nccl-benchmark.ts";

/** Waiting for a Job lasts its deadline plus this (the Job controller needs time to stop it). */
export const WAIT_GRACE_MS = 30_000;
/** Time allowed for creating the namespace, RBAC and input ConfigMaps. */
export const SETUP_TIMEOUT_MS = 60_000;
/** Field managers of server-side apply: run objects, and the per-phase reports. */
export const FIELD_MANAGER = "aicr";
export const REPORT_FIELD_MANAGER = "aicr-validator";

export interface LiveRunnerConfig {
  /** Build the client (default: discovery with the run's --kubeconfig). */
  client?: (kubeconfig?: string) => KubeClient;
  /** CLI version: `:latest` images are pinned to it in release builds. */
  version: string;
  env?: Readonly<Record<string, string | undefined>>;
  imagePullSecrets?: readonly string[];
  /** Replaces every check's catalogue timeout (an explicit --timeout). */
  timeoutOverrideMs?: number;
  /** Text of a manifest file of the catalogue (for the recipe ConfigMap's manifests.json). */
  manifestText?: (path: string) => string | undefined;
  info: (message: string) => void;
  warn: (message: string) => void;
  progressIntervalMs?: number;
  pollIntervalMs?: number;
  random?: (bytes: number) => Uint8Array;
  now?: () => Date;
}

interface RunState {
  client: KubeClient;
  run: string;
  namespace: string;
  recipeCm: string;
  snapshotCm: string;
}

const secs = (ms: number) => `${Math.round(ms / 1000)}s`;

export function createLiveRunner(config: LiveRunnerConfig): PhaseRunner & { runId(): string | undefined } {
  const env = config.env ?? process.env;
  const random = config.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  let state: RunState | undefined;

  const apply = (s: RunState, ref: (typeof types)[keyof typeof types], obj: KubeObjectLike, fieldManager = FIELD_MANAGER) =>
    s.client.apply(ref, obj, { ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), fieldManager, force: true, timeoutMs: SETUP_TIMEOUT_MS });

  function manifestsOf(ctx: RunContext): Record<string, string> {
    const out: Record<string, string> = {};
    for (const ref of ctx.recipe.componentRefs) {
      for (const f of ref.manifestFiles ?? []) {
        const text = config.manifestText?.(f);
        if (text !== undefined) out[f] = text;
      }
    }
    return out;
  }

  async function begin(ctx: RunContext): Promise<void> {
    let client: KubeClient;
    try {
      client = (config.client ?? ((k) => createKubeClient(k ? { kubeconfig: k } : {})))(ctx.options.kubeconfig);
    } catch (err) {
      throw internal("cannot connect to the cluster to run the validation phases", err);
    }
    const run = runId(config.now?.() ?? new Date(), random(8));
    const ns = ctx.options.namespace;
    const s: RunState = { client, run, namespace: ns, recipeCm: recipeConfigMapName(run), snapshotCm: snapshotConfigMapName(run) };
    state = s;
    try {
      await client.create(types.namespaces, namespaceObject(ns), { timeoutMs: SETUP_TIMEOUT_MS, fieldManager: FIELD_MANAGER });
    } catch (err) {
      if (!(err instanceof AicrError && err.code === ErrorCode.Conflict)) throw new AicrError(err instanceof AicrError ? err.code : ErrorCode.Internal, `cannot create namespace ${ns}`, { cause: err });
    }
    const kinds = [...new Set(ctx.recipe.componentRefs.flatMap((r) => (r.expectedResources ?? []).map((e) => e.kind)))];
    await apply(s, types.serviceAccounts, serviceAccount(ns));
    await apply(s, types.clusterRoles, clusterRole(kinds));
    await apply(s, types.clusterRoleBindings, clusterRoleBinding(ns));
    await apply(s, types.roles, role(ns, [s.recipeCm, s.snapshotCm]));
    await apply(s, types.roleBindings, roleBinding(ns));
    await apply(s, types.configMaps, recipeConfigMap(ns, s.recipeCm, run, stringifyYaml(ctx.recipe), manifestsOf(ctx)));
    await apply(s, types.configMaps, snapshotConfigMap(ns, s.snapshotCm, run, stringifyYaml(ctx.snapshot)));
    config.info(`validation run ${run}: namespace ${ns}, inputs in ConfigMaps ${s.recipeCm} and ${s.snapshotCm}`);
  }

  async function runCheck(s: RunState, req: PhaseRunRequest, entry: ValidatorEntry): Promise<CtrfTest> {
    const label = `${req.phase}/${entry.name}`;
    const timeoutMs = config.timeoutOverrideMs ?? entryTimeoutMs(entry, (t) => parseGoDuration(t, `timeout of validator ${entry.name}`));
    const jobName = validatorJobName(entry.name, random(4));
    let benchmark: Benchmark | undefined;
    if (req.phase === "performance" && entry.name === NCCL_CONSTRAINT) {
      benchmark = await startNcclBenchmark(s.client, {
        namespace: s.namespace,
        name: `aicr-nccl-${jobName.slice(-8)}`,
        run: s.run,
        recipe: req.recipe,
        nodeSelector: req.options.nodeSelector,
        tolerations: req.options.tolerations,
        env,
      });
    }
    const job = validatorJob({
      entry,
      phase: req.phase,
      namespace: s.namespace,
      jobName,
      run: s.run,
      image: validatorImage(entry.image, config.version, env[VALIDATOR_IMAGE_REGISTRY_ENV]),
      timeoutMs,
      tolerations: req.options.tolerations,
      ...(config.imagePullSecrets ? { imagePullSecrets: config.imagePullSecrets } : {}),
      recipeConfigMap: s.recipeCm,
      snapshotConfigMap: s.snapshotCm,
      ...(benchmark ? { env: benchmark.env } : {}),
    });
    try {
      try {
        await apply(s, types.jobs, job);
      } catch (err) {
        config.warn(`${label}: failed to deploy Job ${jobName}: ${renderError(err)}`);
        return deployFailedTest(entry, req.phase, renderError(err));
      }
      config.info(`${label}: running Job ${s.namespace}/${jobName} (timeout ${formatGoDuration(timeoutMs)})`);
      const waited = await waitForJob(s.client, {
        namespace: s.namespace,
        job: jobName,
        timeoutMs: timeoutMs + WAIT_GRACE_MS,
        pollMs: config.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
        progressMs: config.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
        onProgress: (st, elapsed) => config.info(`${label}: waiting, ${st}, ${secs(elapsed)} of ${formatGoDuration(timeoutMs)}`),
      });
      const ex = await extractOutcome(s.client, {
        namespace: s.namespace,
        job: jobName,
        ...(waited.job ? { lastJob: waited.job } : {}),
        waitTimedOut: waited.timedOut,
        timeoutMs,
      });
      const test = validatorTest(entry, req.phase, ex.outcome, ex.log);
      config.info(`${label}: ${test.status} (exit code ${ex.outcome.exitCode})${test.message ? `: ${test.message}` : ""}`);
      return test;
    } finally {
      if (req.options.cleanup) {
        await deleteJob(s.client, s.namespace, jobName, config.warn);
        await benchmark?.remove(config.warn);
      }
    }
  }

  return {
    runId: () => state?.run,
    begin,
    async run(req) {
      const s = state;
      if (!s) throw internal("the live runner was not started");
      const start = Date.now();
      const tests: CtrfTest[] = [];
      for (const entry of req.checks) tests.push(await runCheck(s, req, entry));
      const report = phaseReport(tests.map((t) => completeTest(t, req.phase, req.constraints)), { start, stop: Date.now() }, config.version);
      try {
        await apply(s, types.configMaps, ctrfConfigMap(s.namespace, ctrfConfigMapName(s.run, req.phase), s.run, req.phase, reportJson(report)), REPORT_FIELD_MANAGER);
      } catch (err) {
        config.warn(`cannot store the ${req.phase} report in ConfigMap ${ctrfConfigMapName(s.run, req.phase)}: ${renderError(err)}`);
      }
      return tests;
    },
    async end(ctx) {
      const s = state;
      if (!s || !ctx.options.cleanup) return;
      const del = (ref: (typeof types)[keyof typeof types], name: string, ns?: string) => deleteObject(s.client, ref, name, ns, config.warn);
      await del(types.roleBindings, VALIDATOR_ACCOUNT, s.namespace);
      await del(types.roles, VALIDATOR_ACCOUNT, s.namespace);
      await del(types.clusterRoleBindings, VALIDATOR_ACCOUNT);
      await del(types.clusterRoles, VALIDATOR_ACCOUNT);
      await del(types.serviceAccounts, VALIDATOR_ACCOUNT, s.namespace);
      await del(types.configMaps, s.recipeCm, s.namespace);
      await del(types.configMaps, s.snapshotCm, s.namespace);
      for (const phase of livePhases as readonly LivePhase[]) await del(types.configMaps, ctrfConfigMapName(s.run, phase), s.namespace);
    },
  };
}
