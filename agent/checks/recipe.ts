/** The recipe's components as the checks see them: enabled ones only, by name, with their namespace. */
import type { ComponentRef } from "../../core/schema/component-ref.ts";
import type { RecipeResultDocument } from "../../core/schema/recipe-result.ts";

/** The component names the checks care about. */
export const COMPONENT = {
  gpuOperator: "gpu-operator",
  draDriver: "nvidia-dra-driver-gpu",
  skyhookCustomizations: "skyhook-customizations",
  nodewrightCustomizations: "nodewright-customizations",
  kaiScheduler: "kai-scheduler",
  kgateway: "kgateway",
  prometheus: "kube-prometheus-stack",
  prometheusAdapter: "prometheus-adapter",
  dynamoPlatform: "dynamo-platform",
  kubeflowTrainer: "kubeflow-trainer",
  networkOperator: "network-operator",
} as const;

/** An `enabled: false` override turns a component off; anything else leaves it on. */
export const isEnabled = (ref: ComponentRef): boolean => ref.overrides?.["enabled"] !== false;

export const enabledRefs = (recipe: RecipeResultDocument): ComponentRef[] => recipe.componentRefs.filter(isEnabled);

export const enabledRef = (recipe: RecipeResultDocument, name: string): ComponentRef | undefined =>
  enabledRefs(recipe).find((r) => r.name === name);

/** The component's namespace, or `fallback` when the recipe has none. */
export const namespaceOf = (ref: ComponentRef | undefined, fallback: string): string => ref?.namespace?.trim() || fallback;
