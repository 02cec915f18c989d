/**
 * Content negotiation: responses are JSON unless the `Accept` header prefers YAML (media-range
 * q-values honoured; anything else, or no header, is JSON). Request bodies are YAML when their
 * `Content-Type` says so, otherwise JSON.
 */
import { stringifyYaml } from "../../core/yaml.ts";

export type WireFormat = "json" | "yaml";

export const JSON_TYPE = "application/json";
export const YAML_TYPE = "application/yaml";

const yamlTypes = new Set(["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"]);
const jsonTypes = new Set(["application/json", "application/*", "*/*"]);

/** The media type of a header value: lower-cased, parameters dropped. */
export const mediaType = (header: string | null): string => (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

/**
 * The response format `accept` asks for: the candidate with the highest q; on equal q the more specific
 * range (`application/yaml` over a wildcard), then JSON.
 */
export function responseFormat(accept: string | null): WireFormat {
  if (!accept) return "json";
  let best: { format: WireFormat; q: number; specific: number } = { format: "json", q: -1, specific: -1 };
  for (const range of accept.split(",")) {
    const [typePart, ...params] = range.split(";");
    const type = (typePart ?? "").trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (!(q > 0)) continue;
    const format: WireFormat | undefined = yamlTypes.has(type) ? "yaml" : jsonTypes.has(type) || /\+json$/.test(type) ? "json" : undefined;
    const specific = type === "*/*" ? 0 : type.endsWith("/*") ? 1 : 2;
    const better = q > best.q || (q === best.q && (specific > best.specific || (specific === best.specific && format === "json")));
    if (format && better) best = { format, q, specific };
  }
  return best.format;
}

/** How to read a request body: YAML for the YAML media types, JSON otherwise. */
export function bodyFormat(contentType: string | null): WireFormat {
  return yamlTypes.has(mediaType(contentType)) ? "yaml" : "json";
}

export const contentTypeOf = (f: WireFormat): string => (f === "yaml" ? YAML_TYPE : JSON_TYPE);

/** Compact JSON as Go's encoder writes it (`<`, `>`, `&`, U+2028, U+2029 escaped), newline at the end. */
export function compactJson(value: unknown): string {
  return `${JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029")}\n`;
}

/** A value as text in `format` (YAML: 2-space indentation, key order as given). */
export function encode(value: unknown, format: WireFormat): string {
  return format === "yaml" ? stringifyYaml(value) : compactJson(value);
}
