/**
 * Parsers of the scheduling flags: node / workload selectors (`key=value`), tolerations
 * (`key=value:Effect` or `key:Effect`) and the workload-gate taint (same grammar, key required).
 */
import { invalid } from "../errors.ts";

export const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;
export type TaintEffect = (typeof taintEffects)[number];

/** A toleration as written into Helm values: only non-empty fields, keys in sorted order. */
export interface Toleration {
  effect?: TaintEffect;
  key?: string;
  operator: "Equal" | "Exists";
  value?: string;
}

export interface Taint {
  key: string;
  value: string;
  effect: TaintEffect;
}

/** The toleration used when none is given: tolerate every taint. */
export const TOLERATE_ALL: Toleration = { operator: "Exists" };

/** `key=value` selectors (split at the first `=`; empty value allowed; a repeated key: last wins). */
export function parseSelectors(items: readonly string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq < 0) throw invalid(`invalid ${flag} "${item}": expected key=value`);
    const key = item.slice(0, eq).trim();
    if (key === "") throw invalid(`invalid ${flag} "${item}": key cannot be empty`);
    out[key] = item.slice(eq + 1).trim();
  }
  return out;
}

function splitTaintLike(item: string, flag: string): { key: string; value: string; effect: TaintEffect } {
  const parts = item.split(":");
  if (parts.length !== 2) throw invalid(`invalid ${flag} "${item}": expected key=value:Effect or key:Effect`);
  const [left, effect] = parts as [string, string];
  if (!(taintEffects as readonly string[]).includes(effect)) {
    throw invalid(`invalid ${flag} "${item}": effect "${effect}" must be one of ${taintEffects.join(", ")}`);
  }
  const eq = left.indexOf("=");
  const key = (eq < 0 ? left : left.slice(0, eq)).trim();
  const value = (eq < 0 ? "" : left.slice(eq + 1)).trim();
  return { key, value, effect: effect as TaintEffect };
}

/** Tolerations; an empty list stays empty (the caller substitutes TOLERATE_ALL). */
export function parseTolerations(items: readonly string[], flag: string): Toleration[] {
  return items.map((item) => {
    const { key, value, effect } = splitTaintLike(item, flag);
    const t: Toleration = { effect, operator: value === "" ? "Exists" : "Equal" };
    if (key !== "") t.key = key;
    if (value !== "") t.value = value;
    return sortToleration(t);
  });
}

const sortToleration = (t: Toleration): Toleration => {
  const out: Record<string, string> = {};
  for (const k of ["effect", "key", "operator", "value"] as const) if (t[k] !== undefined) out[k] = t[k] as string;
  return out as unknown as Toleration;
};

/** The `--workload-gate` taint; an empty text means "not set". */
export function parseTaint(item: string, flag: string): Taint | undefined {
  if (item.trim() === "") return undefined;
  const t = splitTaintLike(item.trim(), flag);
  if (t.key === "") throw invalid(`invalid ${flag} "${item}": key cannot be empty`);
  return t;
}

export const taintText = (t: Taint): string => (t.value === "" ? `${t.key}:${t.effect}` : `${t.key}=${t.value}:${t.effect}`);
