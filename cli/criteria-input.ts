/**
 * Where the query criteria come from, first match wins: a snapshot (`--snapshot`, or the config file's
 * `spec.recipe.input.snapshot`) whose measurements are detected, a RecipeCriteria file (`--criteria`),
 * the AICRConfig file's `spec.recipe.criteria`, or the criteria flags alone. Explicit flags override
 * detected and file values field by field.
 */
import { AicrError, ErrorCode, internal, invalid } from "../core/errors.ts";
import { ANY, anyCriteria, applyCriteria, criteriaFields, querySpecificity, type Criteria, type CriteriaInput } from "../core/recipe/criteria.ts";
import type { AICRConfig } from "../core/schema/aicr-config.ts";
import type { Snapshot } from "../core/schema/snapshot.ts";
import { log } from "./logger.ts";
import type { ParsedArgs } from "./runner.ts";

export type CriteriaMode = "flags" | "criteria-file" | "config" | "snapshot";

export interface CriteriaResolution {
  criteria: Criteria;
  mode: CriteriaMode;
  /** The snapshot in snapshot mode (its measurements also judge candidate overlays). */
  snapshot?: Snapshot;
}

export async function loadSnapshot(source: string, opts: { kubeconfig?: string } = {}): Promise<Snapshot> {
  try {
    const { documentFormat, decodeSnapshot } = await import("../core/validate/documents.ts");
    const { readSource } = await import("./sources.ts");
    const input = await readSource(source, "snapshot", opts);
    if (documentFormat(input.name).guessed) log.warn(`snapshot ${source} has no .yaml/.yml/.json suffix; reading it as JSON`);
    return decodeSnapshot(input.text, input.name);
  } catch (err) {
    throw internal(`failed to load snapshot from ${source}`, err);
  }
}

/** Criteria detected from a snapshot, then explicit flags on top (each override logged). */
async function fromSnapshot(source: string, flags: CriteriaInput, kubeconfig: string | undefined): Promise<CriteriaResolution> {
  const snapshot = await loadSnapshot(source, { kubeconfig });
  const { detectCriteria } = await import("../core/recipe/snapshot-criteria.ts");
  const { criteria: detected, detections } = detectCriteria(snapshot);
  for (const d of detections) log.debug(`detected ${d.field}=${d.value} from ${d.from}`);
  const criteria = applyCriteria(detected, flags);
  for (const f of criteriaFields) {
    if (flags[f] !== undefined && flags[f]?.trim() !== "" && detected[f] !== ANY && detected[f] !== criteria[f]) {
      log.info(`--${f} overrides the ${f} detected in the snapshot`, { detected: detected[f], value: criteria[f] });
    }
  }
  return { criteria, mode: "snapshot", snapshot };
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

const kubeconfigOf = (args: ParsedArgs) => (typeof args["kubeconfig"] === "string" ? args["kubeconfig"] : undefined);

export async function resolveCriteria(args: ParsedArgs, config: AICRConfig | undefined): Promise<CriteriaResolution> {
  const flags = flagInput(args);
  const criteriaPath = typeof args["criteria"] === "string" ? args["criteria"] : undefined;
  const snapshotFlag = typeof args["snapshot"] === "string" && args["snapshot"].trim() !== "" ? args["snapshot"].trim() : undefined;
  if (snapshotFlag) {
    if (criteriaPath) log.info(`--snapshot takes precedence: --criteria ${criteriaPath} is ignored`);
    return fromSnapshot(snapshotFlag, flags, kubeconfigOf(args));
  }
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
  const configSnapshot = config?.spec.recipe?.input?.snapshot;
  if (configSnapshot) return fromSnapshot(configSnapshot, flags, kubeconfigOf(args));
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
      "no criteria provided: give at least one of --service, --accelerator, --intent, --os, --platform, --nodes (or --snapshot / --criteria / --config)",
    );
  }
  return { criteria, mode: "flags" };
}
