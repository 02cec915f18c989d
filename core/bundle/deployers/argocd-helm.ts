/**
 * The argocd-helm deployer: the bundle is a Helm chart whose templates create the Argo CD Applications
 * (the parent `aicr-stack` and one child per folder, sync waves kept). It names no repository: the
 * publish location is given at install time (`--set repoURL=…`), so `--repo` is ignored. Values stay
 * overridable at install time; `--dynamic` paths are listed in the root values.yaml.
 */
import type { BundlePlan } from "../bundle-plan.ts";
import type { Deployer } from "../deployer.ts";
import { addFile, type FileTree } from "../file-tree.ts";
import { addLayoutFiles, valuesYaml } from "../layout.ts";
import type { BundleOptions } from "../options.ts";
import { checkChildNames } from "./argocd.ts";
import { BUNDLE_CHART_NAME, bundleChartYaml, chartVersionNote } from "./argocd-helm/chart.ts";
import { bundleReadme } from "./argocd-helm/readme.ts";
import { childTemplate, childTemplatePath, HELPERS_FILE, helpersTemplate, PARENT_APPLICATION, parentTemplate, TEMPLATES_DIR } from "./argocd-helm/templates.ts";
import { checkOverrideKeys, dynamicNotes, rootValuesYaml, staticValuesPath } from "./argocd-helm/values.ts";

export const CHART_FILE = "Chart.yaml";
export const ROOT_VALUES_FILE = "values.yaml";

function check(plan: BundlePlan): void {
  checkChildNames(plan, PARENT_APPLICATION);
  checkOverrideKeys(plan);
}

function notes(plan: BundlePlan, options: BundleOptions): string[] {
  const out: string[] = [];
  if (options.repo !== undefined) {
    out.push(`Note: --repo ${options.repo} is ignored with --deployer argocd-helm: the chart names no repository; give its location at install time (--set repoURL=…)`);
  }
  return [...out, ...dynamicNotes(plan), ...chartVersionNote(plan)];
}

function render(plan: BundlePlan): FileTree {
  const tree: FileTree = new Map();
  addFile(tree, CHART_FILE, bundleChartYaml(plan));
  addFile(tree, ROOT_VALUES_FILE, rootValuesYaml(plan));
  addFile(tree, "README.md", bundleReadme(plan));
  addFile(tree, `${TEMPLATES_DIR}/${HELPERS_FILE}`, helpersTemplate);
  addFile(tree, `${TEMPLATES_DIR}/${PARENT_APPLICATION}.yaml`, parentTemplate());
  for (const c of plan.components) {
    if (c.chart) addFile(tree, staticValuesPath(c), valuesYaml(c.values.static));
  }
  for (const folder of plan.folders) {
    addLayoutFiles(tree, folder);
    addFile(tree, childTemplatePath(folder), childTemplate(folder));
  }
  return tree;
}

export const argocdHelmDeployer: Deployer = {
  name: "argocd-helm",
  title: "Argo CD Helm chart generated successfully!",
  check,
  notes,
  render,
  nextSteps(dir) {
    return [
      `helm package ${dir}`,
      `helm push ${BUNDLE_CHART_NAME}-<version>.tgz oci://<registry>/<namespace>`,
      `helm install ${PARENT_APPLICATION} oci://<registry>/<namespace>/${BUNDLE_CHART_NAME} --version <version> -n argocd --set repoURL=oci://<registry>/<namespace>`,
    ];
  },
};
