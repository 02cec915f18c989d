/**
 * `POST /v1/validate`: readiness of a posted Snapshot (JSON, or YAML by Content-Type) against the
 * recipe for its criteria: detected from the snapshot, with criteria query parameters on top. The
 * recipe is the one those criteria resolve to (overlays are not judged against the snapshot, or a
 * recipe the snapshot cannot meet would never be checked). `phase` (repeatable) adds live phases,
 * reported as skipped (the server has no cluster). Answers a CTRF report whose `environment` names
 * the recipe; `X-Validation-Result` says passed or failed.
 */
import { AicrError, internal, invalid } from "../../../core/errors.ts";
import { applyCriteria } from "../../../core/recipe/criteria.ts";
import { resolveRecipe } from "../../../core/recipe/resolve.ts";
import { detectCriteria } from "../../../core/recipe/snapshot-criteria.ts";
import type { Snapshot } from "../../../core/schema/snapshot.ts";
import { decodeSnapshot } from "../../../core/validate/documents.ts";
import { validateOffline } from "../../../core/validate/offline.ts";
import { phaseValues, READINESS, selectPhases } from "../../../core/validate/phases.ts";
import { checkAllowed } from "../allowlist.ts";
import { badRequest, fromError } from "../api-error.ts";
import type { Handler } from "../context.ts";
import { criteriaInputFromQuery } from "../criteria-params.ts";
import { bodyFormat } from "../negotiate.ts";
import { documentResponse } from "../respond.ts";

function snapshotFromBody(text: string, contentType: string | null): Snapshot {
  try {
    if (text.trim() === "") throw invalid("request body is empty");
    return decodeSnapshot(text, bodyFormat(contentType) === "yaml" ? "request.yaml" : "request.json");
  } catch (err) {
    if (!(err instanceof AicrError)) throw err;
    throw badRequest("Invalid snapshot", err);
  }
}

export const validateHandler: Handler = async (ctx) => {
  const params = ctx.url.searchParams;
  const phases = params.getAll("phase").map((p) => p.trim());
  let selection;
  try {
    selection = selectPhases(phases.length > 0 ? phases : [READINESS]);
  } catch (err) {
    throw badRequest("Invalid phase parameter", err, { allowed: [...phaseValues] });
  }
  const flags = criteriaInputFromQuery(params);
  const snapshot = snapshotFromBody(await ctx.body(), ctx.req.headers.get("content-type"));
  const criteria = applyCriteria(detectCriteria(snapshot).criteria, flags);
  checkAllowed(ctx.config.allowlists, criteria);

  const catalog = ctx.config.store.validators;
  try {
    if (!catalog) throw internal("the validator catalogue (validators/catalog.yaml) is missing");
    const { result } = resolveRecipe(ctx.config.store, criteria, { version: ctx.config.version });
    const outcome = await validateOffline({
      recipe: result,
      snapshot,
      selection,
      catalog,
      clock: () => Date.now(),
      version: ctx.config.version,
    });
    const environment = { criteria: result.criteria, appliedOverlays: result.metadata.appliedOverlays };
    const report = { ...outcome.report, results: { ...outcome.report.results, environment } };
    return documentResponse(report, ctx.format, {
      headers: { "X-Validation-Result": outcome.passed ? "passed" : "failed", "Cache-Control": "no-store" },
    });
  } catch (err) {
    throw fromError(err, "Validation failed");
  }
};
