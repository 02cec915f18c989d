/**
 * `kind: AICRConfig`: one file that drives `recipe`, `query` and `bundle` (and later `validate`,
 * `snapshot`). Decoded strictly: an unknown field is an error naming it.
 */
import * as v from "valibot";
import { bool, int, opt, stringList } from "./fields.ts";

export const AICRConfigKind = "AICRConfig";

const stringMap = v.record(v.string(), v.string());

export const RecipeSectionSchema = v.strictObject({
  criteria: opt(
    v.strictObject({
      service: opt(v.string()),
      accelerator: opt(v.string()),
      intent: opt(v.string()),
      os: opt(v.string()),
      platform: opt(v.string()),
      nodes: opt(int),
    }),
  ),
  input: opt(v.strictObject({ snapshot: opt(v.string()) })),
  output: opt(v.strictObject({ path: opt(v.string()), format: opt(v.string()) })),
  data: opt(v.string()),
});

export const BundleSectionSchema = v.strictObject({
  input: opt(v.strictObject({ recipe: opt(v.string()) })),
  output: opt(v.strictObject({ target: opt(v.string()), imageRefs: opt(v.string()) })),
  deployment: opt(
    v.strictObject({
      deployer: opt(v.string()),
      repo: opt(v.string()),
      set: opt(stringList),
      dynamic: opt(stringList),
    }),
  ),
  scheduling: opt(
    v.strictObject({
      systemNodeSelector: opt(stringMap),
      systemNodeTolerations: opt(stringList),
      acceleratedNodeSelector: opt(stringMap),
      acceleratedNodeTolerations: opt(stringList),
      workloadGate: opt(v.string()),
      workloadSelector: opt(stringMap),
      nodes: opt(int),
      storageClass: opt(v.string()),
    }),
  ),
  attestation: opt(
    v.strictObject({
      enabled: opt(bool),
      certificateIdentityRegexp: opt(v.string()),
      oidcDeviceFlow: opt(bool),
    }),
  ),
  registry: opt(v.strictObject({ insecureTLS: opt(bool), plainHTTP: opt(bool) })),
});

export const ValidateSectionSchema = v.strictObject({
  input: opt(v.strictObject({ recipe: opt(v.string()), snapshot: opt(v.string()) })),
  agent: opt(
    v.strictObject({
      namespace: opt(v.string()),
      image: opt(v.string()),
      imagePullSecrets: opt(stringList),
      jobName: opt(v.string()),
      serviceAccountName: opt(v.string()),
      nodeSelector: opt(stringMap),
      tolerations: opt(stringList),
      requireGpu: opt(bool),
    }),
  ),
  execution: opt(
    v.strictObject({
      phases: opt(stringList),
      failOnError: opt(bool),
      failFast: opt(bool),
      noCluster: opt(bool),
      noCleanup: opt(bool),
      timeout: opt(v.string()),
    }),
  ),
});

export const AICRConfigSchema = v.strictObject({
  kind: v.literal(AICRConfigKind, `kind must be ${AICRConfigKind}`),
  apiVersion: v.string(),
  metadata: opt(v.strictObject({ name: opt(v.string()) })),
  spec: v.strictObject({
    recipe: opt(RecipeSectionSchema),
    bundle: opt(BundleSectionSchema),
    validate: opt(ValidateSectionSchema),
  }),
});

export type AICRConfig = v.InferOutput<typeof AICRConfigSchema>;
export type RecipeSection = v.InferOutput<typeof RecipeSectionSchema>;
