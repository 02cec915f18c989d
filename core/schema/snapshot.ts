/** `kind: Snapshot`: measurements of one node (the parts the recipe engine and validation read). */
import * as v from "valibot";
import { opt, optString } from "./fields.ts";
import type { YamlPath } from "../yaml.ts";

export { measurementTypes, type MeasurementType } from "./names.ts";

export const SnapshotKind = "Snapshot";

export const SubtypeSchema = v.object({
  subtype: optString,
  data: opt(v.record(v.string(), v.unknown())),
  context: opt(v.record(v.string(), v.string())),
});

export const MeasurementSchema = v.object({
  type: v.string(),
  subtypes: opt(v.array(SubtypeSchema)),
});

export const SnapshotSchema = v.object({
  kind: v.literal(SnapshotKind, `kind must be ${SnapshotKind}`),
  apiVersion: optString,
  metadata: opt(v.record(v.string(), v.unknown())),
  measurements: opt(v.array(v.nullable(MeasurementSchema))),
});

export type Subtype = v.InferOutput<typeof SubtypeSchema>;
export type Measurement = v.InferOutput<typeof MeasurementSchema>;
export type Snapshot = v.InferOutput<typeof SnapshotSchema>;

/** Readings keep their YAML types (an int stays an int). */
export const snapshotFreeForm = (path: YamlPath): boolean => path.includes("data") || path[0] === "metadata";
