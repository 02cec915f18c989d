/**
 * Field and enum names shared by the schemas and the engine. Kept apart from the valibot schemas so the
 * resolution path does not construct any schema.
 */

/** Validation phases in emission order. */
export const phaseNames = ["readiness", "deployment", "performance", "conformance"] as const;
export type PhaseName = (typeof phaseNames)[number];

/** Measurement types of a snapshot (case-sensitive). */
export const measurementTypes = ["K8s", "GPU", "OS", "SystemD", "NodeTopology"] as const;
export type MeasurementType = (typeof measurementTypes)[number];

/** Field order of a component reference in every document we write. */
export const componentRefFieldOrder = [
  "name",
  "namespace",
  "chart",
  "type",
  "source",
  "version",
  "tag",
  "valuesFile",
  "overrides",
  "patches",
  "dependencyRefs",
  "manifestFiles",
  "path",
  "cleanup",
  "expectedResources",
  "healthCheckAsserts",
] as const;

/** Component reference fields merged as "a later non-empty string wins". */
export const scalarRefFields = [
  "namespace",
  "chart",
  "type",
  "source",
  "version",
  "tag",
  "valuesFile",
  "path",
  "healthCheckAsserts",
] as const;
