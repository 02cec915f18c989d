/**
 * Recipe criteria from a request: query parameters (GET /v1/recipe, /v1/query, /v1/validate), a
 * RecipeCriteria document (POST /v1/recipe) or a query request body (POST /v1/query). Values go
 * through the engine's criteria parsers; any problem is a 400 that says which value and what is allowed.
 */
import { AicrError, ErrorCode, invalid } from "../../core/errors.ts";
import { anyCriteria, applyCriteria, criteriaFields, criteriaValues, parseCriterion, type Criteria, type CriteriaField, type CriteriaInput } from "../../core/recipe/criteria.ts";
import { OverlayCriteriaSchema, RecipeCriteriaFileSchema } from "../../core/schema/criteria.ts";
import { decode } from "../../core/schema/decode.ts";
import { apiVersionV1alpha1 } from "../../core/schema/recipe-metadata.ts";
import { parseJson, parseYaml, type ParsedYaml } from "../../core/yaml.ts";
import { ApiError, badRequest } from "./api-error.ts";
import { bodyFormat, mediaType } from "./negotiate.ts";

/** Name under which a request body appears in messages. */
export const BODY_NAME = "request body";

/** Query parameters that carry criteria (`gpu` is an alias of `accelerator`). */
export const criteriaParams = [...criteriaFields, "gpu", "nodes"] as const;

/** A criterion checked alone, so that the 400 names the parameter and its allowed values. */
function parseField(field: CriteriaField, raw: string, message: string): string {
  try {
    return parseCriterion(field, raw);
  } catch (err) {
    throw badRequest(message, err, { parameter: field, requested: raw, allowed: [...criteriaValues[field], "any"] });
  }
}

/** `nodes` as Go's `%d` scan reads it: a leading integer (`5abc` is 5), never negative. */
export function parseNodesParam(raw: string): number {
  const m = /^\s*([-+]?\d+)/.exec(raw);
  if (!m) throw invalid(`invalid nodes value: ${raw}`);
  const n = Number(m[1]);
  if (n < 0) throw invalid(`invalid nodes count: ${n} (must be >= 0)`);
  return n;
}

/** True when any criteria parameter is present (even empty). */
export const hasCriteriaParams = (params: URLSearchParams): boolean => criteriaParams.some((p) => params.has(p));

/** The criteria parameters as engine input (only those given). */
export function criteriaInputFromQuery(params: URLSearchParams, message = "Invalid recipe criteria"): CriteriaInput {
  const input: CriteriaInput = {};
  for (const f of criteriaFields) {
    let raw = params.get(f) ?? "";
    if (f === "accelerator" && raw.trim() === "") raw = params.get("gpu") ?? "";
    if (raw.trim() !== "") input[f] = parseField(f, raw, message);
  }
  const nodes = params.get("nodes");
  if (nodes !== null && nodes.trim() !== "") {
    try {
      input.nodes = parseNodesParam(nodes);
    } catch (err) {
      throw badRequest(message, err, { parameter: "nodes", requested: nodes });
    }
  }
  return input;
}

/** Criteria of a GET request: every field not given is `any`. */
export function criteriaFromQuery(params: URLSearchParams): Criteria {
  return applyCriteria(anyCriteria(), criteriaInputFromQuery(params));
}

/** Parse a body as JSON or YAML; typed fields keep their source text (the criteria parsers want text). */
export function parseBody(text: string, format: "json" | "yaml"): ParsedYaml {
  return format === "yaml" ? parseYaml(text, BODY_NAME, () => false) : parseJson(text, BODY_NAME);
}

/** POST /v1/recipe: a RecipeCriteria document (JSON, or YAML by Content-Type). */
export function criteriaFromDocument(text: string, contentType: string | null): Criteria {
  try {
    if (text.trim() === "") throw invalid("request body is empty");
    const doc = decode(RecipeCriteriaFileSchema, parseBody(text, bodyFormat(contentType)), BODY_NAME);
    if (doc.apiVersion !== undefined && doc.apiVersion !== "" && doc.apiVersion !== apiVersionV1alpha1) {
      throw invalid(`invalid apiVersion "${doc.apiVersion}", expected "${apiVersionV1alpha1}"`);
    }
    const spec = doc.spec ?? {};
    return applyCriteria(anyCriteria(), spec, { rejectNegativeNodes: true });
  } catch (err) {
    if (err instanceof ApiError || !(err instanceof AicrError)) throw err;
    throw badRequest("Invalid recipe criteria", err);
  }
}

export interface QueryRequest {
  criteria: Criteria;
  selector: string;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * POST /v1/query: `{criteria: {...}, selector: "..."}`, JSON when the Content-Type mentions json, else
 * YAML. Criteria fields left out stay empty (they match like `any`).
 */
export function queryFromBody(text: string, contentType: string | null): QueryRequest {
  let parsed: ParsedYaml;
  try {
    if (text.trim() === "") throw invalid("request body cannot be empty");
    parsed = parseBody(text, mediaType(contentType).includes("json") ? "json" : "yaml");
    if (!isMap(parsed.value)) throw invalid("request body must be a map with criteria and selector");
  } catch (err) {
    if (!(err instanceof AicrError)) throw err;
    throw badRequest("Invalid query request body", err);
  }
  const body = parsed.value as Record<string, unknown>;
  const rawCriteria = body["criteria"];
  if (rawCriteria === undefined || rawCriteria === null) throw new ApiError(ErrorCode.InvalidRequest, "Query criteria cannot be empty");
  const selector = body["selector"];
  if (selector !== undefined && selector !== null && typeof selector !== "string") {
    throw badRequest("Invalid query request body", invalid("selector must be a string"));
  }
  try {
    const c = decode(OverlayCriteriaSchema, { value: rawCriteria, position: (p) => parsed.position(["criteria", ...p]) }, BODY_NAME);
    const empty: Criteria = { service: "", accelerator: "", intent: "", os: "", platform: "", nodes: 0 };
    return { criteria: applyCriteria(empty, c, { rejectNegativeNodes: true }), selector: (selector as string | undefined) ?? "" };
  } catch (err) {
    if (!(err instanceof AicrError)) throw err;
    throw badRequest("Invalid criteria in request body", err);
  }
}
