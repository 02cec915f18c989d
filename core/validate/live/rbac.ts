/**
 * What the validator Jobs may do. Upstream binds them to `cluster-admin`; the checks in
 * `aicr-agent check` only read, so they get a read-only ClusterRole instead: get/list/watch on the
 * kinds the checks look at (no Secrets), the metrics APIs, GET through the service proxy (exporter
 * and Prometheus endpoints), the cluster-autoscaler status ConfigMap, and a Role for the run's own
 * input ConfigMaps. Kinds a recipe names in `expectedResources` are added by their plural.
 */
import type { KubeObjectLike } from "./objects.ts";
import { rbacLabels, VALIDATOR_ACCOUNT } from "./labels.ts";

const READ = ["get", "list", "watch"];

/** Resources (any API group) the checks read. */
export const readableResources: readonly string[] = [
  // core and workloads
  "namespaces", "nodes", "pods", "pods/log", "services", "endpoints", "events", "serviceaccounts", "persistentvolumeclaims",
  "deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs", "endpointslices",
  // API machinery
  "customresourcedefinitions", "apiservices", "validatingwebhookconfigurations", "mutatingwebhookconfigurations",
  "horizontalpodautoscalers", "runtimeclasses", "priorityclasses",
  // NVIDIA operators
  "clusterpolicies", "nvidiadrivers", "skyhooks", "nodewrights", "computedomains",
  // DRA
  "deviceclasses", "resourceslices", "resourceclaims", "resourceclaimtemplates",
  // gang scheduling (KAI, Volcano, scheduler-plugins)
  "podgroups", "queues",
  // inference gateway
  "gatewayclasses", "gateways", "httproutes", "inferencepools", "inferencemodels", "inferenceobjectives",
  // autoscaling
  "nodepools", "nodeclaims", "ec2nodeclasses",
  // monitoring and training
  "servicemonitors", "podmonitors", "prometheuses", "trainjobs", "trainingruntimes", "clustertrainingruntimes", "jobsets",
];

/** The metrics APIs an HPA reads. */
export const metricsApiGroups: readonly string[] = ["metrics.k8s.io", "custom.metrics.k8s.io", "external.metrics.k8s.io"];

/** ConfigMaps read cluster-wide by name: the cluster autoscaler's status. */
export const clusterConfigMaps: readonly string[] = ["cluster-autoscaler-status"];

/** The plural of a kind as the API serves it (`Deployment` → `deployments`, `NetworkPolicy` → `networkpolicies`). */
export function pluralOf(kind: string): string {
  const k = kind.trim().toLowerCase();
  if (k === "") return k;
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

export function serviceAccount(namespace: string): KubeObjectLike {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: VALIDATOR_ACCOUNT, namespace, labels: rbacLabels() } };
}

/** The cluster-wide read-only role; `extraKinds` are kinds from the recipe's expectedResources. */
export function clusterRole(extraKinds: readonly string[] = []): KubeObjectLike {
  const resources = [...new Set([...readableResources, ...extraKinds.map(pluralOf).filter((r) => r !== "" && r !== "secrets")])];
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: VALIDATOR_ACCOUNT, labels: rbacLabels() },
    rules: [
      { apiGroups: ["*"], resources, verbs: READ },
      { apiGroups: [...metricsApiGroups], resources: ["*"], verbs: ["get", "list"] },
      { apiGroups: [""], resources: ["services/proxy"], verbs: ["get"] },
      { apiGroups: [""], resources: ["configmaps"], resourceNames: [...clusterConfigMaps], verbs: ["get"] },
      { nonResourceURLs: ["/version", "/api", "/api/*", "/apis", "/apis/*", "/metrics"], verbs: ["get"] },
    ],
  };
}

const subjects = (namespace: string) => [{ kind: "ServiceAccount", name: VALIDATOR_ACCOUNT, namespace }];

export function clusterRoleBinding(namespace: string): KubeObjectLike {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: VALIDATOR_ACCOUNT, labels: rbacLabels() },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: VALIDATOR_ACCOUNT },
    subjects: subjects(namespace),
  };
}

/** Read access to the run's own input ConfigMaps (recipe, snapshot, benchmark output). */
export function role(namespace: string, configMaps: readonly string[]): KubeObjectLike {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: VALIDATOR_ACCOUNT, namespace, labels: rbacLabels() },
    rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: [...configMaps], verbs: ["get"] }],
  };
}

export function roleBinding(namespace: string): KubeObjectLike {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: VALIDATOR_ACCOUNT, namespace, labels: rbacLabels() },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: VALIDATOR_ACCOUNT },
    subjects: subjects(namespace),
  };
}
