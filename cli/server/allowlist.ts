/**
 * Allow-lists (env AICR_ALLOWED_ACCELERATORS, AICR_ALLOWED_SERVICES, AICR_ALLOWED_INTENTS,
 * AICR_ALLOWED_OS): comma lists parsed with the criteria parsers (aliases accepted, `any` dropped). A
 * request for a value outside a list is refused; `any` is always allowed.
 */
import { ANY, parseCriterion, type Criteria, type CriteriaField } from "../../core/recipe/criteria.ts";
import { ErrorCode, internal, invalid } from "../../core/errors.ts";
import { ApiError } from "./api-error.ts";

export type Allowlists = Partial<Record<CriteriaField, readonly string[]>>;

/** Checked in this order; the message names the field as shown. */
const checked: readonly { field: CriteriaField; env: string; label: string }[] = [
  { field: "accelerator", env: "AICR_ALLOWED_ACCELERATORS", label: "accelerator type" },
  { field: "service", env: "AICR_ALLOWED_SERVICES", label: "service type" },
  { field: "intent", env: "AICR_ALLOWED_INTENTS", label: "intent type" },
  { field: "os", env: "AICR_ALLOWED_OS", label: "OS type" },
];

/** The allow-lists set in `env`; an invalid entry is INTERNAL naming the variable (start-up fails). */
export function allowlistsFromEnv(env: Record<string, string | undefined>): Allowlists {
  const out: Allowlists = {};
  try {
    for (const { field, env: name } of checked) {
      const raw = env[name];
      if (raw === undefined || raw.trim() === "") continue;
      const values: string[] = [];
      for (const item of raw.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
        let v: string;
        try {
          v = parseCriterion(field, item);
        } catch (err) {
          throw invalid(`invalid ${name}: ${(err as Error).message}`);
        }
        if (v !== ANY && !values.includes(v)) values.push(v);
      }
      if (values.length > 0) out[field] = values.sort();
    }
  } catch (err) {
    throw internal("failed to parse allowlists from environment", err);
  }
  return out;
}

/** Refuse criteria outside the allow-lists (400, details: allowed values and the requested one). */
export function checkAllowed(lists: Allowlists, criteria: Pick<Criteria, CriteriaField>): void {
  for (const { field, label } of checked) {
    const allowed = lists[field];
    const requested = criteria[field];
    if (!allowed || requested === ANY || requested === "" || allowed.includes(requested)) continue;
    throw new ApiError(ErrorCode.InvalidRequest, `${label} not allowed`, { allowed: [...allowed], requested });
  }
}
