/**
 * Names of chart sources (helmfile repository aliases, Flux source objects) derived from their URLs:
 * lowercase, scheme and trailing `/` or `.git` dropped, every run of characters outside `[a-z0-9-]`
 * turned into one `-`, at most 63 characters. Distinct URLs that would share a name get `-2`, `-3`, …
 * in URL order, so a name always stands for one URL.
 */
import { byteSorted } from "../yaml.ts";

/** Kubernetes names (and helmfile aliases) are kept to one DNS label. */
const MAX_NAME = 63;

export function sanitizeSourceName(url: string, fallback: string): string {
  let s = url.trim().toLowerCase();
  for (const scheme of ["oci://", "https://", "http://"]) if (s.startsWith(scheme)) s = s.slice(scheme.length);
  s = s.replace(/\/+$/, "").replace(/\.git$/, "");
  s = s.replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  s = s.slice(0, MAX_NAME).replace(/-+$/, "");
  return s === "" ? fallback : s;
}

/** A unique name per distinct URL (URLs compared verbatim). */
export function sourceNames(urls: Iterable<string>, fallback: string): Map<string, string> {
  const distinct = byteSorted([...new Set(urls)]);
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const url of distinct) {
    const base = sanitizeSourceName(url, fallback);
    let name = base;
    for (let n = 2; taken.has(name); n++) {
      const suffix = `-${n}`;
      name = `${base.slice(0, MAX_NAME - suffix.length).replace(/-+$/, "")}${suffix}`;
    }
    taken.add(name);
    out.set(url, name);
  }
  return out;
}
