/**
 * The default deployer: every folder gets an `install.sh` (one helm command) and its values files; the
 * bundle root gets `deploy.sh` (a generic loop over the folders), `undeploy.sh` (the reverse), a README
 * with the ordered steps, and the recipe the bundle was built from.
 */
import { formatRecipe } from "../../recipe/render.ts";
import type { BundlePlan } from "../bundle-plan.ts";
import type { Deployer } from "../deployer.ts";
import { addFile, FILE_MODE, SCRIPT_MODE, type FileTree } from "../file-tree.ts";
import { addLayoutFiles, upstreamEnv, valuesYaml } from "../layout.ts";
import { installScript } from "./helm/install-script.ts";
import { bundleReadme, folderReadme } from "./helm/readme.ts";
import { embeddedFile } from "../../../recipes/embed.ts" with { type: "macro" };

const deployTemplate: string = embeddedFile("core/bundle/deployers/helm/deploy.sh");
const undeployTemplate: string = embeddedFile("core/bundle/deployers/helm/undeploy.sh");

const VERSION_PLACEHOLDER = "@AICR_VERSION@";

/** deploy.sh / undeploy.sh: generic scripts, stamped with the bundler version. */
export const deployScript = (version: string): string => deployTemplate.replaceAll(VERSION_PLACEHOLDER, version);
export const undeployScript = (version: string): string => undeployTemplate.replaceAll(VERSION_PLACEHOLDER, version);

function render(plan: BundlePlan): FileTree {
  const tree: FileTree = new Map();
  addFile(tree, "README.md", bundleReadme(plan));
  addFile(tree, "deploy.sh", deployScript(plan.version), SCRIPT_MODE);
  addFile(tree, "undeploy.sh", undeployScript(plan.version), SCRIPT_MODE);
  addFile(tree, "recipe.yaml", formatRecipe(plan.recipe, "yaml"));
  for (const folder of plan.folders) {
    addLayoutFiles(tree, folder);
    addFile(tree, `${folder.dir}/cluster-values.yaml`, valuesYaml(folder.component.values.dynamic));
    if (folder.kind === "upstream-helm") addFile(tree, `${folder.dir}/upstream.env`, upstreamEnv(folder), FILE_MODE);
    addFile(tree, `${folder.dir}/install.sh`, installScript(folder, plan.version), SCRIPT_MODE);
    addFile(tree, `${folder.dir}/README.md`, folderReadme(folder, plan));
  }
  return tree;
}

export const helmDeployer: Deployer = {
  name: "helm",
  title: "Helm bundle generated successfully!",
  render,
  nextSteps(dir, options) {
    const steps = [`cd ${dir}`];
    if (options.dynamic.length > 0) steps.push("fill in the cluster-values.yaml files listed in README.md");
    steps.push("./deploy.sh");
    return steps;
  },
};
