/**
 * The Flux view of a bundle plan: one folder per release named after the release (no `NNN-` prefix). A
 * chart release is a HelmRelease; a local chart (manifest-only component, or the `-post` manifests of a
 * mixed one) is its rendered manifests. Every folder is applied by its own Flux Kustomization, which waits
 * for the folders it depends on (the recipe's dependency graph), so the order holds across both kinds;
 * HelmReleases also carry `dependsOn` for the charts of the components they depend on.
 */
import { internal } from "../../../errors.ts";
import type { BundleFolder, BundlePlan } from "../../bundle-plan.ts";
import type { BundleOptions } from "../../options.ts";
import type { ChartSource } from "../../plan.ts";
import { releaseGraph } from "../../release-graph.ts";
import { sanitizeSourceName, sourceNames } from "../../source-name.ts";

/** Git repository the bundle is pushed to when `--repo` is not given (to be edited). */
export const DEFAULT_GIT_URL = "https://github.com/YOUR_ORG/YOUR_REPO.git";
export const GIT_BRANCH = "main";
/** Name of a source whose URL yields none. */
const FALLBACK_SOURCE = "default-source";

/** Top-level folders of the bundle besides the release folders. */
export const SOURCES_DIR = "sources";
export const KUSTOMIZATIONS_DIR = "kustomizations";
export const MANIFESTS_DIR = "manifests";

export interface FluxRelease {
  folder: BundleFolder;
  /** Folder of the release (the release name). */
  dir: string;
  kind: "HelmRelease" | "manifests";
  /** Releases whose Kustomizations this release's Kustomization depends on. */
  dependsOn: string[];
  /** HelmReleases this release's HelmRelease depends on (chart releases only). */
  helmDependsOn: string[];
  /** Set for HTTP(S) charts: the HelmRepository; OCI charts have their own OCIRepository named after the release. */
  helmRepository?: string;
  /**
   * Manifest folders only: the folder carries its Namespace object. A `-post` folder never needs one (its
   * chart's HelmRelease creates the namespace first); of the manifest-only folders of one namespace, the first
   * carries it, so no two Kustomizations manage the same Namespace.
   */
  ownsNamespace: boolean;
}

export interface FluxPlan {
  git: { name: string; url: string; branch: string };
  /** HelmRepository name by URL. */
  helmRepositories: Map<string, string>;
  releases: FluxRelease[];
}

/** The repository URL of an HTTP(S) chart, without a trailing `/`. */
export const helmRepositoryUrl = (chart: ChartSource): string => chart.repository.trim().replace(/\/+$/, "");

/** Version of an HTTP(S) chart as a Flux semver constraint (a leading `v` dropped). */
export const helmChartVersion = (chart: ChartSource): string => chart.version.trim().replace(/^v(?=\d)/, "");

/** A `kind: Namespace` line: only templates that have one are parsed (with the `yaml` package, loaded then). */
const namespaceKindLine = /^kind:[ \t]*["']?Namespace["']?[ \t]*$/m;

/** True when the folder's manifests declare the Namespace itself. */
export function declaresOwnNamespace(folder: BundleFolder): boolean {
  for (const t of folder.templates) {
    if (!namespaceKindLine.test(t.content)) continue;
    for (const d of (require("yaml") as typeof import("yaml")).parseAllDocuments(t.content)) {
      const o = d.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
      if (o?.kind === "Namespace" && o.metadata?.name === folder.namespace) return true;
    }
  }
  return false;
}

/** Name of the entry Kustomization the user creates (README) to reconcile the bundle's root. */
export const ENTRY_KUSTOMIZATION = "aicr-bundle";

/** The Git repository holding the bundle: `--repo`, else a placeholder URL to edit. */
export function gitSource(options: BundleOptions): FluxPlan["git"] {
  const url = options.repo ?? DEFAULT_GIT_URL;
  return { name: sanitizeSourceName(url, FALLBACK_SOURCE), url, branch: GIT_BRANCH };
}

/** The command that creates the entry Kustomization. */
export const entryCommand = (gitName: string): string =>
  `flux create kustomization ${ENTRY_KUSTOMIZATION} --source=GitRepository/${gitName} --path=./ --prune=true --interval=10m`;

export function fluxPlan(plan: BundlePlan, options: BundleOptions): FluxPlan {
  const httpCharts: ChartSource[] = [];
  for (const f of plan.folders) if (f.kind === "upstream-helm" && f.component.chart && !f.component.chart.oci) httpCharts.push(f.component.chart);
  const helmRepositories = sourceNames(httpCharts.map(helmRepositoryUrl), FALLBACK_SOURCE);
  const chartRelease = new Map<string, string>();
  for (const f of plan.folders) if (f.kind === "upstream-helm") chartRelease.set(f.component.name, f.release);

  const namespaced = new Set<string>();
  const releases = releaseGraph(plan).map(({ folder, dependsOn }): FluxRelease => {
    const r: FluxRelease = {
      folder,
      dir: folder.release,
      kind: folder.kind === "upstream-helm" ? "HelmRelease" : "manifests",
      dependsOn: dependsOn.map((d) => d.release),
      helmDependsOn: [],
      ownsNamespace: false,
    };
    if (folder.kind === "local-helm" && folder.role === "primary" && !namespaced.has(folder.namespace) && !declaresOwnNamespace(folder)) {
      r.ownsNamespace = true;
      namespaced.add(folder.namespace);
    }
    if (r.kind === "HelmRelease") {
      const chart = folder.component.chart;
      if (!chart) throw internal(`upstream-helm folder ${folder.dir} has no chart`);
      for (const d of dependsOn) {
        const name = chartRelease.get(d.component.name);
        if (name !== undefined && !r.helmDependsOn.includes(name)) r.helmDependsOn.push(name);
      }
      if (!chart.oci) r.helmRepository = helmRepositories.get(helmRepositoryUrl(chart));
    }
    return r;
  });
  return { git: gitSource(options), helmRepositories, releases };
}
