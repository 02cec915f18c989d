/**
 * Install-time values of an argocd-helm bundle. The root `values.yaml` holds `repoURL` (where the chart
 * is published), `targetRevision`, and, under each component's value override key (its first registry
 * `valueOverrideKeys` entry), the paths declared `--dynamic`, pre-filled with the recipe's value. At
 * render time a component's Application merges `.Values.<key>` over its static values, so any value
 * of a component with a key can be overridden at install time.
 */
import { invalid } from "../../../errors.ts";
import { sortKeysDeep, stringifyYaml } from "../../../yaml.ts";
import type { BundleComponent, BundlePlan } from "../../bundle-plan.ts";
import { VALUES_HEADER } from "../../layout.ts";
import { hasPath, type Values } from "../../value-path.ts";

/** Root values the chart's own templates read; no component key may take these names. */
export const REPO_URL_KEY = "repoURL";
export const TARGET_REVISION_KEY = "targetRevision";
const reserved = new Set([REPO_URL_KEY, TARGET_REVISION_KEY]);

/** Where a component's static values are stored in the chart (read with `.Files.Get`). */
export const staticValuesPath = (component: BundleComponent): string => `static/${component.name}.yaml`;

/** The key under which a component's install-time values live, if its registry entry names one. */
export const overrideKeyOf = (component: BundleComponent): string | undefined => component.registry?.valueOverrideKeys?.[0];

/** Refuse what the root values cannot express: dynamic paths without a key, clashing keys. */
export function checkOverrideKeys(plan: BundlePlan): void {
  const owners = new Map<string, string>();
  for (const c of plan.components) {
    const key = overrideKeyOf(c);
    if (key === undefined) {
      if (c.dynamic.length > 0) {
        throw invalid(
          `--dynamic ${c.dynamic[0]?.text}: component "${c.name}" has no value override key (valueOverrideKeys in the component registry), which --deployer argocd-helm needs to place its install-time values`,
        );
      }
      continue;
    }
    if (reserved.has(key)) throw invalid(`component "${c.name}": value override key "${key}" clashes with the chart's own "${key}" value`);
    const other = owners.get(key);
    if (other !== undefined) throw invalid(`components "${other}" and "${c.name}" share the value override key "${key}": their install-time values would mix`);
    owners.set(key, c.name);
  }
}

/**
 * Notes on dynamic paths: the recipe gives no value (written as "" to fill in), or the component is only
 * manifests, rendered at bundle time, which an install-time value cannot change.
 */
export function dynamicNotes(plan: BundlePlan): string[] {
  const notes: string[] = [];
  for (const c of plan.components) {
    if (c.shape === "manifest-only" && c.dynamic.length > 0) {
      notes.push(
        `Note: --dynamic on ${c.name}: its manifests were rendered when the bundle was built; an install-time value reaches its local chart's values, not the rendered manifests`,
      );
    }
    for (const d of c.dynamic) {
      if (!hasPath(c.values.all, d.path)) {
        notes.push(
          `Warning: --dynamic ${d.text}: ${c.name} has no value at ${d.path.join(".")}; values.yaml holds "" there, set it at install time (--set ${overrideKeyOf(c)}.${d.path.join(".")}=…)`,
        );
      }
    }
  }
  return notes;
}

/** The root values map: repoURL and targetRevision empty, then each component's dynamic values. */
export function rootValues(plan: BundlePlan): Values {
  const values: Values = { [REPO_URL_KEY]: "", [TARGET_REVISION_KEY]: "" };
  for (const c of plan.components) {
    const key = overrideKeyOf(c);
    if (key !== undefined && c.dynamic.length > 0) values[key] = sortKeysDeep(c.values.dynamic, "natural");
  }
  return values;
}

const rootValuesComment = [
  "# Install-time values of this chart (helm install ... --set key=value, or -f file).",
  "# repoURL (required): where this chart is published: an oci:// registry namespace (the target of",
  "#   `helm push`, without the chart name) or a Git repository holding this bundle at its root.",
  "# targetRevision: the chart version or Git revision to deploy (default: the chart version).",
  "# <value override key> (e.g. gpuoperator): values merged over that component's bundled values.",
];

export function rootValuesYaml(plan: BundlePlan): string {
  return `${VALUES_HEADER}${rootValuesComment.join("\n")}\n${stringifyYaml(rootValues(plan), { indent: 4 })}`;
}
