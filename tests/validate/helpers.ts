/**
 * Helpers for constraint and validation tests: snapshots built from `{path: value}` readings, the
 * leaves of the embedded catalogue resolved by the engine, satisfying and violating readings for a
 * constraint, and the two report checks (the `ctrf` package and our own valibot schema).
 */
import { expect } from "bun:test";
import { validate as ctrfValidate } from "ctrf";
import { join } from "node:path";
import * as v from "valibot";
import { embeddedStore } from "../../core/catalogue/embedded.ts";
import { parseExpression } from "../../core/constraints/expression.ts";
import { parseVersion } from "../../core/constraints/version.ts";
import { anyCriteria, applyCriteria, type Criteria } from "../../core/recipe/criteria.ts";
import { resolveRecipe, type Resolution } from "../../core/recipe/resolve.ts";
import type { Constraint } from "../../core/schema/constraint.ts";
import { CtrfReportSchema } from "../../core/schema/ctrf.ts";
import type { Snapshot } from "../../core/schema/snapshot.ts";
import type { CtrfReport } from "../../core/validate/report.ts";

/** The snapshot files written for these tests. */
export const SNAPSHOTS = join(import.meta.dir, "..", "fixtures", "snapshots");

/** A snapshot from readings keyed by full measurement path (`OS.sysctl./proc/sys/kernel/osrelease`). */
export function snapshotOf(readings: Record<string, unknown>): Snapshot {
  const types = new Map<string, Map<string, Record<string, unknown>>>();
  for (const [path, value] of Object.entries(readings)) {
    const a = path.indexOf(".");
    const b = path.indexOf(".", a + 1);
    const type = path.slice(0, a);
    const sub = path.slice(a + 1, b);
    const key = path.slice(b + 1);
    if (!types.has(type)) types.set(type, new Map());
    const subs = types.get(type) as Map<string, Record<string, unknown>>;
    if (!subs.has(sub)) subs.set(sub, {});
    (subs.get(sub) as Record<string, unknown>)[key] = value;
  }
  return {
    kind: "Snapshot",
    apiVersion: "aicr.nvidia.com/v1alpha1",
    measurements: [...types].map(([type, subs]) => ({ type, subtypes: [...subs].map(([subtype, data]) => ({ subtype, data })) })),
  };
}

/** YAML text of a snapshot built from readings (keys quoted so dots and slashes survive). */
export function snapshotYaml(readings: Record<string, unknown>, opts: { kind?: string | null } = {}): string {
  const snap = snapshotOf(readings);
  const kind = opts.kind === undefined ? "Snapshot" : opts.kind;
  const lines = kind === null ? [] : [`kind: ${kind}`];
  lines.push("apiVersion: aicr.nvidia.com/v1alpha1", "measurements:");
  for (const m of snap.measurements ?? []) {
    lines.push(`  - type: ${m?.type}`, "    subtypes:");
    for (const s of m?.subtypes ?? []) {
      lines.push(`      - subtype: ${s.subtype}`, "        data:");
      for (const [k, x] of Object.entries(s.data ?? {})) lines.push(`          ${JSON.stringify(k)}: ${typeof x === "string" ? JSON.stringify(x) : String(x)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export const store = () => embeddedStore();

/** Overlays that no other overlay names as its base. */
export function leafOverlays(): string[] {
  const s = store();
  const bases = new Set([...s.overlays.values()].map((o) => o.doc.spec?.base).filter((b): b is string => !!b));
  return [...s.overlays.keys()].filter((n) => !bases.has(n)).sort();
}

/** The query made of an overlay's own criteria. */
export function overlayCriteria(name: string): Criteria {
  const c = store().overlays.get(name)?.doc.spec?.criteria ?? {};
  return applyCriteria(anyCriteria(), { ...c, nodes: undefined });
}

const memo = new Map<string, Resolution>();
export function resolveLeaf(name: string): Resolution {
  let r = memo.get(name);
  if (!r) {
    r = resolveRecipe(store(), overlayCriteria(name), { version: "0.11.1" });
    memo.set(name, r);
  }
  return r;
}

const realistic: Record<string, (major: bigint, minor: bigint, patch: bigint) => string> = {
  "K8s.server.version": (a, b, c) => `v${a}.${b}.${c}-eks-3025e55`,
  "OS.sysctl./proc/sys/kernel/osrelease": (a, b, c) => `${a}.${b}.${c}-1025-aws`,
};
const render = (name: string, a: bigint, b: bigint, c: bigint) => (realistic[name] ?? ((x, y, z) => `${x}.${y}.${z}`))(a, b, c);

/** A measured value that meets the constraint exactly at its boundary (`>= 1.32.4` gives v1.32.4-eks-…). */
export function satisfying(c: Constraint): string {
  const e = parseExpression(c.value);
  if (e.op === "exact" || e.op === "==") return e.operand;
  const ver = parseVersion(e.operand);
  if (e.op === ">=" || e.op === "<=") return render(c.name, ver.major, ver.minor, ver.patch);
  if (e.op === ">") return render(c.name, ver.major + 1n, 0n, 0n);
  if (e.op === "<") return render(c.name, ver.major > 0n ? ver.major - 1n : 0n, 0n, 0n);
  return `${e.operand}-other`;
}

const otherText: Record<string, string> = { "OS.release.ID": "debian", "OS.release.VERSION_ID": "22.04" };

/** A measured value just outside the constraint (`>= 1.32.4` gives v1.32.3-eks-…, `>= 6.8` gives 6.7.99-…). */
export function violating(c: Constraint): string {
  const e = parseExpression(c.value);
  if (e.op === "exact" || e.op === "==") return otherText[c.name] ?? `${e.operand}-other`;
  const ver = parseVersion(e.operand);
  if (e.op === ">=" || e.op === ">") {
    if (ver.precision === 3 && ver.patch > 0n) return render(c.name, ver.major, ver.minor, e.op === ">=" ? ver.patch - 1n : ver.patch);
    if (ver.minor > 0n) return render(c.name, ver.major, ver.minor - 1n, 99n);
    return render(c.name, ver.major - 1n, 99n, 0n);
  }
  return render(c.name, ver.major + 1n, 0n, 0n);
}

/** Readings meeting every constraint of the list. */
export function readingsFor(constraints: readonly Constraint[]): Record<string, unknown> {
  return Object.fromEntries(constraints.map((c) => [c.name, satisfying(c)]));
}

/** Both checks every emitted report must pass: the `ctrf` reference validator and our valibot schema. */
export function expectValidReport(report: unknown): void {
  const byCtrf = ctrfValidate(report);
  expect(byCtrf.errors, "ctrf package validation").toEqual([]);
  expect(byCtrf.valid).toBe(true);
  const ours = v.safeParse(CtrfReportSchema, report);
  expect(ours.success ? [] : ours.issues.map((i) => i.message), "valibot CtrfReportSchema").toEqual([]);
}

/** A clock that advances by `step` ms on every read, from a fixed start. */
export function steppingClock(start = Date.UTC(2026, 2, 21, 10, 0, 0), step = 1000): () => number {
  let t = start - step;
  return () => (t += step);
}

export type { CtrfReport };
