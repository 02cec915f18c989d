/** Decoding a component values file (a YAML mapping; an empty file is an empty map). */
import { invalid } from "../errors.ts";
import { parseYaml } from "../yaml.ts";

export function decodeValues(text: string, path: string): Record<string, unknown> {
  const value = parseYaml(text, path).value;
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalid(`values file ${path} must be a YAML mapping`);
  return value as Record<string, unknown>;
}
