/**
 * Bundle-time component validations declared in the registry (`validations:`): each names a check
 * function, a severity (`error`, `warning` (default) or `info`) and criteria conditions. Warnings become
 * deployment notes, `info` findings are only logged, and the first error stops the bundle.
 */
import { AicrError, ErrorCode, invalid } from "../errors.ts";
import type { Criteria } from "../recipe/criteria.ts";
import type { RegistryComponent } from "../schema/registry.ts";
import type { BundleOptions } from "./options.ts";

export interface ValidationFindings {
  /** `Warning: …` lines for the user. */
  warnings: string[];
  /** Findings of severity `info`. */
  infos: string[];
  /** Unknown check functions and similar problems of the registry itself. */
  skipped: string[];
}

type Check = (component: string, options: BundleOptions) => string | undefined;

/** The registered check functions: each returns its base finding, or undefined when all is well. */
const checks: Record<string, Check> = {
  CheckWorkloadSelectorMissing: (c, o) =>
    Object.keys(o.workloadSelector).length === 0 ? `${c} is enabled but --workload-selector is not set` : undefined,
  CheckAcceleratedSelectorMissing: (c, o) =>
    Object.keys(o.acceleratedNodeSelector).length === 0 ? `${c} is enabled but --accelerated-node-selector is not set` : undefined,
};

const conditionKeys = ["intent", "service", "accelerator", "os", "platform"] as const;

/**
 * Conditions: every listed criteria key must match one of its values. A recipe value of `any` (or empty)
 * matches anything; a listed `any` only matches such a recipe value.
 */
function conditionsHold(conditions: Record<string, string[]> | undefined, criteria: Criteria | undefined): boolean {
  if (!conditions || Object.keys(conditions).length === 0) return true;
  if (!criteria) return false;
  for (const [key, allowed] of Object.entries(conditions)) {
    if (!(conditionKeys as readonly string[]).includes(key)) continue;
    const r = String(criteria[key as (typeof conditionKeys)[number]] ?? "");
    if (r === "" || r === "any") continue;
    if (!allowed.includes(r)) return false;
  }
  return true;
}

export function runValidations(
  components: readonly { name: string; registry?: RegistryComponent }[],
  criteria: Criteria | undefined,
  options: BundleOptions,
): ValidationFindings {
  const out: ValidationFindings = { warnings: [], infos: [], skipped: [] };
  for (const c of components) {
    for (const v of c.registry?.validations ?? []) {
      const check = checks[v.function];
      if (!check) {
        out.skipped.push(`unknown validation function "${v.function}" for component ${c.name}: skipped`);
        continue;
      }
      if (!conditionsHold(v.conditions, criteria)) continue;
      const base = check(c.name, options);
      if (base === undefined) continue;
      const text = v.message ? `${base}. ${v.message}` : base;
      const severity = (v.severity ?? "warning").toLowerCase();
      if (severity === "error") {
        throw new AicrError(ErrorCode.InvalidRequest, "component validation failed", { cause: invalid(text) });
      }
      if (severity === "info") out.infos.push(text);
      else out.warnings.push(text.startsWith("Warning: ") ? text : `Warning: ${text}`);
    }
  }
  return out;
}
