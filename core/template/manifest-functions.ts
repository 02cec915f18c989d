/**
 * The function map of bundle manifest templates (snapshot-bundle-api B2.5): the Go built-ins plus
 * exactly `toYaml`, `nindent`, `toString` and `default`, with upstream's own semantics — `nindent`
 * leaves empty lines unindented and `default` replaces only nil and "" (`false` and `0` are kept).
 */
import { formatValue } from "./format.ts";
import { def, type FunctionDef } from "./functions.ts";
import { toYaml } from "./helm.ts";

/** A newline, then every non-empty line of `s` prefixed by `n` spaces. */
export function manifestNindent(n: number, s: string): string {
  const pad = " ".repeat(Math.max(0, n));
  let out = "";
  for (let start = 0; ; ) {
    const end = s.indexOf("\n", start);
    const line = end < 0 ? s.slice(start) : s.slice(start, end);
    out += line === "" ? "\n" : `\n${pad}${line}`;
    if (end < 0) return out;
    start = end + 1;
  }
}

export const manifestFunctions: Readonly<Record<string, FunctionDef>> = {
  toYaml: def(["any"], toYaml),
  nindent: def(["int", "string"], manifestNindent),
  toString: def(["any"], formatValue),
  default: def(["any", "any"], (d: unknown, v: unknown) => (v === null || v === undefined || v === "" ? d : v)),
};
