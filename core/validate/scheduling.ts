/**
 * Scheduling flags of `validate`: node selectors (`key=value`, agent Job only) and tolerations
 * (`key=value:Effect` or `key:Effect`, agent and validator Jobs). No toleration given means
 * tolerate everything. Each flag value may hold several entries separated by commas.
 */
import { invalid } from "../errors.ts";

export interface Toleration {
  key?: string;
  operator: "Equal" | "Exists";
  value?: string;
  effect?: string;
}

export const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** Every entry of repeatable flag values, split on commas, blanks dropped. */
export function splitList(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(",")).map((s) => s.trim()).filter((s) => s !== "");
}

/** `key=value` entries as a map (the value may be empty or hold `=`; a repeated key: last wins). */
export function parseNodeSelectors(values: readonly string[], flag = "--node-selector"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of splitList(values)) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw invalid(`invalid ${flag} "${entry}": expected key=value`);
    out[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
  }
  return out;
}

/** Tolerations from `key=value:Effect` / `key:Effect`; none given means `[{operator: Exists}]`. */
export function parseTolerations(values: readonly string[], flag = "--toleration"): Toleration[] {
  const entries = splitList(values);
  if (entries.length === 0) return [{ operator: "Exists" }];
  return entries.map((entry) => {
    const colon = entry.lastIndexOf(":");
    if (colon < 0) throw invalid(`invalid ${flag} "${entry}": expected key=value:Effect or key:Effect`);
    const effect = entry.slice(colon + 1).trim();
    if (!(taintEffects as readonly string[]).includes(effect)) {
      throw invalid(`invalid ${flag} "${entry}": effect "${effect}" is not one of ${taintEffects.join(", ")}`);
    }
    const head = entry.slice(0, colon);
    const eq = head.indexOf("=");
    const key = (eq < 0 ? head : head.slice(0, eq)).trim();
    const value = eq < 0 ? "" : head.slice(eq + 1).trim();
    if (key === "" && value !== "") throw invalid(`invalid ${flag} "${entry}": a value needs a key`);
    const t: Toleration = { operator: value === "" ? "Exists" : "Equal", effect };
    if (key !== "") t.key = key;
    if (value !== "") t.value = value;
    return t;
  });
}
