/**
 * README sections every deployer's bundle README can share: the versions header, the target environment,
 * the recipe's constraints and the deployment notes (each section a list of lines ending with a blank).
 */
import { criteriaFields } from "../recipe/criteria.ts";
import type { BundlePlan } from "./bundle-plan.ts";

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
  const env = criteriaFields.filter((f) => c[f] !== "" && c[f] !== "any").map((f) => `- **${criteriaLabels[f]}**: ${c[f]}`);
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

export const codeBlock = (lang: string, lines: readonly string[]): string[] => [`\`\`\`${lang}`, ...lines, "```"];
