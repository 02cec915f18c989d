/**
 * Before the `nccl-all-reduce-bw` validator runs: start the NCCL all-reduce benchmark (a Kubeflow
 * Trainer TrainJob on an MPI runtime, built by core/validate/live/nccl.ts) on the cluster's GPU nodes,
 * and tell the validator where its output will be (the launcher pod's log). When it cannot run (no
 * Kubeflow Trainer, fewer than two GPU nodes) the validator is told why and reports skipped.
 */
import { renderError } from "../../core/errors.ts";
import type { RecipeResultDocument } from "../../core/schema/recipe-result.ts";
import { launcherSelector, NCCL_ENV, NCCL_IMAGE_ENV, ncclWorkload, planNccl } from "../../core/validate/live/nccl.ts";
import { types } from "../../core/validate/live/objects.ts";
import type { Toleration } from "../../core/validate/scheduling.ts";
import type { KubeClient } from "../kube/client.ts";
import { deleteObject } from "./cleanup.ts";

export interface Benchmark {
  /** Environment for the validator Job. */
  env: { name: string; value: string }[];
  /** Remove the workload (after the validator finished). */
  remove(warn: (m: string) => void): Promise<void>;
}

export interface BenchmarkOptions {
  namespace: string;
  name: string;
  run: string;
  recipe: RecipeResultDocument;
  nodeSelector: Record<string, string>;
  tolerations: readonly Toleration[];
  env: Readonly<Record<string, string | undefined>>;
}

const skip = (why: string): Benchmark => ({ env: [{ name: NCCL_ENV.skip, value: why }], remove: async () => {} });

async function trainerServed(client: KubeClient): Promise<boolean> {
  try {
    const list = await client.request<{ resources?: { name: string }[] }>({ method: "GET", path: "/apis/trainer.kubeflow.org/v1alpha1" });
    const names = new Set((list.resources ?? []).map((r) => r.name));
    return names.has("trainjobs") && names.has("trainingruntimes");
  } catch {
    return false;
  }
}

export async function startNcclBenchmark(client: KubeClient, o: BenchmarkOptions): Promise<Benchmark> {
  if (!(await trainerServed(client))) return skip("Kubeflow Trainer (trainer.kubeflow.org TrainJob, TrainingRuntime) is not installed");
  const sel = o.recipe.validation?.performance?.nodeSelection;
  const selector = Object.keys(o.nodeSelector).length > 0 ? o.nodeSelector : (sel?.selector ?? {});
  let nodes: Record<string, any>[];
  try {
    nodes = await client.listAll(types.nodes);
  } catch (err) {
    return skip(`cannot list nodes: ${renderError(err)}`);
  }
  const plan = planNccl(nodes, { selector, ...(sel?.maxNodes ? { maxNodes: sel.maxNodes } : {}), ...(sel?.excludeNodes ? { excludeNodes: sel.excludeNodes } : {}) });
  if ("reason" in plan) return skip(plan.reason);
  const image = o.env[NCCL_IMAGE_ENV]?.trim();
  const { runtime, trainJob } = ncclWorkload({
    namespace: o.namespace,
    name: o.name,
    run: o.run,
    plan,
    ...(image ? { image } : {}),
    ...(o.recipe.criteria?.service ? { service: o.recipe.criteria.service } : {}),
    nodeSelector: selector,
    tolerations: o.tolerations,
  });
  try {
    await client.apply(types.trainingRuntimes, runtime, { namespace: o.namespace, fieldManager: "aicr", force: true });
    await client.apply(types.trainJobs, trainJob, { namespace: o.namespace, fieldManager: "aicr", force: true });
  } catch (err) {
    return skip(`cannot start the benchmark: ${renderError(err)}`);
  }
  return {
    env: [{ name: NCCL_ENV.launcher, value: `${o.namespace}/${launcherSelector(o.name)}` }],
    remove: async (warn) => {
      await deleteObject(client, types.trainJobs, o.name, o.namespace, warn);
      await deleteObject(client, types.trainingRuntimes, runtime.metadata.name, o.namespace, warn);
    },
  };
}
