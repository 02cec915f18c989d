/**
 * The Argo CD deployer: the NNN layout without the Helm orchestration files (no install.sh, upstream.env,
 * cluster-values.yaml, deploy.sh), plus one child `application.yaml` per folder and `app-of-apps.yaml` at
 * the root. Values are fixed when the bundle is built, so `--dynamic` is refused (argocd-helm takes
 * values at install time).
 */
import { invalid } from "../../errors.ts";
import { stringifyYaml } from "../../yaml.ts";
import type { BundlePlan } from "../bundle-plan.ts";
import type { Deployer } from "../deployer.ts";
import { addFile, type FileTree } from "../file-tree.ts";
import { addLayoutFiles } from "../layout.ts";
import type { BundleOptions } from "../options.ts";
import { APPLICATION_FILE, childApplication } from "./argocd/application.ts";
import { APP_OF_APPS_FILE, appOfApps, PARENT_APPLICATION } from "./argocd/app-of-apps.ts";
import { bundleReadme } from "./argocd/readme.ts";
import { bundleSource, missingRepoNote } from "./argocd/repository.ts";

/** A child Application may not take the parent's name (it would replace the parent). */
export function checkChildNames(plan: BundlePlan, parent: string): void {
  for (const f of plan.folders) {
    if (f.release === parent) throw invalid(`component "${f.component.name}": Application name "${parent}" is reserved for the parent Application of the bundle`);
  }
}

function check(plan: BundlePlan, options: BundleOptions): void {
  if (options.dynamic.length > 0) {
    throw invalid(
      `--dynamic is not supported with --deployer argocd: use --deployer argocd-helm for values supplied at install time (got --dynamic ${options.dynamic.map((d) => d.text).join(", ")})`,
    );
  }
  checkChildNames(plan, PARENT_APPLICATION);
}

function render(plan: BundlePlan, options: BundleOptions): FileTree {
  const bundle = bundleSource(options);
  const tree: FileTree = new Map();
  addFile(tree, "README.md", bundleReadme(plan, bundle));
  addFile(tree, APP_OF_APPS_FILE, stringifyYaml(appOfApps(bundle)));
  for (const folder of plan.folders) {
    addLayoutFiles(tree, folder);
    addFile(tree, `${folder.dir}/${APPLICATION_FILE}`, stringifyYaml(childApplication(folder, bundle)));
  }
  return tree;
}

export const argocdDeployer: Deployer = {
  name: "argocd",
  title: "Argo CD applications generated successfully!",
  check,
  notes: (_plan, options) => (options.repo === undefined ? [missingRepoNote()] : []),
  render,
  nextSteps(dir, options) {
    const { repoURL, targetRevision } = bundleSource(options);
    const steps: string[] = [];
    if (options.repo === undefined) steps.push(`bundle again with --repo <your Git repository URL> (the Applications point at ${repoURL})`);
    steps.push(`push the contents of ${dir} to ${repoURL} (branch ${targetRevision})`, `kubectl apply -f ${dir}/${APP_OF_APPS_FILE}`);
    return steps;
  },
};
