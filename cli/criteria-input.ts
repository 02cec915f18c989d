/**
 * Where the query criteria come from: a RecipeCriteria file (`--criteria`), the AICRConfig file's
 * `spec.recipe.criteria`, or the criteria flags alone. Explicit flags override file values field by field.
 */
import { AicrError, ErrorCode, invalid } from "../core/errors.ts";
import { anyCriteria, applyCriteria, criteriaFields, querySpecificity, type Criteria, type CriteriaInput } from "../core/recipe/criteria.ts";
import type { AICRConfig } from "../core/schema/aicr-config.ts";
import { log } from "./logger.ts";
import type { ParsedArgs } from "./runner.ts";

export type CriteriaMode = "flags" | "criteria-file" | "config";

export interface CriteriaResolution {
  criteria: Criteria;
  mode: CriteriaMode;
}

function flagInput(args: ParsedArgs): CriteriaInput {
  const input: CriteriaInput = {};
  for (const f of criteriaFields) {
    const v = args[f];
    if (typeof v === "string") input[f] = v;
  }
  if (typeof args["nodes"] === "number") input.nodes = args["nodes"];
  return input;
}

export async function resolveCriteria(args: ParsedArgs, config: AICRConfig | undefined): Promise<CriteriaResolution> {
  const flags = flagInput(args);
  const criteriaPath = typeof args["criteria"] === "string" ? args["criteria"] : undefined;
  if (criteriaPath) {
    const { loadCriteriaFile } = await import("./criteria-file.ts");
    // A criteria file that cannot be read or decoded is INTERNAL for `query` too (recipes.md §12.2: exit 8).
    let fromFile: Criteria;
    try {
      fromFile = await loadCriteriaFile(criteriaPath);
    } catch (err) {
      throw new AicrError(ErrorCode.Internal, `failed to load criteria from ${criteriaPath}`, { cause: err });
    }
    return { criteria: applyCriteria(fromFile, flags), mode: "criteria-file" };
  }
  const fromConfig = config?.spec.recipe?.criteria;
  if (fromConfig) {
    const base = applyCriteria(anyCriteria(), { ...fromConfig }, { rejectNegativeNodes: true });
    for (const f of criteriaFields) {
      if (flags[f] !== undefined && fromConfig[f] !== undefined) log.info(`--${f} overrides the config file's spec.recipe.criteria.${f}`);
    }
    return { criteria: applyCriteria(base, flags), mode: "config" };
  }
  const criteria = applyCriteria(anyCriteria(), flags);
  if (querySpecificity(criteria) === 0) {
    throw invalid(
      "no criteria provided: give at least one of --service, --accelerator, --intent, --os, --platform, --nodes (or --criteria / --config)",
    );
  }
  return { criteria, mode: "flags" };
}
