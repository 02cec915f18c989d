/**
 * Scheduling injection: node selectors, tolerations, the workload-gate taint, the node count and the
 * workload selector written at the value paths the component registry declares (later steps win on the
 * same path). No accelerated toleration given means "tolerate everything".
 */
import type { RegistryComponent } from "../schema/registry.ts";
import type { BundleOptions } from "./options.ts";
import { taintText, TOLERATE_ALL, type Toleration } from "./scheduling-flags.ts";
import { setPath, type Values } from "./value-path.ts";

const split = (p: string) => p.split(".");

/** NFD workers label every node, so the accelerated node selector never applies to them. */
const isNfdWorkerPath = (p: string) => p.split(".").includes("node-feature-discovery") && p.split(".").includes("worker");

const tolerationsOrDefault = (t: readonly Toleration[]): Toleration[] => (t.length > 0 ? t.map((x) => ({ ...x })) : [{ ...TOLERATE_ALL }]);

/** Write the scheduling options into `values` (in place) at the registry entry's paths. */
export function injectScheduling(values: Values, entry: RegistryComponent | undefined, options: BundleOptions): void {
  if (!entry) return;
  const sys = entry.nodeScheduling?.system;
  const acc = entry.nodeScheduling?.accelerated;
  const putMap = (paths: readonly string[] | undefined, map: Record<string, string>) => {
    if (Object.keys(map).length === 0) return;
    for (const p of paths ?? []) setPath(values, split(p), { ...map }, false);
  };
  const putList = (paths: readonly string[] | undefined, list: readonly Toleration[]) => {
    for (const p of paths ?? []) setPath(values, split(p), tolerationsOrDefault(list), false);
  };

  putMap(sys?.nodeSelectorPaths, options.systemNodeSelector);
  putList(sys?.tolerationPaths, options.systemNodeTolerations);
  const acceleratedSelectorPaths: string[] = [];
  for (const p of acc?.nodeSelectorPaths ?? []) if (!isNfdWorkerPath(p)) acceleratedSelectorPaths.push(p);
  putMap(acceleratedSelectorPaths, options.acceleratedNodeSelector);
  putList(acc?.tolerationPaths, options.acceleratedNodeTolerations);
  putMap(entry.podScheduling?.workload?.workloadSelectorPaths, options.workloadSelector);
  if (options.workloadGate) {
    for (const p of acc?.taintStrPaths ?? []) setPath(values, split(p), taintText(options.workloadGate), true);
  }
  if (options.nodes > 0) {
    for (const p of entry.nodeScheduling?.nodeCountPaths ?? []) setPath(values, split(p), options.nodes, true);
  }
}

/**
 * `--storage-class`: written at every `storageClassPaths` entry, overriding recipe values, except paths a
 * `--set` for the component targets exactly (those keep the `--set` value).
 */
export function injectStorageClass(values: Values, entry: RegistryComponent | undefined, storageClass: string | undefined, setPaths: ReadonlySet<string>): void {
  if (!entry || storageClass === undefined) return;
  for (const p of entry.storageClassPaths ?? []) {
    if (setPaths.has(p)) continue;
    setPath(values, split(p), storageClass, false);
  }
}
