/**
 * README sections every deployer's bundle README can share: the versions header, the target environment,
 * the recipe's constraints and the deployment notes (each section a list of lines ending with a blank).
 */
import { criteriaFields } from "../recipe/criteria.ts";
import type { BundleFolder, BundlePlan } from "./bundle-plan.ts";

const criteriaLabels: Record<(typeof criteriaFields)[number], string> = {
  service: "Service",
  accelerator: "Accelerator",
  intent: "Intent",
  os: "OS",
  platform: "Platform",
};

export function versionLines(plan: BundlePlan, deployer: string): string[] {
  return [`Recipe Version: ${plan.recipe.metadata.version ?? ""}`, `Bundler Version: ${plan.version}`, `Deployer: ${deployer}`, ""];
}

export function environmentLines(plan: BundlePlan): string[] {
  const c = plan.recipe.criteria;
  const env: string[] = [];
  for (const f of criteriaFields) if (c[f] !== "" && c[f] !== "any") env.push(`- **${criteriaLabels[f]}**: ${c[f]}`);
  if (c.nodes > 0) env.push(`- **Nodes**: ${c.nodes}`);
  return ["## Configuration", "", ...(env.length > 0 ? ["Target environment:", "", ...env] : ["Target environment: any"]), ""];
}

/** Markdown table cell text (pipes escaped). */
export const cell = (s: string): string => s.replace(/\|/g, "\\|");

export function constraintLines(plan: BundlePlan): string[] {
  const cs = plan.recipe.constraints;
  if (cs.length === 0) return [];
  return ["## Constraints", "", "| Constraint | Value |", "|---|---|", ...cs.map((c) => `| ${cell(c.name)} | ${cell(String(c.value))} |`), ""];
}

export function notesLines(plan: BundlePlan): string[] {
  return plan.notes.length > 0 ? ["## Notes", "", ...plan.notes.map((n) => `- ${n}`), ""] : [];
}

/**
 * The "Cluster-specific values" section: `intro`, then one line per item whose folder has dynamic
 * values, `- \`<dir>/<file>\`: \`path\`, …`, where `file` is the file in the item's directory that holds
 * them. Empty when no folder has any.
 */
export function dynamicValuesLines<T>(
  items: readonly T[],
  folderOf: (item: T) => BundleFolder,
  dirOf: (item: T) => string,
  file: string,
  intro: readonly string[],
): string[] {
  const rows: string[] = [];
  for (const item of items) {
    const dynamic = folderOf(item).component.dynamic;
    if (dynamic.length === 0) continue;
    let paths = "";
    for (const d of dynamic) paths += `${paths === "" ? "" : ", "}\`${d.path.join(".")}\``;
    rows.push(`- \`${dirOf(item)}/${file}\`: ${paths}`);
  }
  return rows.length === 0 ? [] : ["### Cluster-specific values", "", ...intro, "", ...rows, ""];
}

export const codeBlock = (lang: string, lines: readonly string[]): string[] => [`\`\`\`${lang}`, ...lines, "```"];
