/** `kind: ValidatorCatalog`: the checks `validate` can run, with image and timeout per check. */
import * as v from "valibot";
import { opt, optString, optStringList } from "./fields.ts";

export const ValidatorCatalogSchema = v.object({
  apiVersion: v.literal("aicr.nvidia.com/v1", "apiVersion must be aicr.nvidia.com/v1"),
  kind: v.literal("ValidatorCatalog", "kind must be ValidatorCatalog"),
  metadata: opt(v.object({ name: optString, version: optString })),
  validators: v.array(
    v.object({
      name: v.pipe(v.string(), v.minLength(1, "name is required")),
      phase: v.picklist(["deployment", "performance", "conformance"], "phase must be deployment, performance or conformance"),
      description: optString,
      image: v.pipe(v.string(), v.minLength(1, "image is required")),
      timeout: optString,
      args: optStringList,
      env: opt(v.array(v.object({ name: v.string(), value: optString }))),
      resources: opt(v.object({ cpu: optString, memory: optString })),
    }),
  ),
});

export type ValidatorCatalog = v.InferOutput<typeof ValidatorCatalogSchema>;
export type ValidatorEntry = ValidatorCatalog["validators"][number];
