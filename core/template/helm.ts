/**
 * The Helm additions to Sprig that templates commonly use: `toYaml` (yaml.v3, 4-space indentation,
 * no trailing newline, as upstream's manifest renderer), `fromYaml`, `fromYamlArray`, `required`,
 * `include` and `tpl`.
 */
import { decodeYaml, goYaml } from "./codec.ts";
import { def, defWithContext, type FunctionDef } from "./functions.ts";
import { isMap } from "./values.ts";

/** `toYaml`: YAML of the value without the final newline; "" when the value cannot be encoded. */
export function toYaml(v: unknown): string {
  try {
    return goYaml(v).replace(/\n$/, "");
  } catch {
    return "";
  }
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Helm `fromYaml`: a map; on malformed input or a non-map document, `{Error: message}`. */
function fromYaml(s: string): Record<string, unknown> {
  try {
    const v = decodeYaml(s);
    if (v === null || v === undefined) return {};
    if (!isMap(v)) return { Error: "error unmarshaling JSON: json: cannot unmarshal non-object into map[string]interface {}" };
    return v;
  } catch (err) {
    return { Error: errorMessage(err) };
  }
}

/** Helm `fromYamlArray`: a list; on failure a one-element list with the error text. */
function fromYamlArray(s: string): unknown[] {
  try {
    const v = decodeYaml(s);
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) return ["error unmarshaling JSON: json: cannot unmarshal non-array into []interface {}"];
    return v;
  } catch (err) {
    return [errorMessage(err)];
  }
}

function required(warn: string, val: unknown): unknown {
  if (val === null || val === undefined || val === "") throw new Error(warn);
  return val;
}

export const helmFunctions: Readonly<Record<string, FunctionDef>> = {
  toYaml: def(["any"], toYaml),
  fromYaml: def(["string"], fromYaml),
  fromYamlArray: def(["string"], fromYamlArray),
  required: def(["string", "any"], required),
  include: defWithContext(["string", "any"], (ctx, name, data) => ctx.include(name as string, data)),
  tpl: defWithContext(["string", "any"], (ctx, text, data) => ctx.tpl(text as string, data)),
};
