/**
 * Catalogue lint for recipe authors: every problem at once, each with its file. Errors make the
 * catalogue unusable or wrong; warnings point at dead or suspicious data.
 */
import { AicrError } from "../errors.ts";
import { decodeEntry, type CatalogueEntry, type Origin } from "../catalogue/entry.ts";
import { buildStore, readValuesFile, walkOrder, type Store, type StoredRecipe } from "../catalogue/store.ts";
import { parseExpression, parseMeasurementPath } from "../constraints/expression.ts";
import { phaseNames } from "../schema/names.ts";
import { inheritanceChain } from "./chain.ts";
import { ANY, criteriaFields, criteriaValues } from "./criteria.ts";
import { dependencyProblems } from "./dependencies.ts";
import { mergeSpec, refList, startFromBase } from "./merge.ts";
import { applyMixins } from "./mixins.ts";
import { layerOf } from "./resolve.ts";

export interface LintFinding {
  severity: "error" | "warning";
  file: string;
  message: string;
}

export interface LintReport {
  findings: LintFinding[];
  errors: number;
  warnings: number;
  files: number;
}

const messageOf = (err: unknown) => (err instanceof AicrError ? err.message : String(err));

/** Decode every file, keeping going after failures. */
function decodeAll(files: readonly { path: string; text: string }[], origin: Origin, findings: LintFinding[]): CatalogueEntry[] {
  const out: CatalogueEntry[] = [];
  for (const f of files) {
    try {
      out.push(decodeEntry(f.path, f.text, origin));
    } catch (err) {
      const lines = err instanceof AicrError && err.details.length > 0 ? err.details : [messageOf(err)];
      for (const l of lines) findings.push({ severity: "error", file: f.path, message: l.startsWith(f.path) ? l.slice(f.path.length).replace(/^:\s*/, "") : l });
    }
  }
  return out;
}

function lintOverlay(store: Store, o: StoredRecipe, findings: LintFinding[], knownChecks: Map<string, string> | undefined) {
  const err = (message: string) => findings.push({ severity: "error", file: o.path, message });
  const warn = (message: string) => findings.push({ severity: "warning", file: o.path, message });
  const spec = o.doc.spec ?? {};
  if (!o.doc.metadata?.name) err("metadata.name is required");
  if (o.doc.kind === undefined || o.doc.kind === "") warn("kind is missing (expected RecipeMetadata)");

  // Reachability: a criteria value outside the canonical set can never match a query.
  const crit = spec.criteria;
  if (crit) {
    for (const f of criteriaFields) {
      const v = crit[f];
      if (v === undefined || v === "" || v === ANY) continue;
      if (!criteriaValues[f].includes(v)) {
        err(`criteria.${f} "${v}" can never match a query (queries use canonical lower-case values: ${criteriaValues[f].join(", ")})`);
      }
    }
  }

  // Chain and merged result up to this overlay.
  let chain: StoredRecipe[];
  try {
    chain = inheritanceChain(store, o.name);
  } catch (e) {
    err(messageOf(e));
    return;
  }
  const merged = startFromBase(store.base.doc.spec, layerOf(store.base));
  for (const r of chain) mergeSpec(merged, r.doc.spec, layerOf(r));
  try {
    applyMixins(merged, store.mixins);
  } catch (e) {
    err(messageOf(e));
  }
  for (const p of dependencyProblems(refList(merged))) err(p);

  for (const ref of spec.componentRefs ?? []) {
    const where = `componentRefs "${ref.name}"`;
    if (ref.type !== undefined && ref.type !== "Helm" && ref.type !== "Kustomize") {
      err(`${where}: type "${ref.type}" is not Helm or Kustomize (case-sensitive)`);
    }
    if (!store.registry.components.some((c) => c.name === ref.name)) {
      warn(`${where}: component is not in registry.yaml, so it gets no registry defaults`);
    }
    if (ref.valuesFile) {
      if (!store.files.has(ref.valuesFile)) err(`${where}: valuesFile ${ref.valuesFile} does not exist`);
      else {
        try {
          readValuesFile(store, ref.valuesFile);
        } catch (e) {
          err(`${where}: valuesFile ${ref.valuesFile}: ${messageOf(e)}`);
        }
      }
    }
    for (const m of ref.manifestFiles ?? []) if (!store.files.has(m)) err(`${where}: manifest ${m} does not exist`);
  }
  for (const c of spec.constraints ?? []) {
    try {
      parseMeasurementPath(c.name);
      parseExpression(c.value);
    } catch (e) {
      err(`constraint "${c.name}": ${messageOf(e)}`);
    }
  }
  for (const ph of phaseNames) {
    for (const check of spec.validation?.[ph]?.checks ?? []) {
      const phase = knownChecks?.get(check);
      if (knownChecks && phase === undefined) err(`validation.${ph}: unknown check "${check}" (not in validators/catalog.yaml)`);
      else if (phase !== undefined && phase !== ph) err(`validation.${ph}: check "${check}" belongs to phase ${phase}`);
    }
  }
}

/** Lint decoded entries: `external` layered over `embedded` exactly as `--data` layers them. */
export function lintEntries(
  embedded: readonly CatalogueEntry[],
  external: readonly CatalogueEntry[],
  findings: LintFinding[] = [],
  fileCount = embedded.length + external.length,
): LintReport {
  let store: Store | undefined;
  try {
    store = buildStore(embedded, external);
  } catch (e) {
    findings.push({ severity: "error", file: "overlays/base.yaml", message: messageOf(e) });
  }
  if (store) {
    const knownChecks = store.validators ? new Map(store.validators.validators.map((v) => [v.name, v.phase])) : undefined;
    const all = walkOrder(embedded, external).filter((e) => e.kind === "recipe");
    const usedAsBase = new Set<string>();
    for (const o of store.overlays.values()) {
      const b = o.doc.spec?.base;
      if (b) usedAsBase.add(b);
    }
    // Overlays shadowed by a later file with the same name.
    const names = new Map<string, string>();
    for (const e of all) {
      if (e.kind !== "recipe" || e.isBase) continue;
      const n = e.doc.metadata?.name ?? "";
      const prior = names.get(n);
      if (prior) findings.push({ severity: "error", file: e.path, message: `metadata.name "${n}" is also used by ${prior}; only one of them is loaded` });
      else names.set(n, e.path);
    }
    const seenCriteria = new Map<string, string>();
    for (const o of store.overlays.values()) {
      lintOverlay(store, o, findings, knownChecks);
      const crit = o.doc.spec?.criteria;
      if (!crit && !usedAsBase.has(o.name)) {
        findings.push({ severity: "warning", file: o.path, message: "overlay has no criteria and is no overlay's base: nothing can reach it" });
      }
      if (crit) {
        const key = JSON.stringify([...criteriaFields.map((f) => crit[f] ?? ""), crit.nodes ?? 0]);
        const prior = seenCriteria.get(key);
        if (prior) findings.push({ severity: "error", file: o.path, message: `criteria are identical to those of overlay "${prior}"` });
        else seenCriteria.set(key, o.name);
      }
    }
    const usedMixins = new Set([...store.overlays.values()].flatMap((o) => o.doc.spec?.mixins ?? []));
    for (const m of store.mixins.values()) {
      if (!usedMixins.has(m.name)) findings.push({ severity: "warning", file: m.path, message: `mixin "${m.name}" is not used by any overlay` });
    }
    const regNames = new Set<string>();
    const keys = new Map<string, string>();
    for (const c of store.registry.components) {
      if (regNames.has(c.name)) findings.push({ severity: "error", file: "registry.yaml", message: `duplicate component "${c.name}"` });
      regNames.add(c.name);
      if (!c.displayName) findings.push({ severity: "warning", file: "registry.yaml", message: `component "${c.name}" has no displayName` });
      if (c.helm && c.kustomize) findings.push({ severity: "error", file: "registry.yaml", message: `component "${c.name}" sets both helm and kustomize` });
      for (const k of c.valueOverrideKeys ?? []) {
        const prior = keys.get(k);
        if (prior && prior !== c.name) findings.push({ severity: "error", file: "registry.yaml", message: `valueOverrideKey "${k}" is used by both "${prior}" and "${c.name}"` });
        keys.set(k, c.name);
      }
    }
  }
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    findings,
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
    files: fileCount,
  };
}

/** Lint catalogue files (e.g. a `--data` directory), layered over `embedded` when given. */
export function lintFiles(files: readonly { path: string; text: string }[], embedded: readonly CatalogueEntry[] = []): LintReport {
  const findings: LintFinding[] = [];
  const entries = decodeAll(files, "external", findings);
  return lintEntries(embedded, entries, findings, files.length);
}

export function renderLint(r: LintReport): string {
  const lines = r.findings.map((f) => `${f.file}: ${f.severity}: ${f.message}`);
  lines.push(`${r.files} files checked: ${r.errors} error${r.errors === 1 ? "" : "s"}, ${r.warnings} warning${r.warnings === 1 ? "" : "s"}`);
  return `${lines.join("\n")}\n`;
}
