/** Argument groups shared by several commands (flag names and aliases as upstream spells them). */
import { criteriaValues } from "../core/recipe/criteria.ts";
import type { ArgsDef } from "./runner.ts";

export const globalArgs = {
  debug: { type: "boolean", description: "Debug logging: text with time, level and fields (env AICR_DEBUG)" },
  "log-json": { type: "boolean", description: "Structured JSON logs on stderr (env AICR_LOG_JSON)" },
} satisfies ArgsDef;

export const criteriaArgs = {
  service: { type: "string", description: `Kubernetes service (${criteriaValues.service.join(", ")})`, valueHint: "service" },
  accelerator: {
    type: "string",
    alias: ["gpu"],
    description: `GPU type (${criteriaValues.accelerator.join(", ")})`,
    valueHint: "accelerator",
  },
  intent: { type: "string", description: `Workload intent (${criteriaValues.intent.join(", ")})`, valueHint: "intent" },
  os: { type: "string", description: `Node operating system (${criteriaValues.os.join(", ")})`, valueHint: "os" },
  platform: { type: "string", description: `Platform (${criteriaValues.platform.join(", ")})`, valueHint: "platform" },
  nodes: { type: "string", int: true, description: "Number of GPU nodes (0 = unspecified)", valueHint: "n" },
  criteria: { type: "string", alias: ["c"], description: "RecipeCriteria file or URL", valueHint: "file" },
  snapshot: {
    type: "string",
    alias: ["s"],
    description: "Snapshot file or URL: criteria detected from it, overlays filtered by their constraints (wins over --criteria)",
    valueHint: "file",
  },
  config: { type: "string", description: "AICRConfig file or URL (CLI flags override its values)", valueHint: "file" },
} satisfies ArgsDef;

export const dataArg = {
  data: { type: "string", description: "External catalogue directory layered over the embedded one", valueHint: "dir" },
} satisfies ArgsDef;

export const formatArg = {
  format: { type: "string", alias: ["t"], description: "Output format: yaml, json or table", default: "yaml", valueHint: "format" },
} satisfies ArgsDef;

export const outputArg = {
  output: { type: "string", alias: ["o"], description: "Output file (default: stdout)", valueHint: "path" },
} satisfies ArgsDef;

export const kubeconfigArg = {
  kubeconfig: { type: "string", alias: ["k"], description: "Kubeconfig for cm:// sources and destinations", valueHint: "file" },
} satisfies ArgsDef;
