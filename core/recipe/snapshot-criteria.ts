/**
 * Recipe from a snapshot: query criteria detected from the measurements (service from the Kubernetes
 * server, accelerator from the GPU model, OS from the release ID), and the candidate judge that
 * keeps only overlays whose own constraints the snapshot satisfies.
 */
import type { StoredRecipe } from "../catalogue/store.ts";
import { evaluateAll, valueText } from "../constraints/evaluate.ts";
import type { ConstraintWarning } from "../schema/recipe-result.ts";
import type { Snapshot, Subtype } from "../schema/snapshot.ts";
import { ANY, anyCriteria, parseCriterion, type Criteria, type CriteriaField } from "./criteria.ts";

/** A field set by detection, with the reading it came from (for logs). */
export interface Detection {
  field: CriteriaField;
  value: string;
  from: string;
}

export interface DetectedCriteria {
  criteria: Criteria;
  detections: Detection[];
}

/** Accelerator named by a GPU model string; undefined when none is recognised. */
export function acceleratorFromModel(model: string): string | undefined {
  const m = model.toLowerCase();
  for (const a of ["gb200", "b200", "h100", "a100", "l40"]) if (m.includes(a)) return a;
  return undefined;
}

/** Service named by a Kubernetes server version string (`v1.33.5-eks-3025e55` is eks). */
export function serviceFromVersion(version: string): string | undefined {
  if (version.includes("-eks-")) return "eks";
  if (version.includes("-gke")) return "gke";
  if (version.includes("-aks")) return "aks";
  return undefined;
}

const parsed = (field: CriteriaField, raw: string): string | undefined => {
  try {
    return parseCriterion(field, raw);
  } catch {
    return undefined;
  }
};

const reading = (s: Subtype, key: string): string | undefined => {
  const data = s.data;
  return data && Object.hasOwn(data, key) ? valueText(data[key]) : undefined;
};

/**
 * Criteria from measurements: start from all-`any`; walk measurements in order, later readings
 * overwrite earlier ones. `intent`, `platform` and `nodes` are never detected.
 */
export function detectCriteria(snapshot: Snapshot): DetectedCriteria {
  const criteria = anyCriteria();
  const detections: Detection[] = [];
  const set = (field: CriteriaField, value: string, from: string) => {
    criteria[field] = value;
    detections.push({ field, value, from });
  };
  for (const m of snapshot.measurements ?? []) {
    if (!m) continue;
    for (const s of m.subtypes ?? []) {
      if (!s) continue;
      const sub = s.subtype ?? "";
      if (m.type === "K8s" && sub === "server") {
        const service = reading(s, "service");
        if (service !== undefined) {
          const v = parsed("service", service);
          if (v !== undefined) set("service", v, "K8s.server.service");
        }
        const version = reading(s, "version");
        const fromVersion = version === undefined ? undefined : serviceFromVersion(version);
        if (fromVersion) set("service", fromVersion, "K8s.server.version");
      } else if (m.type === "GPU" && (sub === "smi" || sub === "device")) {
        const model = reading(s, "gpu.model");
        const a = model === undefined ? undefined : acceleratorFromModel(model);
        if (a) set("accelerator", a, `GPU.${sub}.gpu.model`);
        if (criteria.accelerator === ANY) {
          const alt = reading(s, "model");
          const b = alt === undefined ? undefined : acceleratorFromModel(alt);
          if (b) set("accelerator", b, `GPU.${sub}.model`);
        }
      } else if (m.type === "OS" && sub === "release") {
        const id = reading(s, "ID");
        const v = id === undefined ? undefined : parsed("os", id);
        if (v !== undefined) set("os", v, "OS.release.ID");
      }
    }
  }
  return { criteria, detections };
}

/**
 * Snapshot-mode candidate judge: evaluates only the overlay's own `spec.constraints` (all of them,
 * so every problem is reported). Any failure, missing measurement or evaluation error excludes it.
 */
export function snapshotJudge(snapshot: Snapshot): (overlay: StoredRecipe) => ConstraintWarning[] {
  return (overlay) => {
    const own = overlay.doc.spec?.constraints ?? [];
    const warnings: ConstraintWarning[] = [];
    for (const r of evaluateAll(own, snapshot)) {
      if (r.status === "passed") continue;
      warnings.push({
        overlay: overlay.name,
        constraint: r.name,
        expected: r.expected,
        ...(r.actual !== undefined && r.actual !== "" ? { actual: r.actual } : {}),
        reason: r.reason ?? `expected ${r.expected}, got ${r.actual ?? ""}`,
      });
    }
    return warnings;
  };
}
