/**
 * `kind: AICRConfig`: one file that drives `recipe`, `query` and `bundle` (and later `validate`,
 * `snapshot`). Decoded strictly: an unknown field is an error naming it.
 */
import * as v from "valibot";
import { int, opt, optBool, optString, optStringList } from "./fields.ts";

export const AICRConfigKind = "AICRConfig";

const stringMap = v.record(v.string(), v.string());

export const RecipeSectionSchema = v.strictObject({
  criteria: opt(
    v.strictObject({
      service: optString,
      accelerator: optString,
      intent: optString,
      os: optString,
      platform: optString,
      nodes: opt(int),
    }),
  ),
  input: opt(v.strictObject({ snapshot: optString })),
  output: opt(v.strictObject({ path: optString, format: optString })),
  data: optString,
});

export const BundleSectionSchema = v.strictObject({
  input: opt(v.strictObject({ recipe: optString })),
  output: opt(v.strictObject({ target: optString, imageRefs: optString })),
  deployment: opt(
    v.strictObject({
      deployer: optString,
      repo: optString,
      set: optStringList,
      dynamic: optStringList,
    }),
  ),
  scheduling: opt(
    v.strictObject({
      systemNodeSelector: opt(stringMap),
      systemNodeTolerations: optStringList,
      acceleratedNodeSelector: opt(stringMap),
      acceleratedNodeTolerations: optStringList,
      workloadGate: optString,
      workloadSelector: opt(stringMap),
      nodes: opt(int),
      storageClass: optString,
    }),
  ),
  attestation: opt(
    v.strictObject({
      enabled: optBool,
      certificateIdentityRegexp: optString,
      oidcDeviceFlow: optBool,
    }),
  ),
  registry: opt(v.strictObject({ insecureTLS: optBool, plainHTTP: optBool })),
});

export const ValidateSectionSchema = v.strictObject({
  input: opt(v.strictObject({ recipe: optString, snapshot: optString })),
  agent: opt(
    v.strictObject({
      namespace: optString,
      image: optString,
      imagePullSecrets: optStringList,
      jobName: optString,
      serviceAccountName: optString,
      nodeSelector: opt(stringMap),
      tolerations: optStringList,
      requireGpu: optBool,
    }),
  ),
  execution: opt(
    v.strictObject({
      phases: optStringList,
      failOnError: optBool,
      failFast: optBool,
      noCluster: optBool,
      noCleanup: optBool,
      timeout: optString,
    }),
  ),
});

export const AICRConfigSchema = v.strictObject({
  kind: v.literal(AICRConfigKind, `kind must be ${AICRConfigKind}`),
  apiVersion: v.string(),
  metadata: opt(v.strictObject({ name: optString })),
  spec: v.strictObject({
    recipe: opt(RecipeSectionSchema),
    bundle: opt(BundleSectionSchema),
    validate: opt(ValidateSectionSchema),
  }),
});

export type AICRConfig = v.InferOutput<typeof AICRConfigSchema>;
export type RecipeSection = v.InferOutput<typeof RecipeSectionSchema>;
