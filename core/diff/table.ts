/**
 * Human tables for the diff results. The change table follows upstream's `aicr diff -t table`:
 * `NO CHANGES`, or `CHANGES (a added, r removed, m modified)`, a `KIND PATH BASELINE TARGET` table with a
 * dashed underline row (kinds upper-case, `-` for a missing side, `""` for an empty string), a blank
 * line and `DRIFT DETECTED`. Beyond upstream, a `by area:` line follows the `CHANGES` line, and a
 * recipe diff states its headline counts (components swapped, values changed). Columns are separated
 * by at least two spaces; a line break inside a value is shown as `\n`.
 */
import type { Change } from "./change.ts";
import type { FleetAnalysis, Outlier, ValueCount } from "./fleet.ts";
import { formatFloat } from "../yaml.ts";
import type { RecipeDiff } from "./recipe.ts";
import type { SnapshotDiff } from "./snapshot.ts";

/** Outliers named per reading in the fleet table (the rest are counted). */
export const TABLE_OUTLIERS_PER_READING = 5;
/** Values named per reading without a majority in the fleet table. */
export const TABLE_VALUES_PER_READING = 5;
/** Nodes listed under OUTLIER NODES in the fleet table. */
export const TABLE_OUTLIER_NODES = 20;

/** Rows as aligned columns: every cell but the last padded to its column's width plus two spaces. */
export function columns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] as number) + 2))).join("").trimEnd()).join("\n");
}

const withHeader = (header: string[], rows: string[][]) => columns([header, header.map((h) => "-".repeat(h.length)), ...rows]);

const escapeBreaks = (s: string) => s.replace(/\r/g, "\\r").replace(/\n/g, "\\n");

/** A value as a table cell: missing `-`, empty string `""`, null `null`, numbers in Go's short form. */
export function cellText(v: unknown): string {
  if (v === undefined) return "-";
  if (v === null) return "null";
  if (typeof v === "string") return v === "" ? '""' : escapeBreaks(v);
  if (typeof v === "number") return formatFloat(v);
  return escapeBreaks(String(v));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function changeTable(changes: readonly Change[], summary: { added: number; removed: number; modified: number }, areas: readonly { area: string; total: number }[], extra: string[]): string {
  if (changes.length === 0) return "NO CHANGES\n";
  const lines = [`CHANGES (${summary.added} added, ${summary.removed} removed, ${summary.modified} modified)`];
  lines.push(...extra);
  lines.push(`by area: ${areas.map((a) => `${a.area} ${a.total}`).join(", ")}`);
  lines.push(withHeader(["KIND", "PATH", "BASELINE", "TARGET"], changes.map((c) => [c.kind.toUpperCase(), c.path, cellText(c.baseline), cellText(c.target)])));
  lines.push("", "DRIFT DETECTED");
  return `${lines.join("\n")}\n`;
}

export function snapshotDiffTable(d: SnapshotDiff): string {
  return changeTable(d.changes, d.summary, d.areas, []);
}

export function recipeDiffTable(d: RecipeDiff): string {
  const s = d.summary;
  const names = (kind: "added" | "removed") =>
    d.changes.filter((c) => c.area === "components" && c.kind === kind && /^components\.[^.]+$/.test(c.path)).map((c) => c.path.slice("components.".length));
  const added = names("added");
  const removed = names("removed");
  const swapped = [added.length > 0 ? `in: ${added.join(", ")}` : "", removed.length > 0 ? `out: ${removed.join(", ")}` : ""].filter((x) => x !== "").join("; ");
  const extra = [
    `${plural(s.componentsSwapped, "component")} swapped${swapped ? ` (${swapped})` : ""}, ${plural(s.valuesChanged, "value")} changed (${plural(s.valueLeavesChanged, "value leaf").replace("leafs", "leaves")}, ${plural(s.constraintsChanged, "constraint")}), ${plural(s.versionsChanged, "version")} changed`,
  ];
  return changeTable(d.changes, s, d.areas, extra);
}

const valueCell = (v: ValueCount | Outlier) => (v.absent ? "-" : cellText(v.value));

function outlierCell(outliers: readonly Outlier[]): string {
  const shown = outliers.slice(0, TABLE_OUTLIERS_PER_READING).map((o) => `${o.node} (${valueCell(o)})`);
  const more = outliers.length - shown.length;
  return `${shown.join(", ")}${more > 0 ? ` (+${more} more)` : ""}`;
}

export function fleetTable(a: FleetAnalysis): string {
  const s = a.summary;
  const lines = [
    `FLEET (${plural(s.nodes, "node")}${s.failed > 0 ? `, ${s.failed} failed` : ""}): ${plural(s.readings, "reading")}, ${s.uniform} uniform, ${s.withOutliers} with outliers, ${s.withoutMajority} without a majority`,
  ];
  if (a.failures.length > 0) {
    lines.push("", "FAILED NODES", withHeader(["NODE", "STATE", "REASON"], a.failures.map((f) => [f.node, f.state, escapeBreaks(f.reason)])));
  }
  const outlying = a.readings.filter((r) => r.majority);
  if (outlying.length > 0) {
    lines.push(
      "",
      "READINGS WITH OUTLIERS",
      withHeader(
        ["PATH", "AREA", "MAJORITY", "NODES", "OUTLIERS"],
        outlying.map((r) => [r.path, r.area, valueCell(r.majority as ValueCount), `${(r.majority as ValueCount).count}/${s.nodes}`, outlierCell(r.outliers)]),
      ),
    );
  }
  const scattered = a.readings.filter((r) => !r.majority);
  if (scattered.length > 0) {
    lines.push(
      "",
      "READINGS WITHOUT A MAJORITY",
      withHeader(
        ["PATH", "AREA", "DISTINCT", "MOST COMMON"],
        scattered.map((r) => {
          const shown = r.distribution.slice(0, TABLE_VALUES_PER_READING).map((v) => `${valueCell(v)} (${v.count})`);
          const more = r.distinct - shown.length;
          return [r.path, r.area, String(r.distinct), `${shown.join(", ")}${more > 0 ? ` (+${more} more)` : ""}`];
        }),
      ),
    );
  }
  if (a.nodes.length > 0) {
    const shown = a.nodes.slice(0, TABLE_OUTLIER_NODES);
    lines.push("", "OUTLIER NODES", withHeader(["NODE", "READINGS"], shown.map((x) => [x.node, String(x.outliers)])));
    if (a.nodes.length > shown.length) lines.push(`(+${a.nodes.length - shown.length} more nodes)`);
  }
  lines.push("", a.readings.length > 0 ? "DRIFT DETECTED" : "NO DRIFT");
  return `${lines.join("\n")}\n`;
}
