/** Field helpers shared by the document schemas. */
import * as v from "valibot";

/** Optional field where an explicit YAML null means "not set". */
export const opt = <T extends v.GenericSchema>(schema: T) =>
  v.optional(v.pipe(v.nullable(schema), v.transform((x) => x ?? undefined)));

/** An integer written as a YAML number or, in typed documents, as its source text. */
export const int = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.regex(/^[-+]?\d+$/, "expected an integer"))], "expected an integer"),
  v.transform((x) => Number(x)),
  v.integer("expected an integer"),
);

/** A boolean written as YAML `true`/`false` (source text in typed documents). */
export const bool = v.pipe(
  v.union([v.boolean(), v.picklist(["true", "True", "TRUE", "false", "False", "FALSE"])], "expected true or false"),
  v.transform((x) => x === true || (typeof x === "string" && x.toLowerCase() === "true")),
);

/** A string-keyed map of anything (Helm values, overrides). */
export const freeMap = v.record(v.string(), v.unknown());

export const stringList = v.array(v.string());

/** Shared optional fields: schemas are immutable, and building one per field costs start-up time. */
export const optString = opt(v.string());
export const optStringList = opt(stringList);
export const optBool = opt(bool);
