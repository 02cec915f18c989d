/**
 * `GET|POST /v1/query`: resolve a recipe, hydrate every component's values, answer the value at a
 * dot-path selector (the whole document when empty). JSON keys are sorted at every level; YAML maps
 * are what `aicr query` prints.
 */
import { AicrError, ErrorCode, renderError } from "../../../core/errors.ts";
import { hydratedDocument, select } from "../../../core/recipe/query.ts";
import { formatSelection } from "../../../core/recipe/render.ts";
import { resolveRecipe } from "../../../core/recipe/resolve.ts";
import { sortKeysDeep, stringifyYaml } from "../../../core/yaml.ts";
import { checkAllowed } from "../allowlist.ts";
import { ApiError, fromError } from "../api-error.ts";
import { cachedResponse, criteriaKey } from "../cached-response.ts";
import type { Handler } from "../context.ts";
import { criteriaFromQuery, queryFromBody } from "../criteria-params.ts";
import { compactJson, contentTypeOf } from "../negotiate.ts";

const isCollection = (v: unknown) => v !== null && typeof v === "object";

export const queryHandler: Handler = async (ctx) => {
  const { criteria, selector } =
    ctx.req.method === "POST"
      ? queryFromBody(await ctx.body(), ctx.req.headers.get("content-type"))
      : { criteria: criteriaFromQuery(ctx.url.searchParams), selector: ctx.url.searchParams.get("selector") ?? "" };
  checkAllowed(ctx.config.allowlists, criteria);
  return cachedResponse(ctx, `query|${ctx.format}|${criteriaKey(criteria)}|${selector}`, () => {
    const t0 = performance.now();
    let value: unknown;
    try {
      const { result } = resolveRecipe(ctx.config.store, criteria, { version: ctx.config.version });
      ctx.metrics.recipeBuild.observe({}, (performance.now() - t0) / 1000);
      value = hydratedDocument(ctx.config.store, result, { nilLists: ctx.format === "yaml" });
    } catch (err) {
      throw fromError(err, "Failed to build recipe");
    }
    try {
      value = select(value, selector);
    } catch (err) {
      if (err instanceof AicrError && err.code === ErrorCode.NotFound) {
        throw new ApiError(ErrorCode.NotFound, "Selector path not found", { error: renderError(err), selector });
      }
      throw fromError(err, "Failed to select value");
    }
    let text: string;
    if (ctx.format === "json") text = compactJson(sortKeysDeep(value, "byte"));
    else text = isCollection(value) ? formatSelection(value, "yaml") : stringifyYaml(value);
    return { text, contentType: contentTypeOf(ctx.format) };
  });
};
