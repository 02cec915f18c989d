/** Field helpers shared by the document schemas. */
import * as v from "valibot";

/** The type of `v.optional(v.pipe(v.nullable(schema), v.transform((x) => x ?? undefined)))`. */
type OptSchema<T extends v.GenericSchema> = v.OptionalSchema<
  v.SchemaWithPipe<readonly [v.NullableSchema<T, undefined>, v.TransformAction<v.InferOutput<T> | null, v.InferOutput<T> | undefined>]>,
  undefined
>;

/**
 * Optional field where an explicit YAML null means "not set": absent and null both decode to
 * undefined, anything else goes to `schema`. It behaves as the composition its type names, written as
 * one schema node instead of four: the document schemas use it for most fields, so it is a large share
 * of the schema objects built at start-up and of the nodes each decode passes through.
 */
export function opt<T extends v.GenericSchema>(schema: T): OptSchema<T> {
  const node = {
    kind: "schema",
    type: "optional",
    reference: v.optional,
    expects: `(${schema.expects} | null | undefined)`,
    async: false,
    wrapped: schema,
    default: undefined,
    "~run"(dataset: { value: unknown; typed?: boolean }, config: v.Config<v.BaseIssue<unknown>>) {
      if (dataset.value === undefined || dataset.value === null) {
        dataset.value = undefined;
        dataset.typed = true;
        return dataset;
      }
      return schema["~run"](dataset as never, config);
    },
  };
  (node as Record<string, unknown>)["~standard"] = {
    version: 1,
    vendor: "valibot",
    validate: (value: unknown) => node["~run"]({ value }, v.getGlobalConfig()),
  };
  return node as unknown as OptSchema<T>;
}

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
