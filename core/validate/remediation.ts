/**
 * What to do about a failure, by phase. A constraint's own `remediation` (when the recipe sets one)
 * takes precedence.
 */
import type { ReportPhase } from "./phases.ts";

export const phaseRemediation: Record<ReportPhase, string> = {
  readiness:
    "the cluster does not meet this recipe's requirements: upgrade the cluster (Kubernetes, OS, kernel, GPU) to satisfy the constraint, or choose a recipe that matches the cluster",
  deployment:
    "a component is not healthy after installation: check the operator logs, whether the nodes are Ready, and whether CPU, memory and GPU resources are available",
  performance:
    "measured performance is below the recipe's threshold: check the GPU interconnect and network fabric (NCCL transport, EFA/InfiniBand), and that the GPUs are healthy and not shared",
  conformance:
    "the cluster has a gap against the CNCF AI Conformance requirements: check DRA (dynamic resource allocation), gang scheduling and job-level networking",
};

export function remediationFor(phase: ReportPhase, own?: string): string {
  return own !== undefined && own.trim() !== "" ? own : phaseRemediation[phase];
}
