/**
 * Component dependencies: every `dependencyRefs` entry must name a component of the recipe, the graph
 * must be acyclic (a cycle is reported with its path), and the deployment order is Kahn's algorithm
 * that always emits the smallest ready name first (byte order).
 */
import { internal, invalid } from "../errors.ts";
import type { ComponentRef } from "../schema/component-ref.ts";
import { byteSorted } from "../yaml.ts";

type DepNode = Pick<ComponentRef, "name" | "dependencyRefs">;

/** Unknown dependencies and cycles, in the order upstream would find them; empty when valid. */
export function dependencyProblems(refs: readonly DepNode[]): string[] {
  const names = new Set(refs.map((r) => r.name));
  const problems: string[] = [];
  for (const r of refs) {
    for (const d of r.dependencyRefs ?? []) {
      if (!names.has(d)) problems.push(`component "${r.name}" references unknown dependency "${d}"`);
    }
  }
  const cycle = findCycle(refs);
  if (cycle) problems.push(`circular dependency detected: ${cycle.join(" -> ")}`);
  return problems;
}

/** The first dependency cycle found by a depth-first walk in list order, as a closed path. */
export function findCycle(refs: readonly DepNode[]): string[] | undefined {
  const deps = new Map(refs.map((r) => [r.name, r.dependencyRefs ?? []]));
  const visited = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (n: string): string[] | undefined => {
    visited.add(n);
    stack.push(n);
    onStack.add(n);
    for (const d of deps.get(n) ?? []) {
      if (!deps.has(d)) continue;
      if (onStack.has(d)) return [...stack.slice(stack.indexOf(d)), d];
      if (!visited.has(d)) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    onStack.delete(n);
    return undefined;
  };
  for (const r of refs) {
    if (visited.has(r.name)) continue;
    const found = visit(r.name);
    if (found) return found;
  }
  return undefined;
}

export function validateDependencies(refs: readonly DepNode[]): void {
  const problems = dependencyProblems(refs);
  if (problems.length > 0) throw invalid(problems[0] ?? "invalid dependencies", undefined, problems.length > 1 ? problems : []);
}

/** Repeatedly emit the smallest component (byte order) whose dependencies are all emitted. */
export function deploymentOrder(refs: readonly DepNode[]): string[] {
  const indeg = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const r of refs) {
    indeg.set(r.name, (r.dependencyRefs ?? []).length);
    for (const d of r.dependencyRefs ?? []) dependents.set(d, [...(dependents.get(d) ?? []), r.name]);
  }
  const ready = byteSorted([...indeg].filter(([, n]) => n === 0).map(([k]) => k));
  const order: string[] = [];
  while (ready.length > 0) {
    const n = ready.shift() as string;
    order.push(n);
    for (const m of dependents.get(n) ?? []) {
      const left = (indeg.get(m) ?? 0) - 1;
      indeg.set(m, left);
      if (left === 0) ready.push(m);
    }
    byteSorted(ready);
  }
  if (order.length !== indeg.size) {
    const cycle = findCycle(refs);
    throw internal(`cannot determine deployment order${cycle ? `: circular dependency ${cycle.join(" -> ")}` : ""}`);
  }
  return order;
}
