/**
 * Argo CD `Application` objects for the NNN layout, shared by the argocd and argocd-helm deployers: one
 * child per folder, ordered by sync wave (the 0-based folder index), and the parent that deploys them.
 * An upstream chart is fetched from its own repository; a local chart (manifest-only, `-post`) is fetched by
 * path from the repository that holds the bundle.
 */
import { internal } from "../../../errors.ts";
import type { BundleFolder } from "../../bundle-plan.ts";
import type { ChartSource } from "../../plan.ts";
import type { Values } from "../../value-path.ts";

export const APPLICATION_API_VERSION = "argoproj.io/v1alpha1";
export const APPLICATION_KIND = "Application";
/** Namespace of the Application objects (where Argo CD runs). */
export const ARGOCD_NAMESPACE = "argocd";
/** The cluster Argo CD runs in. */
export const IN_CLUSTER_SERVER = "https://kubernetes.default.svc";
export const DEFAULT_PROJECT = "default";
export const SYNC_WAVE_ANNOTATION = "argocd.argoproj.io/sync-wave";
/** Deleting an Application with this finalizer deletes the resources it deployed. */
export const RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io";
/**
 * Sync options of every child: namespaces are created on demand, and objects are applied server-side,
 * which the large CRDs of the catalogue (GPU operator, Prometheus, Kubeflow) need: their
 * last-applied-configuration annotation would exceed the 256 KiB annotation limit.
 */
export const CHILD_SYNC_OPTIONS: readonly string[] = ["CreateNamespace=true", "ServerSideApply=true"];
/** File of a folder's child Application. */
export const APPLICATION_FILE = "application.yaml";
/** Name of the values reference of a multi-source child (`$values/...`). */
export const VALUES_REF = "values";

/** Sync wave of a folder: its 0-based position in deployment order. */
export const syncWave = (folder: BundleFolder): number => folder.index - 1;

/**
 * The source fields of an upstream chart. A Helm repository: its URL, the chart name and the version
 * without a leading `v` (Argo CD matches it as a semantic version). An OCI chart: Argo CD's native OCI
 * source, the full chart reference with path `.` and the tag as written. An empty version asks for the
 * newest chart (`*`, or the `latest` tag).
 */
export function upstreamChartSource(chart: ChartSource): Values {
  if (chart.oci) return { repoURL: chart.reference, path: ".", targetRevision: chart.version || "latest" };
  return { repoURL: chart.repository, chart: chart.name, targetRevision: chart.version.replace(/^v/, "") || "*" };
}

export interface ApplicationSpec {
  name: string;
  /** Namespace the Application deploys into. */
  destinationNamespace: string;
  /** Sync wave, when the Application is ordered among siblings. */
  wave?: number;
  /** A single source, or (multi-source) several. */
  source?: Values;
  sources?: Values[];
  syncOptions?: readonly string[];
}

/** An Application object with the fields every generated Application shares, keys in a readable order. */
export function application(spec: ApplicationSpec): Values {
  const metadata: Values = { name: spec.name, namespace: ARGOCD_NAMESPACE };
  if (spec.wave !== undefined) metadata["annotations"] = { [SYNC_WAVE_ANNOTATION]: String(spec.wave) };
  metadata["finalizers"] = [RESOURCES_FINALIZER];
  const body: Values = { project: DEFAULT_PROJECT };
  if (spec.sources) body["sources"] = spec.sources;
  else if (spec.source) body["source"] = spec.source;
  else throw internal(`Application ${spec.name} has no source`);
  body["destination"] = { server: IN_CLUSTER_SERVER, namespace: spec.destinationNamespace };
  const syncPolicy: Values = { automated: { prune: true, selfHeal: true } };
  if (spec.syncOptions && spec.syncOptions.length > 0) syncPolicy["syncOptions"] = [...spec.syncOptions];
  body["syncPolicy"] = syncPolicy;
  return { apiVersion: APPLICATION_API_VERSION, kind: APPLICATION_KIND, metadata, spec: body };
}

/** Where the bundle itself is fetched from: the GitOps repository and the revision to deploy. */
export interface BundleSource {
  repoURL: string;
  targetRevision: string;
}

/** The values file of a folder as a multi-source reference (`$values/NNN-<release>/values.yaml`). */
export const valuesRef = (folder: BundleFolder): string => `$${VALUES_REF}/${folder.dir}/values.yaml`;

/**
 * The child Application of one folder. Upstream chart: two sources, the chart (with the folder's
 * values file) and the bundle repository as the `values` reference. Local chart: the folder itself, by
 * path, rendered by Argo CD with the chart's own values.yaml.
 */
export function childApplication(folder: BundleFolder, bundle: BundleSource): Values {
  const common = { name: folder.release, destinationNamespace: folder.namespace, wave: syncWave(folder), syncOptions: CHILD_SYNC_OPTIONS };
  if (folder.kind === "local-helm") {
    return application({ ...common, source: { repoURL: bundle.repoURL, targetRevision: bundle.targetRevision, path: folder.dir } });
  }
  const chart = folder.component.chart;
  if (!chart) throw internal(`folder ${folder.dir} is an upstream chart folder without a chart`);
  return application({
    ...common,
    sources: [
      { ...upstreamChartSource(chart), helm: { valueFiles: [valuesRef(folder)] } },
      { repoURL: bundle.repoURL, targetRevision: bundle.targetRevision, ref: VALUES_REF },
    ],
  });
}
