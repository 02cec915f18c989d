/**
 * Which overlays a query selects, and in what order they are merged. Matching is asymmetric: an
 * overlay field left empty or `any` matches every query, while a query field left `any` never
 * selects an overlay that pins that field.
 */
import type { OverlayCriteria } from "../schema/criteria.ts";
import { ANY, criteriaFields, type Criteria } from "./criteria.ts";
import { byteCompare } from "../yaml.ts";

export function overlayMatches(o: OverlayCriteria, q: Criteria): boolean {
  for (const f of criteriaFields) {
    const ov = o[f] ?? "";
    if (ov === "" || ov === ANY) continue;
    const qv = q[f];
    if (qv === "" || qv === ANY) return false;
    if (ov !== qv) return false;
  }
  const on = o.nodes ?? 0;
  if (q.nodes === 0 && on !== 0) return false;
  if (q.nodes !== 0 && on !== 0 && q.nodes !== on) return false;
  return true;
}

/** Overlay specificity: every field not literally `any` counts, including omitted ones. */
export function overlaySpecificity(o: OverlayCriteria): number {
  return criteriaFields.filter((f) => (o[f] ?? "") !== ANY).length + ((o.nodes ?? 0) !== 0 ? 1 : 0);
}

export interface Candidate {
  name: string;
  specificity: number;
}

/** Matching overlays sorted by (specificity, name): deterministic where upstream was random. */
export function selectCandidates(
  overlays: Iterable<{ name: string; criteria: OverlayCriteria | undefined }>,
  q: Criteria,
): Candidate[] {
  const out: Candidate[] = [];
  for (const o of overlays) {
    if (!o.criteria) continue;
    if (overlayMatches(o.criteria, q)) out.push({ name: o.name, specificity: overlaySpecificity(o.criteria) });
  }
  return out.sort((a, b) => a.specificity - b.specificity || byteCompare(a.name, b.name));
}
