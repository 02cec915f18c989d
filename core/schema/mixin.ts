/** `kind: RecipeMixin`: a reusable fragment (constraints and component references) that overlays pull in by name. */
import * as v from "valibot";
import { ComponentRefSchema, ExpectedResourceSchema } from "./component-ref.ts";
import { ConstraintSchema } from "./constraint.ts";
import { opt, optString } from "./fields.ts";

export const RecipeMixinKind = "RecipeMixin";

/** Strict all the way down (upstream decodes mixins with unknown fields disallowed at every level). */
const StrictComponentRefSchema = v.strictObject({
  ...ComponentRefSchema.entries,
  expectedResources: opt(v.array(v.strictObject(ExpectedResourceSchema.entries))),
});

export const RecipeMixinSchema = v.strictObject({
  kind: v.literal(RecipeMixinKind, `kind must be ${RecipeMixinKind}`),
  apiVersion: optString,
  metadata: v.strictObject({ name: v.pipe(v.string(), v.minLength(1, "metadata.name is required")) }),
  spec: v.strictObject({
    constraints: opt(v.array(v.strictObject(ConstraintSchema.entries))),
    componentRefs: opt(v.array(StrictComponentRefSchema)),
  }),
});

export type RecipeMixin = v.InferOutput<typeof RecipeMixinSchema>;
