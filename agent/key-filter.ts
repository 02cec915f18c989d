/**
 * Key filter patterns that leave readings out of a measurement: `*` matches any run of characters
 * (possibly empty), anything else is literal; a pattern without `*` matches only that exact key.
 */

export function matchesPattern(key: string, pattern: string): boolean {
  if (!pattern.includes("*")) return key === pattern;
  const parts = pattern.split("*");
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (!key.startsWith(first)) return false;
  let rest = key.slice(first.length);
  const middle = parts.slice(1, -1);
  for (const seg of middle) {
    if (seg === "") continue;
    const at = rest.indexOf(seg);
    if (at < 0) return false;
    rest = rest.slice(at + seg.length);
  }
  return rest.endsWith(last);
}

/** A copy of `readings` without the keys matching any of `patterns`. */
export function filterOut<T>(readings: Record<string, T>, patterns: readonly string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(readings)) if (!patterns.some((p) => matchesPattern(k, p))) out[k] = v;
  return out;
}
