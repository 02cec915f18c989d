/**
 * The AICRConfig file (`--config`): one document that drives `recipe`, `query` and `bundle`.
 * Flags the user gives explicitly always win over it; list and map flags replace its values.
 */
import { normalize } from "node:path";
import { invalid, notFound } from "../core/errors.ts";
import { AICRConfigSchema, type AICRConfig } from "../core/schema/aicr-config.ts";
import { decode } from "../core/schema/decode.ts";
import { apiVersionV1alpha1 } from "../core/schema/recipe-metadata.ts";
import { criteriaFields, parseCriterion } from "../core/recipe/criteria.ts";
import { parseByName } from "../core/yaml.ts";
import { isUrl, readInput } from "./io.ts";

/** Largest local config file accepted. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export async function loadConfig(source: string): Promise<AICRConfig> {
  if (source.startsWith("cm://")) {
    throw invalid(`--config does not read ConfigMaps (${source}): export it with "kubectl get cm <name> -o yaml" and pass the file`);
  }
  if (source.startsWith("file://")) throw invalid(`--config takes a path, not a file:// URL (${source})`);
  if (!isUrl(source)) {
    const f = Bun.file(source);
    if (!(await f.exists())) throw notFound(`config file not found: ${source}`);
    if (f.size > MAX_CONFIG_BYTES) throw invalid(`config file ${source} is larger than ${MAX_CONFIG_BYTES} bytes`);
  }
  const input = await readInput(source, "config file");
  const cfg = decode(AICRConfigSchema, parseByName(input.text, source, () => false), source);
  if (cfg.apiVersion !== apiVersionV1alpha1) {
    throw invalid(`${source}: apiVersion "${cfg.apiVersion}" is not supported (use ${apiVersionV1alpha1})`);
  }
  const spec = cfg.spec;
  if (!spec.recipe && !spec.bundle && !spec.validate) throw invalid(`${source}: spec needs at least one of recipe, bundle, validate`);
  const crit = spec.recipe?.criteria;
  if (crit) {
    for (const f of criteriaFields) {
      const v = crit[f];
      if (v === undefined) continue;
      try {
        parseCriterion(f, v);
      } catch (err) {
        throw invalid(`${source}: spec.recipe.criteria.${f}: ${(err as Error).message}`);
      }
    }
    if (crit.nodes !== undefined && crit.nodes < 0) throw invalid(`${source}: spec.recipe.criteria.nodes must be 0 or more`);
  }
  if (crit && spec.recipe?.input?.snapshot) {
    throw invalid(`${source}: spec.recipe.criteria and spec.recipe.input.snapshot are mutually exclusive`);
  }
  const out = spec.recipe?.output?.path;
  const bundleIn = spec.bundle?.input?.recipe;
  if (out && bundleIn && normalize(out) !== normalize(bundleIn)) {
    throw invalid(`${source}: spec.recipe.output.path (${out}) and spec.bundle.input.recipe (${bundleIn}) must name the same file`);
  }
  return cfg;
}
