/** The shape of the Kubernetes objects the live builders return (plain JSON, ready to apply). */

export interface KubeObjectLike {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** A resource type by group, version and plural (the same shape as the agent client's ResourceRef). */
export interface ResourceType {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

/** The types the orchestrator creates, reads and deletes. */
export const types = {
  namespaces: { group: "", version: "v1", resource: "namespaces", namespaced: false },
  configMaps: { group: "", version: "v1", resource: "configmaps", namespaced: true },
  serviceAccounts: { group: "", version: "v1", resource: "serviceaccounts", namespaced: true },
  pods: { group: "", version: "v1", resource: "pods", namespaced: true },
  nodes: { group: "", version: "v1", resource: "nodes", namespaced: false },
  jobs: { group: "batch", version: "v1", resource: "jobs", namespaced: true },
  clusterRoles: { group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles", namespaced: false },
  clusterRoleBindings: { group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings", namespaced: false },
  roles: { group: "rbac.authorization.k8s.io", version: "v1", resource: "roles", namespaced: true },
  roleBindings: { group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings", namespaced: true },
  trainingRuntimes: { group: "trainer.kubeflow.org", version: "v1alpha1", resource: "trainingruntimes", namespaced: true },
  trainJobs: { group: "trainer.kubeflow.org", version: "v1alpha1", resource: "trainjobs", namespaced: true },
} as const satisfies Record<string, ResourceType>;
