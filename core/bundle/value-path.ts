/** Reading and writing Helm values at dot paths (`a.b.c`, already split into segments). */
import { invalid } from "../errors.ts";

export type Values = Record<string, unknown>;

export const isMap = (v: unknown): v is Values => v !== null && typeof v === "object" && !Array.isArray(v);

/** The value at `path`, or undefined when any step is missing or not a map. */
export function getPath(values: Values, path: readonly string[]): unknown {
  let cur: unknown = values;
  for (const seg of path) {
    if (!isMap(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

export function hasPath(values: Values, path: readonly string[]): boolean {
  let cur: unknown = values;
  for (const seg of path) {
    if (!isMap(cur) || !Object.prototype.hasOwnProperty.call(cur, seg)) return false;
    cur = cur[seg];
  }
  return true;
}

/**
 * Set `value` at `path`, creating missing maps. `strict`: an existing intermediate that is not a map is an
 * error (what `--set` does); otherwise it is replaced by a map (what scheduling injection does).
 */
export function setPath(values: Values, path: readonly string[], value: unknown, strict: boolean): void {
  let cur: Values = values;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i] as string;
    const next = cur[seg];
    if (!isMap(next)) {
      if (next !== undefined && next !== null && strict) {
        throw invalid(`cannot set ${path.join(".")}: ${path.slice(0, i + 1).join(".")} is not a map`);
      }
      cur[seg] = {};
    }
    cur = cur[seg] as Values;
  }
  cur[path[path.length - 1] as string] = value;
}

/** Remove the value at `path` (and nothing else); returns whether it was there. */
export function deletePath(values: Values, path: readonly string[]): boolean {
  let cur: unknown = values;
  for (const seg of path.slice(0, -1)) {
    if (!isMap(cur)) return false;
    cur = cur[seg];
  }
  const last = path[path.length - 1] as string;
  if (!isMap(cur) || !Object.prototype.hasOwnProperty.call(cur, last)) return false;
  delete cur[last];
  return true;
}
