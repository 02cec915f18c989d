/**
 * `aicr bundle`: turn a RecipeResult into a deployment bundle directory (or, with --list-images, list the
 * charts and images it would deploy). Flags win over the AICRConfig file's `spec.bundle`; list flags
 * replace its lists. The directory is written whole or not at all.
 */
import { AicrError, ErrorCode, invalid } from "../../core/errors.ts";
import { buildBundle } from "../../core/bundle/bundle.ts";
import { formatImageList, listImages } from "../../core/bundle/images.ts";
import { parseBundleOptions, type RawBundleOptions } from "../../core/bundle/options.ts";
import { parseRecipeResult } from "../../core/bundle/recipe-input.ts";
import type { AICRConfig } from "../../core/schema/aicr-config.ts";
import { VERSION } from "../../core/version.ts";
import { checkOutputDir, writeTreeAtomic } from "../bundle-writer.ts";
import { loadDeployer } from "../deployer-modules.ts";
import { absolutePath } from "../posix-path.ts";
import { loadStore } from "../catalogue.ts";
import { readInput } from "../io.ts";
import { log } from "../logger.ts";
import { UsageError, type Command, type RunContext } from "../runner.ts";
import { writeStdout } from "../stdio.ts";

/** Where the bundle goes when neither --output nor the config file says. */
export const DEFAULT_OUTPUT_DIR = "./bundle";

type Bundle = NonNullable<AICRConfig["spec"]["bundle"]>;

const listFlags = {
  set: { type: "string", multiple: true, description: "Value override component:path=value (repeatable; enabled=false drops a component)", valueHint: "c:path=v" },
  dynamic: { type: "string", multiple: true, description: "Value path supplied per cluster at install time, component:path (repeatable)", valueHint: "c:path" },
  "system-node-selector": { type: "string", multiple: true, description: "Node selector key=value for system components (repeatable)", valueHint: "k=v" },
  "system-node-toleration": { type: "string", multiple: true, description: "Toleration key=value:Effect or key:Effect for system components (repeatable)", valueHint: "t" },
  "accelerated-node-selector": { type: "string", multiple: true, description: "Node selector key=value for GPU components (repeatable)", valueHint: "k=v" },
  "accelerated-node-toleration": { type: "string", multiple: true, description: "Toleration for GPU components (repeatable; default: tolerate all)", valueHint: "t" },
  "workload-selector": { type: "string", multiple: true, description: "Label selector key=value of workloads Skyhook must not interrupt (repeatable)", valueHint: "k=v" },
} as const;

/** Config maps as `key=value` items, keys sorted (the order a map carries no meaning). */
const mapItems = (m: Record<string, string> | undefined) =>
  m === undefined ? undefined : Object.keys(m).sort().map((k) => `${k}=${m[k]}`);

/** A flag's value when given, else the config file's (logging which one won when both are set). */
function pick<T>(ctx: RunContext, flag: string, fromConfig: T | undefined, configField: string): T | undefined {
  if (ctx.given.has(flag)) {
    if (fromConfig !== undefined) log.info(`--${flag} overrides the config file's ${configField}`);
    return ctx.args[flag] as T;
  }
  return fromConfig;
}

function rawOptions(ctx: RunContext, b: Bundle | undefined): RawBundleOptions {
  const s = b?.scheduling;
  const d = b?.deployment;
  const raw: RawBundleOptions = {
    deployer: pick<string>(ctx, "deployer", d?.deployer, "spec.bundle.deployment.deployer"),
    repo: pick<string>(ctx, "repo", d?.repo, "spec.bundle.deployment.repo"),
    set: pick<string[]>(ctx, "set", d?.set, "spec.bundle.deployment.set"),
    dynamic: pick<string[]>(ctx, "dynamic", d?.dynamic, "spec.bundle.deployment.dynamic"),
    systemNodeSelector: pick<string[]>(ctx, "system-node-selector", mapItems(s?.systemNodeSelector), "spec.bundle.scheduling.systemNodeSelector"),
    systemNodeTolerations: pick<string[]>(ctx, "system-node-toleration", s?.systemNodeTolerations, "spec.bundle.scheduling.systemNodeTolerations"),
    acceleratedNodeSelector: pick<string[]>(ctx, "accelerated-node-selector", mapItems(s?.acceleratedNodeSelector), "spec.bundle.scheduling.acceleratedNodeSelector"),
    acceleratedNodeTolerations: pick<string[]>(ctx, "accelerated-node-toleration", s?.acceleratedNodeTolerations, "spec.bundle.scheduling.acceleratedNodeTolerations"),
    workloadGate: pick<string>(ctx, "workload-gate", s?.workloadGate, "spec.bundle.scheduling.workloadGate"),
    workloadSelector: pick<string[]>(ctx, "workload-selector", mapItems(s?.workloadSelector), "spec.bundle.scheduling.workloadSelector"),
    nodes: pick<number>(ctx, "nodes", s?.nodes, "spec.bundle.scheduling.nodes"),
    storageClass: pick<string>(ctx, "storage-class", s?.storageClass, "spec.bundle.scheduling.storageClass"),
  };
  return raw;
}

/** Features of the config file this build does not have: refuse rather than ignore them. */
function rejectUnsupported(b: Bundle | undefined, output: string): void {
  if (b?.attestation?.enabled) throw invalid("spec.bundle.attestation.enabled: bundle attestation (--attest) is not supported by this build");
  if (output.startsWith("oci://")) throw invalid(`--output ${output}: pushing bundles to OCI registries is not supported by this build; write a directory`);
  if (b?.output?.imageRefs) log.warn("spec.bundle.output.imageRefs applies to OCI output only: ignored");
}

async function loadConfigFile(path: string): Promise<AICRConfig> {
  const { loadConfig } = await import("../config.ts");
  try {
    return await loadConfig(path);
  } catch (err) {
    throw new AicrError(ErrorCode.Internal, "failed to load config", { cause: err });
  }
}

async function loadRecipe(source: string, kubeconfig: string | undefined) {
  const { readSource } = await import("../sources.ts");
  const input = await readSource(source, "recipe", { kubeconfig });
  return parseRecipeResult(input.text, input.name);
}

function summary(title: string, dir: string, files: number, notes: readonly string[], steps: readonly string[]): string {
  const lines = ["", title, `Output directory: ${dir}`, `Files generated: ${files}`, ""];
  if (notes.length > 0) lines.push("Note:", ...notes.map((n) => `  \u26a0 ${n}`), "");
  lines.push("To deploy:", ...steps.map((s, i) => `  ${i + 1}. ${s}`), "");
  return lines.join("\n");
}

const command: Command = {
  meta: { name: "bundle", description: "Generate a deployment bundle (Helm charts, values, manifests, scripts) from a recipe" },
  args: {
    recipe: { type: "string", alias: ["r"], description: "RecipeResult file, URL or cm://namespace/name", valueHint: "file" },
    kubeconfig: { type: "string", alias: ["k"], description: "Kubeconfig for a cm:// recipe", valueHint: "file" },
    output: { type: "string", alias: ["o"], description: `Output directory (default ${DEFAULT_OUTPUT_DIR})`, valueHint: "dir" },
    deployer: { type: "string", alias: ["d"], description: "Deployment method: helm (default), helmfile, flux, argocd, argocd-helm", valueHint: "name" },
    repo: { type: "string", description: "GitOps repository URL (argocd, argocd-helm and flux deployers)", valueHint: "url" },
    ...listFlags,
    "workload-gate": { type: "string", description: "Runtime-required taint for the Skyhook operator, key=value:Effect or key:Effect", valueHint: "taint" },
    nodes: { type: "string", int: true, description: "Estimated number of GPU nodes written at the registry's node-count paths (0 = unset)", valueHint: "n" },
    "storage-class": { type: "string", description: "StorageClass name written at the registry's storage-class paths", valueHint: "name" },
    config: { type: "string", description: "AICRConfig file or URL (spec.bundle; flags win, list flags replace)", valueHint: "file" },
    data: { type: "string", description: "External catalogue directory layered over the embedded one (copied to data/)", valueHint: "dir" },
    "list-images": { type: "boolean", description: "Print the charts and container images the bundle would deploy instead of writing it" },
    format: { type: "string", alias: ["t"], description: "With --list-images: text (default) or json", valueHint: "format" },
  },
  async run(ctx) {
    const configPath = ctx.args["config"] as string | undefined;
    const config = configPath ? await loadConfigFile(configPath) : undefined;
    const b = config?.spec.bundle;
    const recipeSource = pick<string>(ctx, "recipe", b?.input?.recipe, "spec.bundle.input.recipe");
    if (!recipeSource) throw new UsageError("required flag --recipe not set", "aicr bundle");
    const output = (pick<string>(ctx, "output", b?.output?.target, "spec.bundle.output.target") ?? DEFAULT_OUTPUT_DIR).trim();
    rejectUnsupported(b, output);
    const format = String(ctx.args["format"] ?? "text");
    if (format !== "text" && format !== "json") throw invalid(`invalid --format "${format}": must be text or json`);
    if (ctx.given.has("format") && !ctx.args["list-images"]) throw invalid("--format only applies to --list-images");

    const options = parseBundleOptions(rawOptions(ctx, b));
    const deployer = await loadDeployer(options.deployer);
    const dir = absolutePath(output);
    if (!ctx.args["list-images"]) checkOutputDir(dir, DEFAULT_OUTPUT_DIR);

    const data = pick<string>(ctx, "data", config?.spec.recipe?.data, "spec.recipe.data");
    const store = await loadStore(data);
    const dataFiles = data ? (await import("../data-dir.ts")).readDataDir(data) : [];
    const recipe = await loadRecipe(recipeSource, ctx.args["kubeconfig"] as string | undefined);
    const result = buildBundle({ recipe, store, options, version: VERSION, dataFiles }, deployer);
    for (const i of result.plan.infos) log.info(i);

    if (ctx.args["list-images"]) {
      await writeStdout(formatImageList(listImages(result.plan), format as "text" | "json"));
      return;
    }
    const written = writeTreeAtomic(dir, result.tree, DEFAULT_OUTPUT_DIR);
    log.debug("bundle written", { dir, files: written.files, unchangedFilesKept: written.reused, alreadyUpToDate: written.upToDate });
    await writeStdout(summary(result.deployer.title, dir, result.tree.size, result.plan.notes, result.deployer.nextSteps(dir, options)));
  },
};

export default command;
