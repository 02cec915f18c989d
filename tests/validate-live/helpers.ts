/**
 * Helpers for the live-validation tests: an API stand-in that authorizes service accounts through
 * the RBAC objects stored in it (everyone else may do anything), the resource types the checks read,
 * a small GPU cluster to populate it with, recipes, and running `aicr-agent check` in-process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCheckCommand, TERMINATION_MESSAGE_PATH_ENV } from "../../agent/checks/command.ts";
import type { KubeClient } from "../../agent/kube/client.ts";
import { decodeCheckResult, type CheckResult } from "../../core/validate/live/check-result.ts";
import { MANIFESTS_KEY, RECIPE_KEY } from "../../core/validate/live/data.ts";
import { stringifyYaml } from "../../core/yaml.ts";
import { KubeStandin, type ResourceType } from "../support/kube-standin.ts";
import { generateTestCerts, type TestCerts } from "../support/test-certs.ts";
import { workloadTypes } from "../support/kubelet-sim.ts";
import { rbacAuthorizer } from "../support/rbac-authorizer.ts";
import { standinClient } from "../support/standin-client.ts";

export const REPO = join(import.meta.dir, "..", "..");
export const BUN = join(REPO, "node_modules", ".bin", "bun");
export const NCCL_FIXTURES = join(REPO, "tests", "fixtures", "nccl");
export const HOSTS = join(REPO, "tests", "fixtures", "hosts");

type Obj = Record<string, any>;

const t = (group: string, version: string, resource: string, kind: string, namespaced: boolean): ResourceType => ({ group, version, resource, kind, namespaced, subresources: ["status"] });

/** Kinds the checks read that the stand-in does not serve by default. */
export const checkTypes = {
  skyhooks: t("skyhook.nvidia.com", "v1alpha1", "skyhooks", "Skyhook", false),
  deviceClasses: t("resource.k8s.io", "v1", "deviceclasses", "DeviceClass", false),
  resourceSlices: t("resource.k8s.io", "v1", "resourceslices", "ResourceSlice", false),
  endpointSlices: t("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
  kaiPodGroups: t("scheduling.run.ai", "v2alpha2", "podgroups", "PodGroup", true),
  kaiQueues: t("scheduling.run.ai", "v2", "queues", "Queue", false),
  gatewayClasses: t("gateway.networking.k8s.io", "v1", "gatewayclasses", "GatewayClass", false),
  gateways: t("gateway.networking.k8s.io", "v1", "gateways", "Gateway", true),
  inferencePools: t("inference.networking.k8s.io", "v1", "inferencepools", "InferencePool", true),
  hpas: t("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true),
  apiServices: t("apiregistration.k8s.io", "v1", "apiservices", "APIService", false),
  nodePools: t("karpenter.sh", "v1", "nodepools", "NodePool", false),
  validatingWebhooks: t("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false),
  mutatingWebhooks: t("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false),
  trainJobs: t("trainer.kubeflow.org", "v1alpha1", "trainjobs", "TrainJob", true),
  trainingRuntimes: t("trainer.kubeflow.org", "v1alpha1", "trainingruntimes", "TrainingRuntime", true),
} as const;

export const ref = (x: { group: string; version: string; resource: string }) => ({ group: x.group, version: x.version, resource: x.resource });
export const Pods = { group: "", version: "v1", resource: "pods" };
export const Nodes = { group: "", version: "v1", resource: "nodes" };
export const Namespaces = { group: "", version: "v1", resource: "namespaces" };
export const ConfigMaps = { group: "", version: "v1", resource: "configmaps" };
export const Services = { group: "", version: "v1", resource: "services" };
export const ClusterPolicies = { group: "nvidia.com", version: "v1", resource: "clusterpolicies" };
export const DaemonSets = { group: "apps", version: "v1", resource: "daemonsets" };
export const Deployments = { group: "apps", version: "v1", resource: "deployments" };
export const Jobs = { group: "batch", version: "v1", resource: "jobs" };

let certs: TestCerts | undefined;
/** One set of certificates for every stand-in of a test file (openssl is slow). */
export const sharedCerts = (): TestCerts => (certs ??= generateTestCerts());
export function removeSharedCerts(): void {
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
  certs = undefined;
}

const RBAC_KINDS = ["clusterroles", "clusterrolebindings", "roles", "rolebindings"];

/**
 * A stand-in with the workload types; service accounts are authorized by the RBAC objects it holds
 * (so the validator Jobs get exactly what the orchestrator granted), other users by nothing.
 */
export function startStandin(opts: { strictNamespaces?: boolean } = {}): KubeStandin {
  const api = KubeStandin.start({ ...opts, certs: sharedCerts() });
  for (const w of workloadTypes) api.addType(w);
  api.authorizer = (a) => {
    if (!a.user.startsWith("system:serviceaccount:")) return true;
    const objects = RBAC_KINDS.flatMap((r) => api.objects({ group: "rbac.authorization.k8s.io", version: "v1", resource: r }));
    return rbacAuthorizer(objects)(a);
  };
  return api;
}

export function addTypes(api: KubeStandin, ...types: ResourceType[]): void {
  for (const x of types) api.addType(x);
}

// ------------------------------------------------------------------ cluster objects

export function node(name: string, o: { gpus?: number; labels?: Record<string, string>; taints?: Obj[]; ready?: boolean } = {}): Obj {
  return {
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...(o.gpus ? { "nvidia.com/gpu.present": "true" } : {}), ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}) },
    status: {
      allocatable: { cpu: "8", memory: "32Gi", ...(o.gpus ? { "nvidia.com/gpu": String(o.gpus) } : {}) },
      conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
    },
  };
}

export function pod(namespace: string, name: string, o: { labels?: Record<string, string>; nodeName?: string; ready?: boolean; phase?: string; waiting?: string; spec?: Obj } = {}): Obj {
  const ready = o.ready ?? true;
  return {
    metadata: { name, namespace, labels: o.labels ?? {} },
    spec: { ...(o.nodeName ? { nodeName: o.nodeName } : {}), containers: [{ name: "main", image: "example/main:1" }], ...o.spec },
    status: {
      phase: o.phase ?? "Running",
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
      containerStatuses: [{ name: "main", ready, restartCount: 0, state: o.waiting ? { waiting: { reason: o.waiting } } : { running: { startedAt: "2026-03-21T10:00:00Z" } } }],
    },
  };
}

export function daemonSet(namespace: string, name: string, desired: number, ready: number, labels: Record<string, string> = {}): Obj {
  return { metadata: { name, namespace, labels }, spec: { template: { spec: { containers: [] } } }, status: { desiredNumberScheduled: desired, numberReady: ready } };
}

export function deployment(namespace: string, name: string, replicas: number, available: number, o: { labels?: Record<string, string>; image?: string } = {}): Obj {
  return {
    metadata: { name, namespace, labels: o.labels ?? {} },
    spec: { replicas, template: { spec: { containers: [{ name, image: o.image ?? `example/${name}:1` }] } } },
    status: { availableReplicas: available, readyReplicas: available },
  };
}

export const namespace = (name: string, phase = "Active"): Obj => ({ metadata: { name }, status: { phase } });

// ------------------------------------------------------------------ recipes

export interface Component {
  name: string;
  namespace?: string;
  manifestFiles?: string[];
  expectedResources?: { kind: string; name: string; namespace?: string }[];
  overrides?: Obj;
}

/** A resolved recipe with these components and phase settings. */
export function recipe(components: Component[], validation: Obj = {}, criteria: Obj = { service: "eks", accelerator: "h100", intent: "training", os: "ubuntu" }): Obj {
  return {
    kind: "RecipeResult",
    apiVersion: "aicr.nvidia.com/v1alpha1",
    metadata: { version: "0.11.1" },
    criteria,
    componentRefs: components.map((c) => ({ type: "Helm", ...c })),
    deploymentOrder: components.map((c) => c.name),
    ...(Object.keys(validation).length > 0 ? { validation } : {}),
  };
}

export const TUNING_MANIFEST = "components/skyhook-customizations/manifests/tuning.yaml";

export const gpuStack = (o: { skyhookManifests?: string[] } = {}): Component[] => [
  { name: "gpu-operator", namespace: "gpu-operator" },
  { name: "nvidia-dra-driver-gpu", namespace: "nvidia-dra-driver" },
  { name: "skyhook-customizations", namespace: "skyhook", manifestFiles: o.skyhookManifests ?? [TUNING_MANIFEST] },
];

/** Put the recipe (and manifest texts) into a ConfigMap `ns/name` of the stand-in. */
export function storeRecipe(api: KubeStandin, r: Obj, manifests: Record<string, string> = {}, where = { namespace: "aicr-validation", name: "aicr-recipe-test" }): string {
  api.put(ConfigMaps, {
    metadata: { name: where.name, namespace: where.namespace },
    data: { [RECIPE_KEY]: stringifyYaml(r), ...(Object.keys(manifests).length > 0 ? { [MANIFESTS_KEY]: JSON.stringify(manifests) } : {}) },
  });
  return `${where.namespace}/${where.name}`;
}

// ------------------------------------------------------------------ running a check in-process

export interface CheckRun {
  code: number;
  out: string;
  err: string;
  /** What the check wrote to its termination-message file. */
  result?: CheckResult;
  raw: string;
}

/** Run `aicr-agent check <name>` in this process against the stand-in (as user `user`). */
export async function runCheck(api: KubeStandin, name: string, r: Obj, o: { manifests?: Record<string, string>; env?: Record<string, string>; user?: string; client?: KubeClient } = {}): Promise<CheckRun> {
  const cm = storeRecipe(api, r, o.manifests ?? {});
  const dir = mkdtempSync(join(tmpdir(), "aicr-check-"));
  const msg = join(dir, "termination-log");
  writeFileSync(msg, "");
  const client = o.client ?? standinClient(api, { ...(o.user ? { user: o.user } : {}) }).client;
  let out = "";
  let err = "";
  try {
    const code = await runCheckCommand([name, "--recipe-configmap", cm], { out: (x) => void (out += x), err: (x) => void (err += x) }, {
      env: { [TERMINATION_MESSAGE_PATH_ENV]: msg, AICR_HOST_ROOT: join(HOSTS, "no-such-root"), ...o.env },
      client: () => client,
    });
    const raw = readFileSync(msg, "utf8");
    const result = decodeCheckResult(raw);
    return { code, out, err, raw, ...(result ? { result } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
