/**
 * What a check is given: the recipe (with the manifests its components name), the snapshot on
 * demand, a Kubernetes client (in-cluster service account, or --kubeconfig), the host root for
 * node-local commands, and where to print evidence.
 */
import type { KubeClient } from "../kube/client.ts";
import type { Constraint } from "../../core/schema/constraint.ts";
import type { RecipeResultDocument } from "../../core/schema/recipe-result.ts";
import type { Snapshot } from "../../core/schema/snapshot.ts";
import type { LivePhase } from "../../core/validate/phases.ts";
import { Findings, type Verdict } from "./findings.ts";

export interface CheckContext {
  /** The check's catalogue name. */
  name: string;
  recipe: RecipeResultDocument;
  /** Text of the manifest files the recipe's components reference, by path. */
  manifests: Readonly<Record<string, string>>;
  /** The snapshot, when one was given (read on first use). */
  snapshot(): Promise<Snapshot | undefined>;
  /** The cluster client; throws when there is no cluster. */
  client(): KubeClient;
  env: Readonly<Record<string, string | undefined>>;
  /** Root of the host filesystem for node-local commands (`/` unless --host-root). */
  hostRoot: string;
  /** Print one line of evidence. */
  log(line: string): void;
  signal: AbortSignal;
}

export type Check = (ctx: CheckContext) => Promise<Verdict>;

export const findingsFor = (ctx: CheckContext): Findings => new Findings((l) => ctx.log(l));

/** A phase-level constraint of the recipe by name. */
export function phaseConstraint(ctx: CheckContext, phase: LivePhase, name: string): Constraint | undefined {
  return ctx.recipe.validation?.[phase]?.constraints?.find((c) => c.name === name);
}
