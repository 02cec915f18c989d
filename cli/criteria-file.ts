/** The RecipeCriteria file (`--criteria`): YAML or JSON by suffix, values parsed like the flags. */
import { invalid } from "../core/errors.ts";
import { anyCriteria, applyCriteria, type Criteria } from "../core/recipe/criteria.ts";
import { RecipeCriteriaFileSchema } from "../core/schema/criteria.ts";
import { decode } from "../core/schema/decode.ts";
import { apiVersionV1alpha1 } from "../core/schema/recipe-metadata.ts";
import { parseJson, parseYaml } from "../core/yaml.ts";
import { readInput } from "./io.ts";
import { log } from "./logger.ts";

export async function loadCriteriaFile(source: string): Promise<Criteria> {
  const input = await readInput(source, "criteria file");
  if (!/\.(json|ya?ml)$/i.test(source.split(/[?#]/)[0] ?? source)) {
    log.warn(`criteria file ${source} has no .yaml/.yml/.json suffix; reading it as JSON`);
  }
  const isYaml = /\.ya?ml$/i.test(source.split(/[?#]/)[0] ?? source);
  const parsed = isYaml ? parseYaml(input.text, source, () => false) : parseJson(input.text, source);
  const doc = decode(RecipeCriteriaFileSchema, parsed, source);
  if (doc.apiVersion !== undefined && doc.apiVersion !== "" && doc.apiVersion !== apiVersionV1alpha1) {
    throw invalid(`invalid apiVersion "${doc.apiVersion}" in ${source}, expected ${apiVersionV1alpha1}`);
  }
  const spec = doc.spec ?? {};
  try {
    return applyCriteria(anyCriteria(), { ...spec, nodes: spec.nodes }, { rejectNegativeNodes: true });
  } catch (err) {
    throw invalid(`invalid criteria in ${source}`, err);
  }
}

