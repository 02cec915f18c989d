/**
 * What every deployer renders from: the bundled components with their final values and rendered
 * manifests, laid out as numbered `NNN-<release>/` folders (upstream-helm or local-helm).
 */
import type { RecipeResult } from "../recipe/result.ts";
import type { RenderedManifest } from "./manifests.ts";
import type { PlannedComponent } from "./plan.ts";
import type { ComponentValues } from "./values.ts";

export interface BundleComponent extends PlannedComponent {
  values: ComponentValues;
  /** Rendered manifests that hold at least one object. */
  manifests: RenderedManifest[];
}

/** `upstream-helm`: install the upstream chart; `local-helm`: a chart in the folder (Chart.yaml + templates/). */
export type FolderKind = "upstream-helm" | "local-helm";
/** `primary`: the component itself; `post`: the raw manifests of a mixed component, installed after its chart. */
export type FolderRole = "primary" | "post";

export interface BundleFolder {
  /** 1-based position. */
  index: number;
  /** `NNN-<release>`. */
  dir: string;
  /** Helm release name: the component name, plus `-post` for the post folder. */
  release: string;
  kind: FolderKind;
  role: FolderRole;
  namespace: string;
  component: BundleComponent;
  /** Files of `templates/` (local-helm folders only). */
  templates: RenderedManifest[];
}

/** An external data file (from `--data`), copied into the bundle under `data/`. */
export interface DataFile {
  path: string;
  text: string;
}

export interface BundlePlan {
  /** The recipe restricted to the bundled components. */
  recipe: RecipeResult;
  /** Version of the bundler (this program). */
  version: string;
  components: BundleComponent[];
  folders: BundleFolder[];
  /** Deployment notes for the user (validation warnings and the like). */
  notes: string[];
  /** Findings only worth a log line. */
  infos: string[];
  dataFiles: DataFile[];
}
