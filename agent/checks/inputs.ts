/**
 * Where a check's recipe and snapshot come from: a ConfigMap named `namespace/name` (flag or
 * AICR_RECIPE_CONFIGMAP / AICR_SNAPSHOT_CONFIGMAP, read through the API: what validator Jobs use),
 * else a file (flag or AICR_RECIPE_PATH / AICR_SNAPSHOT_PATH, e.g. the ConfigMap mounted into the
 * pod). The recipe ConfigMap may also hold `manifests.json`, the texts of the recipe's manifests.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AicrError, ErrorCode, invalid } from "../../core/errors.ts";
import type { RecipeResultDocument } from "../../core/schema/recipe-result.ts";
import type { Snapshot } from "../../core/schema/snapshot.ts";
import { decodeRecipeResult, decodeSnapshot } from "../../core/validate/documents.ts";
import { MANIFESTS_KEY, RECIPE_KEY, SNAPSHOT_KEY } from "../../core/validate/live/data.ts";
import { ENV } from "../../core/validate/live/job.ts";
import type { KubeClient } from "../kube/client.ts";
import { ConfigMaps } from "../kube/paths.ts";

export interface InputFlags {
  recipeConfigMap?: string;
  snapshotConfigMap?: string;
  recipePath?: string;
  snapshotPath?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function splitRef(ref: string, what: string): { namespace: string; name: string } {
  const s = ref.trim().replace(/^cm:\/\//, "");
  const slash = s.indexOf("/");
  if (slash <= 0 || slash === s.length - 1) throw invalid(`invalid ${what} "${ref}": expected namespace/name`);
  return { namespace: s.slice(0, slash), name: s.slice(slash + 1) };
}

async function configMapData(client: KubeClient, ref: string, what: string): Promise<{ data: Record<string, string>; source: string }> {
  const { namespace, name } = splitRef(ref, what);
  try {
    const cm = await client.get<{ data?: Record<string, string> }>(ConfigMaps, name, { namespace });
    return { data: cm.data ?? {}, source: `cm://${namespace}/${name}` };
  } catch (err) {
    const code = err instanceof AicrError ? err.code : ErrorCode.Internal;
    throw new AicrError(code, `cannot read the ${what} ConfigMap ${namespace}/${name}`, { cause: err });
  }
}

/** The first present key, with the file-like name the decoders read the format from. */
function pick(data: Record<string, string>, source: string, keys: readonly string[]): { text: string; name: string } | undefined {
  for (const k of keys) if (typeof data[k] === "string") return { text: data[k], name: `${source}/${k}` };
  return undefined;
}

function parseManifests(text: string | undefined, source: string): Record<string, string> {
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
    return Object.fromEntries(Object.entries(v).filter(([, t]) => typeof t === "string")) as Record<string, string>;
  } catch (err) {
    throw invalid(`${source}: ${MANIFESTS_KEY} is not a JSON object of manifest texts: ${(err as Error).message}`);
  }
}

export interface RecipeInput {
  recipe: RecipeResultDocument;
  manifests: Record<string, string>;
  source: string;
}

export async function loadRecipe(flags: InputFlags, env: Env, client: () => KubeClient): Promise<RecipeInput> {
  const cmRef = flags.recipeConfigMap ?? env[ENV.recipeConfigMap];
  if (cmRef?.trim()) {
    const { data, source } = await configMapData(client(), cmRef, "recipe");
    const doc = pick(data, source, [RECIPE_KEY, "recipe.json", "snapshot.yaml", "snapshot.json"]);
    if (!doc) throw invalid(`ConfigMap ${source} holds no recipe (no ${RECIPE_KEY} key)`);
    return { recipe: decodeRecipeResult(doc.text, doc.name), manifests: parseManifests(data[MANIFESTS_KEY], source), source };
  }
  const path = flags.recipePath ?? env[ENV.recipePath];
  if (path?.trim()) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new AicrError(ErrorCode.NotFound, `recipe file not found: ${path}`);
    }
    const sibling = join(dirname(path), MANIFESTS_KEY);
    const manifests = existsSync(sibling) ? parseManifests(readFileSync(sibling, "utf8"), sibling) : {};
    return { recipe: decodeRecipeResult(text, path), manifests, source: path };
  }
  throw invalid(`no recipe: pass --recipe-configmap NAMESPACE/NAME or --recipe FILE (or set ${ENV.recipeConfigMap} or ${ENV.recipePath})`);
}

/** The snapshot, or undefined when none was given. */
export async function loadSnapshot(flags: InputFlags, env: Env, client: () => KubeClient): Promise<Snapshot | undefined> {
  const cmRef = flags.snapshotConfigMap ?? env[ENV.snapshotConfigMap];
  if (cmRef?.trim()) {
    const { data, source } = await configMapData(client(), cmRef, "snapshot");
    const doc = pick(data, source, [SNAPSHOT_KEY, "snapshot.json"]);
    if (!doc) throw invalid(`ConfigMap ${source} holds no snapshot (no ${SNAPSHOT_KEY} key)`);
    return decodeSnapshot(doc.text, doc.name);
  }
  const path = flags.snapshotPath ?? env[ENV.snapshotPath];
  if (path?.trim() && existsSync(path)) return decodeSnapshot(readFileSync(path, "utf8"), path);
  return undefined;
}
