/**
 * The dependency graph between a bundle's releases (its folders), for deployers that express ordering as
 * edges rather than as a sequence (helmfile `needs`, Flux `dependsOn`):
 * - a component's first release depends on the *terminal* release of every bundled component named in its
 *   `dependencyRefs` (a mixed component's `-post` release, else its only release);
 * - a `-post` release depends on its component's chart release.
 * A dependency on a component that is not in the bundle counts as satisfied; one on a bundled component that
 * has no folder (its manifests rendered empty) passes through to that component's own dependencies.
 * Circular dependencies are INVALID_REQUEST. Dependencies are listed in folder (deployment) order.
 */
import { invalid } from "../errors.ts";
import type { BundleFolder, BundlePlan } from "./bundle-plan.ts";

export interface ReleaseNode {
  folder: BundleFolder;
  /** The releases this one waits for, in folder order, without repeats. */
  dependsOn: BundleFolder[];
}

/** Bundled dependencies of a component as its recipe reference names them (unknown names dropped). */
function componentDeps(plan: BundlePlan): Map<string, string[]> {
  const present = new Set(plan.components.map((c) => c.name));
  const deps = new Map<string, string[]>();
  for (const c of plan.components) {
    const names: string[] = [];
    for (const d of c.ref.dependencyRefs ?? []) if (present.has(d) && !names.includes(d)) names.push(d);
    deps.set(c.name, names);
  }
  return deps;
}

/** Component names along a dependency cycle (first name repeated at the end), or undefined when there is none. */
function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === "done") return undefined;
    if (s === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const d of deps.get(name) ?? []) {
      const cycle = visit(d);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const name of deps.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

export function releaseGraph(plan: BundlePlan): ReleaseNode[] {
  const deps = componentDeps(plan);
  const cycle = findCycle(deps);
  if (cycle) throw invalid(`cannot order the bundle's releases: circular dependencies between components (${cycle.join(" -> ")})`);

  const foldersOf = new Map<string, BundleFolder[]>();
  for (const f of plan.folders) foldersOf.set(f.component.name, [...(foldersOf.get(f.component.name) ?? []), f]);

  // What "depends on component X" means: X's last folder, or (no folder) whatever X itself waits for.
  const terminalCache = new Map<string, BundleFolder[]>();
  const terminals = (name: string): BundleFolder[] => {
    const cached = terminalCache.get(name);
    if (cached) return cached;
    const own = foldersOf.get(name);
    const out = own && own.length > 0 ? [own[own.length - 1] as BundleFolder] : terminalsOf(deps.get(name) ?? []);
    terminalCache.set(name, out);
    return out;
  };
  /** The terminals of several components, in order (a loop rather than flatMap: see docs/start-up.md). */
  const terminalsOf = (names: readonly string[]): BundleFolder[] => {
    const out: BundleFolder[] = [];
    for (const n of names) out.push(...terminals(n));
    return out;
  };

  const ordered = (fs: BundleFolder[]) => [...new Map(fs.map((f) => [f.index, f])).values()].sort((a, b) => a.index - b.index);
  return plan.folders.map((folder) => {
    const siblings = foldersOf.get(folder.component.name) ?? [];
    const pos = siblings.indexOf(folder);
    const dependsOn = pos > 0 ? [siblings[pos - 1] as BundleFolder] : terminalsOf(deps.get(folder.component.name) ?? []);
    return { folder, dependsOn: ordered(dependsOn) };
  });
}
