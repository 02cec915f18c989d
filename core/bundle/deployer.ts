/**
 * A deployer turns a bundle plan into the files of one deployment method (Helm scripts, Argo CD
 * Applications, Flux objects, a helmfile). The bundle core adds `checksums.txt` and `data/` afterwards,
 * so a deployer writes only its own files.
 */
import type { BundlePlan } from "./bundle-plan.ts";
import type { FileTree } from "./file-tree.ts";
import type { BundleOptions, DeployerName } from "./options.ts";

export interface Deployer {
  readonly name: DeployerName;
  /** First line printed after a successful bundle (e.g. "Helm bundle generated successfully!"). */
  readonly title: string;
  /** Reject options this deployer cannot honour (INVALID_REQUEST), before anything is rendered. */
  check?(plan: BundlePlan, options: BundleOptions): void;
  /** Deployment notes of this deployer (e.g. an option it ignores), added to the plan's notes before rendering. */
  notes?(plan: BundlePlan, options: BundleOptions): string[];
  /** Every file of the bundle except checksums.txt and data/, with paths relative to the bundle root. */
  render(plan: BundlePlan, options: BundleOptions): FileTree;
  /** What the user does next with the bundle written to `dir`, one step per entry. */
  nextSteps(dir: string, options: BundleOptions): string[];
}
