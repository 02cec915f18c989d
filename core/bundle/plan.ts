/**
 * The component plan: which of the recipe's components go into the bundle (after `enabled` from the
 * recipe and `--set <c>:enabled=…`), in deployment order, each classified by shape (Helm chart, chart
 * plus raw manifests, manifests only), with the `--set` and `--dynamic` entries that target it.
 */
import { invalid } from "../errors.ts";
import type { Registry } from "../catalogue/registry.ts";
import { isEnabled, type RecipeResult } from "../recipe/result.ts";
import type { ComponentRef } from "../schema/component-ref.ts";
import type { RegistryComponent } from "../schema/registry.ts";
import { byteCompare } from "../yaml.ts";
import { resolveComponentKey } from "./component-keys.ts";
import type { BundleOptions } from "./options.ts";
import { ENABLED_KEY, type DynamicPath, type SetOverride } from "./set-flag.ts";

/** How a component is deployed: its upstream chart, its chart and then raw manifests, or manifests only. */
export type ComponentShape = "helm" | "mixed" | "manifest-only";

export interface ChartSource {
  /** Chart name (componentRef.chart, else the component name). */
  name: string;
  /** Repository URL or `oci://` reference as the recipe gives it. */
  repository: string;
  /** Chart version, verbatim (a leading `v` is kept); may be empty. */
  version: string;
  oci: boolean;
  /** What `helm install` is given: the chart name (with `--repo`) or the full OCI reference. */
  reference: string;
}

export interface PlannedComponent {
  name: string;
  namespace: string;
  /** The reference as written to the bundle's recipe.yaml. */
  ref: ComponentRef;
  shape: ComponentShape;
  chart?: ChartSource;
  manifestFiles: string[];
  registry?: RegistryComponent;
  /** `--set` entries for this component (minus `enabled`), in the order given. */
  set: SetOverride[];
  dynamic: DynamicPath[];
}

export interface ComponentPlan {
  /** The recipe restricted to the bundled components (what recipe.yaml records). */
  recipe: RecipeResult;
  /** Bundled components in deployment order. */
  components: PlannedComponent[];
}

/** Helm's limit on release names. */
export const MAX_RELEASE_NAME = 53;
/** Suffix of the local chart that carries a mixed component's raw manifests. */
export const POST_SUFFIX = "-post";

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Component names become folder names, Helm release names and shell words: keep them plain DNS labels. */
export function checkComponentName(name: string): void {
  if (name === "" || name.includes("/") || name.includes("\\") || name.includes("..")) {
    throw invalid(`invalid component name "${name}": must not contain path separators or parent directory references`);
  }
  if (!dnsLabel.test(name)) {
    throw invalid(`invalid component name "${name}": must be a lowercase DNS label (a-z, 0-9 and "-", starting and ending with a letter or digit)`);
  }
  if (name.length + POST_SUFFIX.length > MAX_RELEASE_NAME) {
    throw invalid(`invalid component name "${name}": longer than ${MAX_RELEASE_NAME - POST_SUFFIX.length} characters (Helm release names are limited to ${MAX_RELEASE_NAME})`);
  }
}

function checkNamespace(component: string, ns: string): void {
  if (!dnsLabel.test(ns) || ns.length > 63) {
    throw invalid(`invalid namespace "${ns}" of component "${component}": must be a lowercase DNS label of at most 63 characters`);
  }
}

/** Namespace used when a component names none (Helm's own default). */
export const DEFAULT_NAMESPACE = "default";

function chartOf(ref: ComponentRef): ChartSource | undefined {
  const repository = (ref.source ?? "").trim();
  if (repository === "") return undefined;
  const name = ref.chart && ref.chart !== "" ? ref.chart : ref.name;
  const oci = repository.startsWith("oci://");
  return {
    name,
    repository,
    version: ref.version ?? "",
    oci,
    reference: oci ? `${repository.replace(/\/+$/, "")}/${name}` : name,
  };
}

const isKustomize = (ref: ComponentRef) => ref.type === "Kustomize" || (ref.tag ?? "") !== "" || (ref.path ?? "") !== "";

/** Group `--set` / `--dynamic` entries by the component they name; an unknown key is an error. */
function byComponent<T extends { key: string; text: string }>(
  items: readonly T[],
  present: ReadonlySet<string>,
  registry: Registry,
  flag: string,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const name = resolveComponentKey(item.key, present, registry);
    if (name === undefined) {
      const known = registry.components.some((c) => c.name === item.key || (c.valueOverrideKeys ?? []).includes(item.key));
      throw invalid(
        known
          ? `${flag} "${item.text}" targets component "${item.key}", which is not in the recipe`
          : `unknown component "${item.key}" in ${flag} "${item.text}": not in the recipe or the component registry`,
      );
    }
    out.set(name, [...(out.get(name) ?? []), item]);
  }
  return out;
}

/** A `--set component:enabled=…` entry: it includes or drops the component and is not a value. */
const isToggle = (s: SetOverride): boolean => s.path.length === 1 && s.path[0] === ENABLED_KEY;

/** The `--set` entries of a component that are values (toggles left out). */
function valueSets(sets: readonly SetOverride[] | undefined): SetOverride[] {
  const out: SetOverride[] = [];
  for (const s of sets ?? []) if (!isToggle(s)) out.push(s);
  return out;
}

/** `deploymentOrder` without the components that were dropped. */
function keptOrder(order: readonly string[], kept: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const n of order) if (kept.has(n)) out.push(n);
  return out;
}

/** Deployment order: by `deploymentOrder` (stable); components it does not list go last, by name. */
function orderOf(refs: readonly ComponentRef[], order: readonly string[]): ComponentRef[] {
  if (order.length === 0) return [...refs];
  const rank = new Map(order.map((n, i) => [n, i]));
  const listed: ComponentRef[] = [];
  const rest: ComponentRef[] = [];
  for (const r of refs) (rank.has(r.name) ? listed : rest).push(r);
  listed.sort((a, b) => (rank.get(a.name) as number) - (rank.get(b.name) as number));
  rest.sort((a, b) => byteCompare(a.name, b.name));
  for (const r of rest) listed.push(r);
  return listed;
}

export function planComponents(recipe: RecipeResult, registry: Registry, options: BundleOptions): ComponentPlan {
  if (recipe.componentRefs.length === 0) throw invalid("recipe must contain at least one component reference");
  const seen = new Set<string>();
  for (const ref of recipe.componentRefs) {
    checkComponentName(ref.name);
    if (seen.has(ref.name)) throw invalid(`component "${ref.name}" appears more than once in the recipe`);
    seen.add(ref.name);
  }
  const sets = byComponent(options.set, seen, registry, "--set");
  const dynamic = byComponent(options.dynamic, seen, registry, "--dynamic");

  const kept: ComponentRef[] = [];
  for (const ref of recipe.componentRefs) {
    // The last `enabled` toggle wins.
    let toggle: boolean | undefined;
    for (const s of sets.get(ref.name) ?? []) if (isToggle(s)) toggle = s.value as boolean;
    const enabled = toggle ?? isEnabled(ref);
    if (!enabled) continue;
    const copy: ComponentRef = { ...ref };
    // Re-enabled by --set: the recorded recipe and the chart values must not still say disabled.
    if (toggle === true && !isEnabled(ref)) copy.overrides = { ...ref.overrides, [ENABLED_KEY]: true };
    kept.push(copy);
  }
  if (kept.length === 0) throw invalid("recipe has no enabled components after filtering");
  const keptNames = new Set(kept.map((r) => r.name));

  const components = orderOf(kept, recipe.deploymentOrder).map((ref): PlannedComponent => {
    if (isKustomize(ref)) {
      throw invalid(`component "${ref.name}" is a Kustomize component: Kustomize builds are not supported by this bundler yet`);
    }
    const namespace = (ref.namespace ?? "").trim() || DEFAULT_NAMESPACE;
    checkNamespace(ref.name, namespace);
    const chart = chartOf(ref);
    const manifestFiles = [...(ref.manifestFiles ?? [])];
    if (!chart && manifestFiles.length === 0) {
      throw invalid(`component "${ref.name}" has neither a chart source nor manifest files: nothing to deploy`);
    }
    if (chart && manifestFiles.length > 0 && keptNames.has(`${ref.name}${POST_SUFFIX}`)) {
      throw invalid(`component "${ref.name}${POST_SUFFIX}" collides with the folder that carries ${ref.name}'s manifests`);
    }
    const planned: PlannedComponent = {
      name: ref.name,
      namespace,
      ref,
      shape: chart ? (manifestFiles.length > 0 ? "mixed" : "helm") : "manifest-only",
      manifestFiles,
      set: valueSets(sets.get(ref.name)),
      dynamic: dynamic.get(ref.name) ?? [],
    };
    if (chart) planned.chart = chart;
    for (const entry of registry.components) {
      if (entry.name !== ref.name) continue;
      planned.registry = entry;
      break;
    }
    return planned;
  });

  const filtered: RecipeResult = {
    ...recipe,
    componentRefs: kept,
    deploymentOrder: keptOrder(recipe.deploymentOrder, keptNames),
  };
  return { recipe: filtered, components };
}

