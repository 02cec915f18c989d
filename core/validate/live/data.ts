/**
 * The namespace of a run and the ConfigMaps it writes (§10.5): the recipe (`recipe.yaml`, plus
 * `manifests.json` holding the text of every manifest file the recipe's components name, so checks
 * that read manifests need no catalogue of their own), the snapshot (`snapshot.yaml`), and after each
 * phase its CTRF report (`report.json`).
 */
import type { LivePhase } from "../phases.ts";
import { LABEL_PHASE, LABEL_REPORT_TYPE, LABEL_RUN_ID, runLabels } from "./labels.ts";
import type { KubeObjectLike } from "./objects.ts";

export const RECIPE_KEY = "recipe.yaml";
export const MANIFESTS_KEY = "manifests.json";
export const SNAPSHOT_KEY = "snapshot.yaml";
export const REPORT_KEY = "report.json";

export function namespaceObject(name: string): KubeObjectLike {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: runLabels() } };
}

const configMap = (namespace: string, name: string, labels: Record<string, string>, data: Record<string, string>): KubeObjectLike => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace, labels },
  data,
});

/** The recipe as YAML, with the manifests its components reference (path → text) when there are any. */
export function recipeConfigMap(namespace: string, name: string, run: string, recipeYaml: string, manifests: Record<string, string> = {}): KubeObjectLike {
  const data: Record<string, string> = { [RECIPE_KEY]: recipeYaml };
  if (Object.keys(manifests).length > 0) data[MANIFESTS_KEY] = JSON.stringify(manifests);
  return configMap(namespace, name, { ...runLabels(), [LABEL_RUN_ID]: run }, data);
}

export function snapshotConfigMap(namespace: string, name: string, run: string, snapshotYaml: string): KubeObjectLike {
  return configMap(namespace, name, { ...runLabels(), [LABEL_RUN_ID]: run }, { [SNAPSHOT_KEY]: snapshotYaml });
}

export function ctrfConfigMap(namespace: string, name: string, run: string, phase: LivePhase, reportJson: string): KubeObjectLike {
  return configMap(namespace, name, { ...runLabels(), [LABEL_RUN_ID]: run, [LABEL_PHASE]: phase, [LABEL_REPORT_TYPE]: "ctrf" }, { [REPORT_KEY]: reportJson });
}
