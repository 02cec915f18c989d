/**
 * The Flux objects of a bundle, as plain data in the field order they are written: sources
 * (GitRepository, HelmRepository, OCIRepository), HelmRelease, the values ConfigMap, the Flux
 * Kustomizations that apply and order the release folders, and the Namespace of a manifest folder.
 */
import { InKeyOrder } from "../../../yaml.ts";
import type { Values } from "../../value-path.ts";

/** Namespace of every generated Flux object (HelmReleases, sources, Kustomizations, values ConfigMaps). */
export const FLUX_NAMESPACE = "flux-system";
export const HELM_RELEASE_API = "helm.toolkit.fluxcd.io/v2";
export const SOURCE_API = "source.toolkit.fluxcd.io/v1";
export const KUSTOMIZATION_API = "kustomize.toolkit.fluxcd.io/v1";
/** Media type of a Helm chart layer in an OCI artifact. */
export const HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/** Data key of the values ConfigMap. */
export const VALUES_KEY = "values.yaml";

/** Reconcile intervals: releases and their Kustomizations, the Git source, Helm repository indexes. */
export const RELEASE_INTERVAL = "10m";
export const GIT_INTERVAL = "10m";
export const HELM_REPOSITORY_INTERVAL = "1h";
export const OCI_INTERVAL = "1h";
/** How long a Kustomization waits for its objects (a HelmRelease: until its chart is installed) to be ready. */
export const KUSTOMIZATION_TIMEOUT = "30m";
export const KUSTOMIZATION_RETRY_INTERVAL = "1m";
/** Annotation that keeps an object when its Kustomization is deleted. */
export const PRUNE_ANNOTATION = "kustomize.toolkit.fluxcd.io/prune";

type Obj = Record<string, unknown>;
const meta = (name: string, namespace = FLUX_NAMESPACE) => ({ name, namespace });
const dependsOn = (names: readonly string[]) => (names.length > 0 ? { dependsOn: names.map((name) => ({ name })) } : {});
const minutes = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`);

export function gitRepository(name: string, url: string, branch: string): Obj {
  return {
    apiVersion: SOURCE_API,
    kind: "GitRepository",
    metadata: meta(name),
    spec: { interval: GIT_INTERVAL, url, ref: { branch } },
  };
}

export function helmRepository(name: string, url: string): Obj {
  return { apiVersion: SOURCE_API, kind: "HelmRepository", metadata: meta(name), spec: { interval: HELM_REPOSITORY_INTERVAL, url } };
}

/** An OCI chart: the artifact `<registry>/<chart>` at the recipe's tag (any semver tag when it names none). */
export function ociRepository(name: string, url: string, tag: string): Obj {
  return {
    apiVersion: SOURCE_API,
    kind: "OCIRepository",
    metadata: meta(name),
    spec: {
      interval: OCI_INTERVAL,
      url,
      ref: tag !== "" ? { tag } : { semver: ">=0.0.0" },
      layerSelector: { mediaType: HELM_CHART_LAYER, operation: "copy" },
    },
  };
}

export type ChartRef =
  | { kind: "HelmRepository"; repository: string; chart: string; version: string }
  | { kind: "OCIRepository"; name: string };

export interface HelmReleaseInput {
  release: string;
  namespace: string;
  chart: ChartRef;
  /** HelmReleases this one waits for. */
  dependsOn: readonly string[];
  wait: boolean;
  timeoutSeconds: number;
  /** Remediation retries after a failed install or upgrade. */
  retries: number;
  values: Values;
  /** Name of the ConfigMap with the cluster-specific values, when there are any. */
  valuesConfigMap?: string;
}

export function helmRelease(r: HelmReleaseInput): Obj {
  const chart =
    r.chart.kind === "HelmRepository"
      ? {
          chart: {
            spec: {
              chart: r.chart.chart,
              ...(r.chart.version !== "" ? { version: r.chart.version } : {}),
              sourceRef: { kind: "HelmRepository", name: r.chart.repository, namespace: FLUX_NAMESPACE },
              interval: RELEASE_INTERVAL,
            },
          },
        }
      : { chartRef: { kind: "OCIRepository", name: r.chart.name, namespace: FLUX_NAMESPACE } };
  const noWait = r.wait ? {} : { disableWait: true };
  return {
    apiVersion: HELM_RELEASE_API,
    kind: "HelmRelease",
    metadata: meta(r.release),
    spec: {
      interval: RELEASE_INTERVAL,
      releaseName: r.release,
      targetNamespace: r.namespace,
      storageNamespace: r.namespace,
      ...chart,
      ...dependsOn(r.dependsOn),
      timeout: minutes(r.timeoutSeconds),
      install: { createNamespace: true, crds: "CreateReplace", ...noWait, remediation: { retries: r.retries } },
      upgrade: { crds: "CreateReplace", ...noWait, remediation: { retries: r.retries, remediateLastFailure: true } },
      ...(r.valuesConfigMap ? { valuesFrom: [{ kind: "ConfigMap", name: r.valuesConfigMap, valuesKey: VALUES_KEY }] } : {}),
      ...(Object.keys(r.values).length > 0 ? { values: new InKeyOrder(r.values, "natural") } : {}),
    },
  };
}

export function valuesConfigMap(name: string, valuesText: string): Obj {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: meta(name), data: { [VALUES_KEY]: valuesText } };
}

export interface KustomizationInput {
  name: string;
  /** Folder applied, `./<release>`. */
  path: string;
  gitRepository: string;
  dependsOn: readonly string[];
}

/** A Flux Kustomization applying one release folder once the folders it depends on are ready. */
export function fluxKustomization(k: KustomizationInput): Obj {
  return {
    apiVersion: KUSTOMIZATION_API,
    kind: "Kustomization",
    metadata: meta(k.name),
    spec: {
      interval: RELEASE_INTERVAL,
      retryInterval: KUSTOMIZATION_RETRY_INTERVAL,
      timeout: KUSTOMIZATION_TIMEOUT,
      path: k.path,
      prune: true,
      wait: true,
      sourceRef: { kind: "GitRepository", name: k.gitRepository, namespace: FLUX_NAMESPACE },
      ...dependsOn(k.dependsOn),
    },
  };
}

/** The namespace of a manifest folder, kept when the folder's Kustomization is deleted. */
export function namespaceObject(name: string): Obj {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, annotations: { [PRUNE_ANNOTATION]: "disabled" } } };
}

/** A plain Kustomize `kustomization.yaml` listing files of its directory. */
export function kustomizeFile(resources: readonly string[]): Obj {
  return { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: [...resources] };
}
