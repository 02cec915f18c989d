/**
 * A Snapshot document as `snapshot --template` templates see it (snapshot-bundle-api A3.9): Go field
 * names (`.Kind`, `.APIVersion`, `.Metadata`, `.Measurements` → `.Type` (a Stringer), `.Subtypes` →
 * `.Name`, `.Data`, `.Context`), and readings with `.String`, `.Any` and `.V`. Readings are decoded as
 * upstream decodes a snapshot read back from a file (A1.2): null becomes the string `<nil>`, nested maps
 * and lists become their `%v` text.
 */
import { formatValue } from "./format.ts";
import { GO_TYPE, GO_UNDERLYING, isMap, withMapZero } from "./values.ts";

type Scalar = string | number | boolean | bigint;

/** One reading: a scalar with `String()` (Go `%v`) and `Any()` (the value itself). */
export class Reading {
  readonly [GO_TYPE] = "*measurement.Reading";
  readonly V: Scalar;

  constructor(v: Scalar) {
    this.V = v;
  }

  String(): string {
    return formatValue(this.V);
  }

  Any(): Scalar {
    return this.V;
  }

  toJSON(): Scalar {
    return this.V;
  }
}

/** A measurement type (`type Type string` with a `String()` method). */
export class MeasurementType {
  readonly [GO_TYPE] = "measurement.Type";
  readonly [GO_UNDERLYING]: string;

  constructor(name: string) {
    this[GO_UNDERLYING] = name;
  }

  String(): string {
    return this[GO_UNDERLYING];
  }

  toJSON(): string {
    return this[GO_UNDERLYING];
  }
}

export class Subtype {
  readonly [GO_TYPE] = "measurement.Subtype";

  constructor(
    readonly Name: string,
    readonly Data: Record<string, Reading>,
    readonly Context: Record<string, string>,
  ) {}

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.Name !== "") out["subtype"] = this.Name;
    out["data"] = this.Data;
    if (Object.keys(this.Context).length > 0) out["context"] = this.Context;
    return out;
  }
}

export class Measurement {
  readonly [GO_TYPE] = "*measurement.Measurement";

  constructor(
    readonly Type: MeasurementType,
    readonly Subtypes: Subtype[],
  ) {}

  toJSON(): Record<string, unknown> {
    return this.Subtypes.length > 0 ? { type: this.Type, subtypes: this.Subtypes } : { type: this.Type };
  }
}

export class SnapshotData {
  readonly [GO_TYPE] = "*snapshotter.Snapshot";

  constructor(
    readonly Kind: string,
    readonly APIVersion: string,
    readonly Metadata: Record<string, string>,
    readonly Measurements: (Measurement | null)[],
  ) {}

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { kind: this.Kind, apiVersion: this.APIVersion };
    if (Object.keys(this.Metadata).length > 0) out["metadata"] = this.Metadata;
    out["measurements"] = this.Measurements;
    return out;
  }
}

const asRecord = (v: unknown): Record<string, unknown> => (isMap(v) ? v : {});
const text = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : formatValue(v));

function reading(v: unknown): Reading {
  if (v === null || v === undefined) return new Reading("<nil>");
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return new Reading(v);
  return new Reading(formatValue(v));
}

/** A `map[string]string`: `index` of a missing key gives "". */
function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(asRecord(v))) out[k] = text(x);
  return withMapZero(out, "");
}

function subtype(v: unknown): Subtype {
  const s = asRecord(v);
  const data: Record<string, Reading> = {};
  for (const [k, x] of Object.entries(asRecord(s["data"]))) data[k] = reading(x);
  return new Subtype(text(s["subtype"]), data, stringMap(s["context"]));
}

function measurement(v: unknown): Measurement | null {
  if (v === null || v === undefined) return null;
  const m = asRecord(v);
  const subtypes = Array.isArray(m["subtypes"]) ? m["subtypes"].map(subtype) : [];
  return new Measurement(new MeasurementType(text(m["type"])), subtypes);
}

/** The template data of a Snapshot document (as parsed from YAML/JSON or built in memory). */
export function snapshotTemplateData(doc: unknown): SnapshotData {
  const d = asRecord(doc);
  const measurements = Array.isArray(d["measurements"]) ? d["measurements"].map(measurement) : [];
  return new SnapshotData(text(d["kind"]), text(d["apiVersion"]), stringMap(d["metadata"]), measurements);
}
