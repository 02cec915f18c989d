/**
 * Bundle options: what the user asked for on top of the recipe (deployer, `--set`, `--dynamic`,
 * scheduling, node count, storage class), parsed and checked once from their raw text forms.
 */
import { invalid } from "../errors.ts";
import { parseDynamicFlag, parseSetFlag, type DynamicPath, type SetOverride } from "./set-flag.ts";
import { parseSelectors, parseTaint, parseTolerations, type Taint, type Toleration } from "./scheduling-flags.ts";

/** Every deployer name the CLI accepts; only the registered ones (deployers/index.ts) can render. */
export const deployerNames = ["helm", "helmfile", "flux", "argocd", "argocd-helm"] as const;
export type DeployerName = (typeof deployerNames)[number];
export const DEFAULT_DEPLOYER: DeployerName = "helm";

export interface BundleOptions {
  deployer: DeployerName;
  /** `--set` in the order given (later entries win on the same path). */
  set: SetOverride[];
  dynamic: DynamicPath[];
  systemNodeSelector: Record<string, string>;
  /** Empty: tolerate everything (`operator: Exists`). */
  systemNodeTolerations: Toleration[];
  acceleratedNodeSelector: Record<string, string>;
  acceleratedNodeTolerations: Toleration[];
  workloadGate?: Taint;
  workloadSelector: Record<string, string>;
  /** Estimated GPU node count; 0 = not set. */
  nodes: number;
  storageClass?: string;
  /** GitOps repository URL (argocd deployers). */
  repo?: string;
}

/** Options as text, the way flags and the AICRConfig file give them. */
export interface RawBundleOptions {
  deployer?: string;
  set?: readonly string[];
  dynamic?: readonly string[];
  systemNodeSelector?: readonly string[];
  systemNodeTolerations?: readonly string[];
  acceleratedNodeSelector?: readonly string[];
  acceleratedNodeTolerations?: readonly string[];
  workloadGate?: string;
  workloadSelector?: readonly string[];
  nodes?: number;
  storageClass?: string;
  repo?: string;
}

export function parseDeployerName(raw: string): DeployerName {
  const name = raw.trim().toLowerCase();
  if ((deployerNames as readonly string[]).includes(name)) return name as DeployerName;
  throw invalid(`invalid deployer "${raw}": must be one of ${deployerNames.join(", ")}`);
}

export function parseBundleOptions(raw: RawBundleOptions = {}): BundleOptions {
  const nodes = raw.nodes ?? 0;
  if (!Number.isInteger(nodes) || nodes < 0) throw invalid(`--nodes must be an integer >= 0 (got ${nodes})`);
  let storageClass: string | undefined;
  if (raw.storageClass !== undefined) {
    storageClass = raw.storageClass.trim();
    if (storageClass === "") throw invalid("--storage-class cannot be blank when specified");
  }
  const opts: BundleOptions = {
    deployer: raw.deployer === undefined ? DEFAULT_DEPLOYER : parseDeployerName(raw.deployer),
    set: (raw.set ?? []).map(parseSetFlag),
    dynamic: (raw.dynamic ?? []).map(parseDynamicFlag),
    systemNodeSelector: parseSelectors(raw.systemNodeSelector ?? [], "--system-node-selector"),
    systemNodeTolerations: parseTolerations(raw.systemNodeTolerations ?? [], "--system-node-toleration"),
    acceleratedNodeSelector: parseSelectors(raw.acceleratedNodeSelector ?? [], "--accelerated-node-selector"),
    acceleratedNodeTolerations: parseTolerations(raw.acceleratedNodeTolerations ?? [], "--accelerated-node-toleration"),
    workloadSelector: parseSelectors(raw.workloadSelector ?? [], "--workload-selector"),
    nodes,
  };
  const gate = raw.workloadGate === undefined ? undefined : parseTaint(raw.workloadGate, "--workload-gate");
  if (gate) opts.workloadGate = gate;
  if (storageClass !== undefined) opts.storageClass = storageClass;
  if (raw.repo !== undefined && raw.repo.trim() !== "") opts.repo = raw.repo.trim();
  return opts;
}
