/**
 * Labels and fixed names of what a live validation run puts on the cluster (§10.5): every object
 * carries the `app.kubernetes.io/*` triple, run-scoped ones the run id, validator Jobs their
 * validator and phase. `kubectl delete ... -l app.kubernetes.io/managed-by=aicr` finds them all.
 */

export const LABEL_NAME = "app.kubernetes.io/name";
export const LABEL_COMPONENT = "app.kubernetes.io/component";
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const LABEL_RUN_ID = "aicr.nvidia.com/run-id";
export const LABEL_JOB_TYPE = "aicr.nvidia.com/job-type";
export const LABEL_VALIDATOR = "aicr.nvidia.com/validator";
export const LABEL_PHASE = "aicr.nvidia.com/phase";
export const LABEL_REPORT_TYPE = "aicr.nvidia.com/report-type";
/** Set by the Job controller on every pod of a Job. */
export const LABEL_JOB_NAME = "batch.kubernetes.io/job-name";
/** Nodes with an NVIDIA GPU (GPU Operator feature discovery). Validator Jobs prefer nodes without it. */
export const LABEL_GPU_PRESENT = "nvidia.com/gpu.present";

export const MANAGED_BY = "aicr";
/** ServiceAccount, ClusterRole, ClusterRoleBinding, Role and RoleBinding of the validator Jobs. */
export const VALIDATOR_ACCOUNT = "aicr-validator";

/** The labels of the namespace and of everything a run creates in it. */
export const runLabels = (): Record<string, string> => ({
  [LABEL_NAME]: "aicr",
  [LABEL_COMPONENT]: "validation",
  [LABEL_MANAGED_BY]: MANAGED_BY,
});

/** The labels of the validator's RBAC objects. */
export const rbacLabels = (): Record<string, string> => ({
  [LABEL_NAME]: VALIDATOR_ACCOUNT,
  [LABEL_MANAGED_BY]: MANAGED_BY,
});
