/** Decode a parsed document against a schema, gathering every problem into one error. */
import * as v from "valibot";
import { invalid } from "../errors.ts";
import type { ParsedYaml, YamlPath } from "../yaml.ts";

export function formatPath(path: YamlPath): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? key : `.${key}`;
  return out || "(document)";
}

function describeIssue(issue: v.BaseIssue<unknown>): { path: (string | number)[]; message: string } {
  const path = (issue.path ?? []).map((p) => p.key as string | number);
  if (issue.kind === "schema" && issue.type === "strict_object" && issue.input !== undefined) {
    return { path, message: "unknown field (not allowed here)" };
  }
  let message = issue.message;
  if (message.startsWith("Invalid key:")) return { path, message: "required field is missing" };
  if (message.startsWith("Invalid type:")) {
    message = `expected ${issue.expected}, got ${issue.received}`;
  }
  return { path, message };
}

/**
 * Validate `parsed.value` against `schema`. Every issue becomes one line:
 * `file:line:col: yaml.path: message` (line and column when known).
 */
export function decode<S extends v.GenericSchema>(schema: S, parsed: ParsedYaml, file: string): v.InferOutput<S> {
  const result = v.safeParse(schema, parsed.value);
  if (result.success) return result.output;
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const issue of result.issues) {
    // A union's own issue repeats its branches' issues: report the innermost ones.
    const leaves = issue.issues && issue.type !== "union" ? issue.issues : [issue];
    for (const leaf of leaves) {
      const { path, message } = describeIssue(leaf);
      const pos = parsed.position(path);
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      const line = `${where}: ${formatPath(path)}: ${message}`;
      if (!seen.has(line)) {
        seen.add(line);
        lines.push(line);
      }
    }
  }
  const summary = lines.length === 1 ? lines[0] : `${lines[0]} (and ${lines.length - 1} more problem${lines.length > 2 ? "s" : ""})`;
  throw invalid(`invalid document: ${summary}`, undefined, lines.length > 1 ? lines : []);
}
