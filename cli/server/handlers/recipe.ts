/**
 * `GET|POST /v1/recipe`: criteria (query parameters, or a RecipeCriteria document) resolved against
 * the catalogue into a RecipeResult. YAML is exactly what `aicr recipe` prints; JSON is compact.
 */
import { recipeDocument, formatRecipe } from "../../../core/recipe/render.ts";
import { resolveRecipe } from "../../../core/recipe/resolve.ts";
import { checkAllowed } from "../allowlist.ts";
import { fromError } from "../api-error.ts";
import { cachedResponse, criteriaKey } from "../cached-response.ts";
import type { Handler } from "../context.ts";
import { criteriaFromDocument, criteriaFromQuery } from "../criteria-params.ts";
import { compactJson, contentTypeOf } from "../negotiate.ts";

export const recipeHandler: Handler = async (ctx) => {
  const criteria =
    ctx.req.method === "POST" ? criteriaFromDocument(await ctx.body(), ctx.req.headers.get("content-type")) : criteriaFromQuery(ctx.url.searchParams);
  checkAllowed(ctx.config.allowlists, criteria);
  return cachedResponse(ctx, `recipe|${ctx.format}|${criteriaKey(criteria)}`, () => {
    const t0 = performance.now();
    let result;
    try {
      result = resolveRecipe(ctx.config.store, criteria, { version: ctx.config.version }).result;
    } catch (err) {
      throw fromError(err, "Failed to build recipe");
    }
    ctx.metrics.recipeBuild.observe({}, (performance.now() - t0) / 1000);
    const text = ctx.format === "yaml" ? formatRecipe(result, "yaml") : compactJson(recipeDocument(result, "byte"));
    return { text, contentType: contentTypeOf(ctx.format) };
  });
};
