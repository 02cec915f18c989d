/**
 * What `recipe` and `query` share: the optional config file, the catalogue (`--data`), the criteria,
 * and resolution. Explicit flags win over the config file.
 */
import { AicrError, ErrorCode } from "../core/errors.ts";
import type { Store } from "../core/catalogue/store.ts";
import type { Criteria } from "../core/recipe/criteria.ts";
import { resolveRecipe, type Resolution } from "../core/recipe/resolve.ts";
import { snapshotJudge } from "../core/recipe/snapshot-criteria.ts";
import type { AICRConfig } from "../core/schema/aicr-config.ts";
import type { Snapshot } from "../core/schema/snapshot.ts";
import { VERSION } from "../core/version.ts";
import { loadStore } from "./catalogue.ts";
import { resolveCriteria, type CriteriaMode } from "./criteria-input.ts";
import { log } from "./logger.ts";
import type { RunContext } from "./runner.ts";

export interface RecipeInputs {
  config?: AICRConfig;
  store: Store;
  criteria: Criteria;
  mode: CriteriaMode;
  /** Snapshot mode: candidate overlays are judged by their own constraints against it. */
  snapshot?: Snapshot;
}

/** A flag's value when given explicitly, else the config file's, else the flag default. */
export function pickSetting<T>(ctx: RunContext, flag: string, fromConfig: T | undefined): T | undefined {
  if (ctx.given.has(flag)) return ctx.args[flag] as T;
  if (fromConfig !== undefined) return fromConfig;
  return ctx.args[flag] as T | undefined;
}

/**
 * Load config, catalogue and criteria. `wrapBuild` wraps criteria and resolution failures as INTERNAL
 * "error building recipe" (the `recipe` command's exit-code contract); `query` leaves them as they are.
 */
export async function loadRecipeInputs(ctx: RunContext): Promise<RecipeInputs> {
  const configPath = ctx.args["config"] as string | undefined;
  const config = configPath ? await loadConfigWrapped(configPath) : undefined;
  const data = pickSetting<string>(ctx, "data", config?.spec.recipe?.data);
  const store = await loadStore(data);
  const { criteria, mode, snapshot } = await resolveCriteria(ctx.args, config);
  return { config, store, criteria, mode, ...(snapshot ? { snapshot } : {}) };
}

async function loadConfigWrapped(path: string): Promise<AICRConfig> {
  const { loadConfig } = await import("./config.ts");
  try {
    return await loadConfig(path);
  } catch (err) {
    throw new AicrError(ErrorCode.Internal, "failed to load config", { cause: err });
  }
}

export function resolveWith(inputs: RecipeInputs): Resolution {
  if (!inputs.snapshot) {
    const res = resolveRecipe(inputs.store, inputs.criteria, { version: VERSION });
    for (const w of res.warnings) log.warn(w);
    return res;
  }
  const res = resolveRecipe(inputs.store, inputs.criteria, { version: VERSION, judgeCandidate: snapshotJudge(inputs.snapshot) });
  const excluded = res.result.metadata.excludedOverlays ?? [];
  for (const w of res.result.metadata.constraintWarnings ?? []) {
    log.info(`overlay ${w.overlay} excluded: ${w.constraint}: ${w.reason}`);
  }
  if (excluded.length > 0) log.warn(`${excluded.length} matching overlay(s) excluded by snapshot constraints: ${excluded.join(", ")}`);
  const baseOnly = res.result.metadata.appliedOverlays.length <= 1;
  for (const w of res.warnings) {
    if (baseOnly && excluded.length > 0 && w.startsWith("no environment-specific overlays matched")) {
      log.warn("every matching overlay was excluded by snapshot constraints; the recipe is the base alone");
    } else log.warn(w);
  }
  return res;
}

/** Re-throw as INTERNAL "error building recipe" (keeps the cause chain). */
export async function asBuildError<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AicrError && err.code === ErrorCode.Internal) throw err;
    throw new AicrError(ErrorCode.Internal, "error building recipe", { cause: err });
  }
}
