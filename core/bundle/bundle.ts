/**
 * Building a bundle in memory: plan the components, build their values, render their manifests, run the
 * registry validations, lay out the folders, let the deployer render its files, then add `data/` and
 * `checksums.txt`. Same inputs, same bytes.
 */
import type { Store } from "../catalogue/store.ts";
import type { RecipeResult } from "../recipe/result.ts";
import type { BundleComponent, BundlePlan, DataFile } from "./bundle-plan.ts";
import { CHECKSUMS_FILE, checksumsFor } from "./checksums.ts";
import type { Deployer } from "./deployer.ts";
import { addFile, sortedTree, type FileTree } from "./file-tree.ts";
import { layoutFolders } from "./layout.ts";
import { manifestTemplate } from "./manifest-template.ts";
import { renderManifests, type TemplateRenderer } from "./manifests.ts";
import type { BundleOptions } from "./options.ts";
import { planComponents } from "./plan.ts";
import { runValidations } from "./validations.ts";
import { buildValues } from "./values.ts";

/** Folder under which `--data` files are copied into the bundle. */
export const DATA_DIR = "data";

export interface BundleInput {
  recipe: RecipeResult;
  store: Store;
  options: BundleOptions;
  /** Version of this program, recorded in READMEs and scripts. */
  version: string;
  /** Manifest template engine (default: Go text/template with the manifest function map). */
  renderTemplate?: TemplateRenderer;
  /** External catalogue files (`--data`), copied under data/. */
  dataFiles?: readonly DataFile[];
}

/** Everything but the deployer's files: the plan deployers render from. */
export function planBundle(input: BundleInput): BundlePlan {
  const { recipe, components: planned } = planComponents(input.recipe, input.store.registry, input.options);
  const notes: string[] = [];
  const components: BundleComponent[] = planned.map((c) => {
    const values = buildValues(input.store, c, input.options);
    const manifests = renderManifests(input.store, c, values.all, input.renderTemplate ?? manifestTemplate);
    return { ...c, values, manifests };
  });
  for (const c of components) {
    if (c.shape === "manifest-only" && c.manifests.length === 0) {
      notes.push(`Note: ${c.name} has nothing to deploy (its manifests rendered no objects), so it has no folder`);
    }
  }
  const findings = runValidations(components, recipe.criteria, input.options);
  return {
    recipe,
    version: input.version,
    components,
    folders: layoutFolders(components),
    notes: [...findings.warnings, ...notes],
    infos: [...findings.infos, ...findings.skipped],
    dataFiles: [...(input.dataFiles ?? [])],
  };
}

export interface BundleResult {
  tree: FileTree;
  plan: BundlePlan;
  deployer: Deployer;
}

/**
 * The bundle of `input` rendered by `deployer` (the one `input.options.deployer` names: see
 * deployers/index.ts, or import just that deployer's module).
 */
export function buildBundle(input: BundleInput, deployer: Deployer): BundleResult {
  const plan = planBundle(input);
  deployer.check?.(plan, input.options);
  plan.notes.push(...(deployer.notes?.(plan, input.options) ?? []));
  const tree = deployer.render(plan, input.options);
  for (const f of plan.dataFiles) addFile(tree, `${DATA_DIR}/${f.path}`, f.text);
  addFile(tree, CHECKSUMS_FILE, checksumsFor(tree));
  return { tree: sortedTree(tree), plan, deployer };
}
