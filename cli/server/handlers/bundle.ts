/**
 * `POST /v1/bundle`: a RecipeResult (JSON, or YAML by Content-Type) turned into a deployment bundle,
 * streamed as a zip (default; files deflated) or a ustar archive (`archive=tar` or `Accept:
 * application/x-tar`). The files are the ones `aicr bundle` writes, byte for byte.
 */
import { archiveEntries, contentBytes } from "../../../core/archive/entries.ts";
import { tarChunks } from "../../../core/archive/tar.ts";
import { zipChunks } from "../../../core/archive/zip.ts";
import { buildBundle } from "../../../core/bundle/bundle.ts";
import { deployerFor } from "../../../core/bundle/deployers/index.ts";
import { parseRecipeResult } from "../../../core/bundle/recipe-input.ts";
import { AicrError, ErrorCode, invalid } from "../../../core/errors.ts";
import type { RecipeResult } from "../../../core/recipe/result.ts";
import { formatGoDuration } from "../../../core/validate/duration.ts";
import { checkAllowed } from "../allowlist.ts";
import { ApiError, badRequest, fromError } from "../api-error.ts";
import { archiveFormatOf, bundleOptionsFromQuery } from "../bundle-params.ts";
import { byteStream } from "../byte-stream.ts";
import type { Handler } from "../context.ts";
import { bodyFormat } from "../negotiate.ts";

const archiveTypes = {
  zip: { contentType: "application/zip", filename: "bundles.zip" },
  tar: { contentType: "application/x-tar", filename: "bundles.tar" },
} as const;

function recipeFromBody(text: string, contentType: string | null): RecipeResult {
  try {
    if (text.trim() === "") throw invalid("request body is empty");
    return parseRecipeResult(text, bodyFormat(contentType) === "yaml" ? "request.yaml" : "request.json");
  } catch (err) {
    if (!(err instanceof AicrError)) throw err;
    throw badRequest("Invalid request body", err);
  }
}

export const bundleHandler: Handler = async (ctx) => {
  const params = ctx.url.searchParams;
  const options = bundleOptionsFromQuery(params);
  const archive = archiveFormatOf(params, ctx.req.headers.get("accept"));
  const recipe = recipeFromBody(await ctx.body(), ctx.req.headers.get("content-type"));
  if (recipe.componentRefs.length === 0) throw new ApiError(ErrorCode.InvalidRequest, "Recipe must contain at least one component reference");
  checkAllowed(ctx.config.allowlists, recipe.criteria);

  const t0 = performance.now();
  let tree;
  try {
    tree = buildBundle({ recipe, store: ctx.config.store, options, version: ctx.config.version, dataFiles: ctx.config.dataFiles }, deployerFor(options.deployer)).tree;
  } catch (err) {
    throw fromError(err, "Failed to generate bundle");
  }
  const entries = archiveEntries([...tree].map(([path, f]) => ({ path, content: f.content, mode: f.mode })));
  const chunks = archive === "zip" ? zipChunks(entries, { deflate: (d) => Bun.deflateSync(d as Uint8Array<ArrayBuffer>) }) : tarChunks(entries);
  const type = archiveTypes[archive];
  ctx.metrics.bundles.inc({ deployer: options.deployer, archive });
  return new Response(byteStream(chunks, ctx.hold()), {
    status: 200,
    headers: {
      "Content-Type": type.contentType,
      "Content-Disposition": `attachment; filename="${type.filename}"`,
      "X-Bundle-Files": String(tree.size),
      "X-Bundle-Size": String(contentBytes(entries)),
      "X-Bundle-Duration": formatGoDuration(performance.now() - t0),
      "X-Bundle-Deployer": options.deployer,
    },
  });
};
