/**
 * The helmfile document of a bundle: one release per folder, in folder order, its chart from a declared
 * repository (`<alias>/<chart>`, OCI registries marked `oci: true` and written as `host/path`) or the local
 * chart in the folder (`./<folder>`); values files from the folder (`cluster-values.yaml` only for
 * components with `--dynamic` paths); `needs` from the recipe's dependency graph as `<namespace>/<release>`.
 */
import { internal } from "../../../errors.ts";
import type { BundleFolder, BundlePlan } from "../../bundle-plan.ts";
import { releaseGraph } from "../../release-graph.ts";
import { releaseTiming, RELEASE_TIMEOUT_SECONDS } from "../../release-timing.ts";
import { sourceNames } from "../../source-name.ts";
import type { ChartSource } from "../../plan.ts";
import { helmfileProblems, type HelmfileDocument, type HelmfileRelease, type HelmfileRepository } from "./schema.ts";

/** Alias of a repository whose URL yields no name. */
const FALLBACK_ALIAS = "default-repo";

/**
 * Charts whose own templates create custom resources of the CRDs they install, so `helm diff` against a
 * cluster without those CRDs fails unless validation is off (upstream's registry flag `hasSelfRefCRDs`).
 */
export const SELF_REFERENCING_CRD_CHARTS: ReadonlySet<string> = new Set(["gpu-operator", "kai-scheduler", "kubeflow-trainer"]);

/** The repository URL as helmfile takes it: OCI registries as `host/path`, HTTP(S) without a trailing `/`. */
export function repositoryUrl(chart: ChartSource): string {
  const trimmed = chart.repository.trim().replace(/\/+$/, "");
  return chart.oci ? trimmed.slice("oci://".length) : trimmed;
}

/** True when a template declares a Namespace object (helm's --create-namespace would then collide). */
export function declaresNamespace(folder: BundleFolder): boolean {
  for (const t of folder.templates) if (/^kind:\s*Namespace\s*$/m.test(t.content)) return true;
  return false;
}

export const valuesPath = (folder: BundleFolder) => `./${folder.dir}/values.yaml`;
export const clusterValuesPath = (folder: BundleFolder) => `./${folder.dir}/cluster-values.yaml`;
/** How a release is named in `needs`. */
export const needsRef = (folder: BundleFolder) => `${folder.namespace}/${folder.release}`;

export function helmfileDocument(plan: BundlePlan): HelmfileDocument {
  const charts: ChartSource[] = [];
  for (const f of plan.folders) if (f.kind === "upstream-helm" && f.component.chart) charts.push(f.component.chart);
  const aliases = sourceNames(charts.map(repositoryUrl), FALLBACK_ALIAS);
  const repositories: HelmfileRepository[] = [];
  const declared = new Set<string>();
  for (const c of charts) {
    const url = repositoryUrl(c);
    const name = aliases.get(url) as string;
    if (declared.has(name)) continue;
    declared.add(name);
    repositories.push(c.oci ? { name, url, oci: true } : { name, url });
  }
  repositories.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const releases = releaseGraph(plan).map(({ folder, dependsOn }): HelmfileRelease => {
    const c = folder.component;
    const release: HelmfileRelease = { name: folder.release, namespace: folder.namespace, chart: `./${folder.dir}` };
    if (folder.kind === "upstream-helm") {
      if (!c.chart) throw internal(`upstream-helm folder ${folder.dir} has no chart`);
      release.chart = `${aliases.get(repositoryUrl(c.chart))}/${c.chart.name}`;
      if (c.chart.version !== "") release.version = c.chart.version;
    }
    release.values = c.dynamic.length > 0 ? [valuesPath(folder), clusterValuesPath(folder)] : [valuesPath(folder)];
    if (dependsOn.length > 0) release.needs = dependsOn.map(needsRef);
    const timing = releaseTiming(c.name);
    if (!timing.wait) release.wait = false;
    if (timing.timeoutSeconds !== RELEASE_TIMEOUT_SECONDS) release.timeout = timing.timeoutSeconds;
    if (declaresNamespace(folder)) release.createNamespace = false;
    // A local chart's manifests use kinds whose CRDs earlier releases install; a self-referencing chart its own.
    if (folder.kind === "local-helm" || SELF_REFERENCING_CRD_CHARTS.has(c.name)) release.disableValidation = true;
    return release;
  });

  const doc: HelmfileDocument = {
    ...(repositories.length > 0 ? { repositories } : {}),
    helmDefaults: { wait: true, timeout: RELEASE_TIMEOUT_SECONDS, createNamespace: true },
    releases,
  };
  const problems = helmfileProblems(doc);
  if (problems.length > 0) throw internal("generated helmfile.yaml does not validate", undefined, problems);
  return doc;
}
