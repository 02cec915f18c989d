/** Every check `aicr-agent check` runs, by its validator-catalogue name; each module loads only when its check runs. */
import type { Check } from "./context.ts";

type Loader = () => Promise<{ default: Check }>;

export const checks: Readonly<Record<string, Loader>> = {
  // deployment
  "operator-health": () => import("./operator-health.ts"),
  "expected-resources": () => import("./expected-resources.ts"),
  "gpu-operator-version": () => import("./gpu-operator-version.ts"),
  "check-nvidia-smi": () => import("./check-nvidia-smi.ts"),
  // performance
  "nccl-all-reduce-bw": () => import("./nccl-all-reduce-bw.ts"),
  // conformance
  "dra-support": () => import("./dra-support.ts"),
  "gang-scheduling": () => import("./gang-scheduling.ts"),
  "accelerator-metrics": () => import("./accelerator-metrics.ts"),
  "ai-service-metrics": () => import("./ai-service-metrics.ts"),
  "inference-gateway": () => import("./inference-gateway.ts"),
  "pod-autoscaling": () => import("./pod-autoscaling.ts"),
  "cluster-autoscaling": () => import("./cluster-autoscaling.ts"),
  "robust-controller": () => import("./robust-controller.ts"),
  "secure-accelerator-access": () => import("./secure-accelerator-access.ts"),
  "gpu-operator-health": () => import("./gpu-operator-health.ts"),
  "platform-health": () => import("./platform-health.ts"),
};

export const checkNames = (): string[] => Object.keys(checks);
