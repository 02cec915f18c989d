/**
 * Query criteria: the user's request (service, accelerator, intent, os, platform, nodes), normalised
 * to canonical values. Overlay criteria are never normalised (see match.ts).
 */
import { invalid } from "../errors.ts";

export const criteriaFields = ["service", "accelerator", "intent", "os", "platform"] as const;
export type CriteriaField = (typeof criteriaFields)[number];

export interface Criteria {
  service: string;
  accelerator: string;
  intent: string;
  os: string;
  platform: string;
  /** 0 = unspecified. */
  nodes: number;
}

export const ANY = "any";

/** Canonical values per field (listed in help, sorted) and the extra spellings each accepts. */
export const criteriaValues: Record<CriteriaField, readonly string[]> = {
  service: ["aks", "eks", "gke", "kind", "oke"],
  accelerator: ["a100", "b200", "gb200", "h100", "l40"],
  intent: ["inference", "training"],
  os: ["amazonlinux", "cos", "rhel", "ubuntu"],
  platform: ["dynamo", "kubeflow"],
};

const aliases: Record<CriteriaField, Record<string, string>> = {
  service: { "self-managed": ANY, self: ANY, vanilla: ANY },
  accelerator: {},
  intent: {},
  os: { al2: "amazonlinux", al2023: "amazonlinux" },
  platform: {},
};

const typeNames: Record<CriteriaField, string> = {
  service: "service type",
  accelerator: "accelerator type",
  intent: "intent type",
  os: "os type",
  platform: "platform type",
};

/** Trim, lower-case and map aliases; an unknown value is INVALID_REQUEST naming the allowed values. */
export function parseCriterion(field: CriteriaField, raw: string): string {
  const v = raw.trim().toLowerCase();
  if (v === "" || v === ANY) return ANY;
  const alias = aliases[field][v];
  if (alias !== undefined) return alias;
  if (criteriaValues[field].includes(v)) return v;
  throw invalid(`invalid ${typeNames[field]}: "${raw}" (allowed: ${criteriaValues[field].join(", ")})`);
}

export function anyCriteria(): Criteria {
  return { service: ANY, accelerator: ANY, intent: ANY, os: ANY, platform: ANY, nodes: 0 };
}

/** Number of fields the query actually specifies. */
export function querySpecificity(c: Criteria): number {
  return criteriaFields.filter((f) => c[f] !== ANY).length + (c.nodes !== 0 ? 1 : 0);
}

export type CriteriaInput = Partial<Record<CriteriaField, string>> & { nodes?: number };

/**
 * Apply user-supplied values on top of `base`: each non-empty string is parsed and replaces the field;
 * `nodes` replaces only when > 0 (a negative count is rejected when `rejectNegativeNodes`).
 */
export function applyCriteria(base: Criteria, input: CriteriaInput, opts: { rejectNegativeNodes?: boolean } = {}): Criteria {
  const out = { ...base };
  for (const f of criteriaFields) {
    const raw = input[f];
    if (raw !== undefined && raw.trim() !== "") out[f] = parseCriterion(f, raw);
  }
  if (input.nodes !== undefined) {
    if (input.nodes < 0 && opts.rejectNegativeNodes) throw invalid(`invalid nodes: ${input.nodes} (must be 0 or more)`);
    if (input.nodes > 0) out.nodes = input.nodes;
  }
  return out;
}
