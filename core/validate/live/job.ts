/**
 * The Job of one validator (§10.5). Checks run in the agent image as `aicr-agent check <args>`, so
 * one image serves snapshots and validation. The pod reads its inputs from the run's ConfigMaps:
 * named in `AICR_RECIPE_CONFIGMAP` / `AICR_SNAPSHOT_CONFIGMAP` (read through the API) and mounted
 * read-only at `/data/recipe` and `/data/snapshot` (the paths upstream validators use). It prefers
 * nodes without GPUs, tolerates what `--toleration` says, and is stopped by the Job controller at
 * the validator's timeout.
 */
import type { ValidatorEntry } from "../../schema/validator-catalog.ts";
import type { LivePhase } from "../phases.ts";
import type { Toleration } from "../scheduling.ts";
import { DEFAULT_TERMINATION_MESSAGE_PATH } from "./check-result.ts";
import { pullPolicyFor } from "./image.ts";
import { LABEL_GPU_PRESENT, LABEL_JOB_TYPE, LABEL_PHASE, LABEL_RUN_ID, LABEL_VALIDATOR, runLabels, VALIDATOR_ACCOUNT } from "./labels.ts";
import type { KubeObjectLike } from "./objects.ts";

/** A catalogue entry without a timeout gets this one. */
export const DEFAULT_VALIDATOR_TIMEOUT_MS = 5 * 60_000;
/** Finished validator Jobs are removed by the TTL controller after this long (when cleanup is off). */
export const JOB_TTL_SECONDS = 3600;
/** Time a validator pod is given between SIGTERM and SIGKILL. */
export const TERMINATION_GRACE_SECONDS = 30;
/** Every validator container gets exactly this much (requests = limits). */
export const VALIDATOR_RESOURCES = { cpu: "1", memory: "1Gi" } as const;
/** The program the validator container runs; the catalogue's args follow (the check name). */
export const VALIDATOR_COMMAND: readonly string[] = ["aicr-agent", "check"];
export const VALIDATOR_CONTAINER = "validator";

export const RECIPE_MOUNT = "/data/recipe";
export const SNAPSHOT_MOUNT = "/data/snapshot";

/** Environment of the validator container (upstream's names plus the ConfigMap references). */
export const ENV = {
  snapshotPath: "AICR_SNAPSHOT_PATH",
  recipePath: "AICR_RECIPE_PATH",
  recipeConfigMap: "AICR_RECIPE_CONFIGMAP",
  snapshotConfigMap: "AICR_SNAPSHOT_CONFIGMAP",
  validatorName: "AICR_VALIDATOR_NAME",
  validatorPhase: "AICR_VALIDATOR_PHASE",
  runId: "AICR_RUN_ID",
  namespace: "AICR_NAMESPACE",
} as const;

export interface ValidatorJobOptions {
  entry: ValidatorEntry;
  phase: LivePhase;
  namespace: string;
  jobName: string;
  run: string;
  /** The image after tag pinning and registry override. */
  image: string;
  /** Deadline of the Job, milliseconds (the entry's timeout unless overridden). */
  timeoutMs: number;
  tolerations: readonly Toleration[];
  imagePullSecrets?: readonly string[];
  recipeConfigMap: string;
  snapshotConfigMap: string;
  /** Extra environment before the catalogue's own (e.g. the NCCL benchmark to read). */
  env?: readonly { name: string; value: string }[];
}

/** The entry's timeout in milliseconds (Go duration text; absent or zero means the default). */
export function entryTimeoutMs(entry: ValidatorEntry, parse: (text: string) => number): number {
  const t = entry.timeout?.trim();
  if (!t) return DEFAULT_VALIDATOR_TIMEOUT_MS;
  const ms = parse(t);
  return ms > 0 ? ms : DEFAULT_VALIDATOR_TIMEOUT_MS;
}

export function validatorLabels(o: Pick<ValidatorJobOptions, "entry" | "phase" | "run">): Record<string, string> {
  return { ...runLabels(), [LABEL_JOB_TYPE]: "validation", [LABEL_RUN_ID]: o.run, [LABEL_VALIDATOR]: o.entry.name, [LABEL_PHASE]: o.phase };
}

export function validatorJob(o: ValidatorJobOptions): KubeObjectLike {
  const labels = validatorLabels(o);
  const env: Record<string, unknown>[] = [
    { name: ENV.snapshotPath, value: `${SNAPSHOT_MOUNT}/snapshot.yaml` },
    { name: ENV.recipePath, value: `${RECIPE_MOUNT}/recipe.yaml` },
    { name: ENV.recipeConfigMap, value: `${o.namespace}/${o.recipeConfigMap}` },
    { name: ENV.snapshotConfigMap, value: `${o.namespace}/${o.snapshotConfigMap}` },
    { name: ENV.validatorName, value: o.entry.name },
    { name: ENV.validatorPhase, value: o.phase },
    { name: ENV.runId, value: o.run },
    { name: ENV.namespace, valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    ...(o.env ?? []).map((e) => ({ name: e.name, value: e.value })),
    ...(o.entry.env ?? []).map((e) => ({ name: e.name, value: e.value ?? "" })),
  ];
  const resources = { cpu: VALIDATOR_RESOURCES.cpu, memory: VALIDATOR_RESOURCES.memory };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: o.jobName, namespace: o.namespace, labels },
    spec: {
      activeDeadlineSeconds: Math.max(1, Math.ceil(o.timeoutMs / 1000)),
      backoffLimit: 0,
      ttlSecondsAfterFinished: JOB_TTL_SECONDS,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: VALIDATOR_ACCOUNT,
          restartPolicy: "Never",
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          ...(o.imagePullSecrets && o.imagePullSecrets.length > 0 ? { imagePullSecrets: o.imagePullSecrets.map((name) => ({ name })) } : {}),
          tolerations: o.tolerations.map((t) => ({ ...t })),
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, preference: { matchExpressions: [{ key: LABEL_GPU_PRESENT, operator: "DoesNotExist" }] } },
              ],
            },
          },
          containers: [
            {
              name: VALIDATOR_CONTAINER,
              image: o.image,
              imagePullPolicy: pullPolicyFor(o.image),
              command: [...VALIDATOR_COMMAND],
              args: [...(o.entry.args && o.entry.args.length > 0 ? o.entry.args : [o.entry.name])],
              env,
              resources: { requests: resources, limits: { ...resources } },
              terminationMessagePath: DEFAULT_TERMINATION_MESSAGE_PATH,
              terminationMessagePolicy: "File",
              volumeMounts: [
                { name: "snapshot", mountPath: SNAPSHOT_MOUNT, readOnly: true },
                { name: "recipe", mountPath: RECIPE_MOUNT, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "snapshot", configMap: { name: o.snapshotConfigMap } },
            { name: "recipe", configMap: { name: o.recipeConfigMap } },
          ],
        },
      },
    },
  };
}
