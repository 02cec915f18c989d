/**
 * `--dynamic`: paths whose values are supplied per cluster at install time. They are moved out of the
 * static values into a separate map (an absent path gets an empty string to fill in).
 */
import type { DynamicPath } from "./set-flag.ts";
import { deletePath, getPath, hasPath, setPath, type Values } from "./value-path.ts";

export interface SplitValues {
  static: Values;
  dynamic: Values;
}

/** The split of `values` (not changed); with no dynamic paths, `static` is `values` itself. */
export function splitDynamic(values: Values, paths: readonly DynamicPath[]): SplitValues {
  if (paths.length === 0) return { static: values, dynamic: {} };
  const stat = structuredClone(values);
  const dynamic: Values = {};
  for (const { path } of paths) {
    const present = hasPath(stat, path);
    const value = present ? getPath(stat, path) : "";
    if (present) deletePath(stat, path);
    setPath(dynamic, path, structuredClone(value), false);
  }
  return { static: stat, dynamic };
}
