/**
 * The Flux deployer: Flux objects to be reconciled from a Git repository holding the bundle.
 *
 *   kustomization.yaml              Kustomize entry point: every source and Flux Kustomization
 *   sources/                        GitRepository (the bundle), HelmRepositories, OCIRepositories
 *   kustomizations/<release>.yaml   Flux Kustomization applying ./<release>, with dependsOn
 *   <release>/                      a HelmRelease (+ values ConfigMap with --dynamic), or the rendered
 *                                   manifests of a local chart (+ their Namespace)
 *
 * Folders are named after their release, without `NNN-` prefixes: ordering is `dependsOn`, not position.
 */
import { invalid } from "../../errors.ts";
import { byteSorted, stringifyYaml } from "../../yaml.ts";
import type { BundlePlan } from "../bundle-plan.ts";
import type { Deployer } from "../deployer.ts";
import { addFile, type FileTree } from "../file-tree.ts";
import { VALUES_HEADER } from "../layout.ts";
import type { BundleOptions } from "../options.ts";
import { releaseTiming } from "../release-timing.ts";
import {
  fluxKustomization,
  gitRepository,
  helmRelease,
  helmRepository,
  kustomizeFile,
  namespaceObject,
  ociRepository,
  valuesConfigMap,
} from "./flux/objects.ts";
import { fluxReadme } from "./flux/readme.ts";
import {
  ENTRY_KUSTOMIZATION,
  entryCommand,
  fluxPlan,
  gitSource,
  helmChartVersion,
  KUSTOMIZATIONS_DIR,
  MANIFESTS_DIR,
  SOURCES_DIR,
  type FluxPlan,
  type FluxRelease,
} from "./flux/releases.ts";

/** Remediation retries of a HelmRelease (deploy.sh's retries; once for asynchronously reconciling operators). */
export const REMEDIATION_RETRIES = 5;
export const ASYNC_REMEDIATION_RETRIES = 1;

/** Top-level names a release folder must not take. */
const RESERVED_DIRS = new Set([SOURCES_DIR, KUSTOMIZATIONS_DIR, "data" /* bundle.ts DATA_DIR (--data files) */]);

/** A generated Flux YAML file: the header, then the object. */
const objectYaml = (obj: unknown): string => VALUES_HEADER + stringifyYaml(obj);

export const sourceFiles = {
  git: (name: string) => `${SOURCES_DIR}/gitrepo-${name}.yaml`,
  helm: (name: string) => `${SOURCES_DIR}/helmrepo-${name}.yaml`,
  oci: (release: string) => `${SOURCES_DIR}/ocirepo-${release}.yaml`,
};
export const kustomizationFile = (release: string) => `${KUSTOMIZATIONS_DIR}/${release}.yaml`;
export const valuesConfigMapName = (release: string) => `${release}-values`;

/** A release folder's files (relative to the folder) in the order its kustomization.yaml lists them. */
function releaseFiles(r: FluxRelease): Map<string, string> {
  const files = new Map<string, string>();
  const c = r.folder.component;
  if (r.kind === "HelmRelease") {
    const chart = c.chart as NonNullable<typeof c.chart>;
    const dynamic = c.dynamic.length > 0;
    if (dynamic) {
      const text = stringifyYaml(c.values.dynamic, { order: "natural" });
      files.set("configmap-values.yaml", objectYaml(valuesConfigMap(valuesConfigMapName(r.dir), text)));
    }
    const timing = releaseTiming(c.name);
    const obj = helmRelease({
      release: r.folder.release,
      namespace: r.folder.namespace,
      chart: r.helmRepository
        ? { kind: "HelmRepository", repository: r.helmRepository, chart: chart.name, version: helmChartVersion(chart) }
        : { kind: "OCIRepository", name: r.folder.release },
      dependsOn: r.helmDependsOn,
      wait: timing.wait,
      timeoutSeconds: timing.timeoutSeconds,
      retries: timing.wait ? REMEDIATION_RETRIES : ASYNC_REMEDIATION_RETRIES,
      values: c.values.static,
      ...(dynamic ? { valuesConfigMap: valuesConfigMapName(r.dir) } : {}),
    });
    files.set("helmrelease.yaml", objectYaml(obj));
    return files;
  }
  if (r.ownsNamespace) files.set("namespace.yaml", objectYaml(namespaceObject(r.folder.namespace)));
  for (const t of r.folder.templates) files.set(`${MANIFESTS_DIR}/${t.name}`, t.content);
  return files;
}

function render(plan: BundlePlan, options: BundleOptions): FileTree {
  const fp: FluxPlan = fluxPlan(plan, options);
  const tree: FileTree = new Map();
  const resources: string[] = [];
  const add = (path: string, obj: unknown) => {
    addFile(tree, path, objectYaml(obj));
    resources.push(path);
  };

  add(sourceFiles.git(fp.git.name), gitRepository(fp.git.name, fp.git.url, fp.git.branch));
  for (const [url, name] of fp.helmRepositories) add(sourceFiles.helm(name), helmRepository(name, url));
  for (const r of fp.releases) {
    const chart = r.folder.component.chart;
    if (r.kind === "HelmRelease" && chart?.oci) add(sourceFiles.oci(r.dir), ociRepository(r.dir, chart.reference, chart.version.trim()));
    add(kustomizationFile(r.dir), fluxKustomization({ name: r.dir, path: `./${r.dir}`, gitRepository: fp.git.name, dependsOn: r.dependsOn }));
    const files = releaseFiles(r);
    for (const [name, content] of files) addFile(tree, `${r.dir}/${name}`, content);
    addFile(tree, `${r.dir}/kustomization.yaml`, objectYaml(kustomizeFile([...files.keys()])));
  }
  addFile(tree, "kustomization.yaml", objectYaml(kustomizeFile(byteSorted([...resources]))));
  addFile(tree, "README.md", fluxReadme(plan, fp));
  return tree;
}

export const fluxDeployer: Deployer = {
  name: "flux",
  title: "Flux bundle generated successfully!",
  check(plan) {
    for (const f of plan.folders) {
      if (RESERVED_DIRS.has(f.release)) {
        throw invalid(`release "${f.release}" cannot be deployed with --deployer flux: its folder would clash with the bundle's ${f.release}/ folder`);
      }
      if (f.release === ENTRY_KUSTOMIZATION) {
        throw invalid(`release "${f.release}" cannot be deployed with --deployer flux: the name is taken by the bundle's entry Kustomization`);
      }
    }
  },
  render,
  nextSteps(dir, options) {
    const git = gitSource(options);
    const steps = [`cd ${dir}`];
    if (options.dynamic.length > 0) steps.push("fill in the configmap-values.yaml files listed in README.md");
    steps.push(
      options.repo
        ? `commit the bundle to the root of ${git.url} (branch ${git.branch}) and push it`
        : `set spec.url in ${sourceFiles.git(git.name)} to your Git repository, then commit the bundle to its root (branch ${git.branch}) and push it`,
      `kubectl apply -f ${sourceFiles.git(git.name)}`,
      entryCommand(git.name),
    );
    return steps;
  },
};
