/**
 * The Helm values of one bundled component: hydrated recipe values, then `--set` (in the order given),
 * then scheduling injection, then `--storage-class`; finally split into static and dynamic parts.
 */
import { AicrError, ErrorCode } from "../errors.ts";
import type { Store } from "../catalogue/store.ts";
import { valuesFor } from "../recipe/hydrate.ts";
import { splitDynamic, type SplitValues } from "./dynamic.ts";
import type { BundleOptions } from "./options.ts";
import type { PlannedComponent } from "./plan.ts";
import { injectScheduling, injectStorageClass } from "./scheduling.ts";
import { setPath, type Values } from "./value-path.ts";

export interface ComponentValues extends SplitValues {
  /** Everything, before the dynamic split (what manifests are rendered with). */
  all: Values;
}

export function buildValues(store: Store, component: PlannedComponent, options: BundleOptions): ComponentValues {
  const values = valuesFor(store, component.ref) as Values; // a fresh tree: changed in place below
  for (const s of component.set) {
    try {
      setPath(values, s.path, structuredClone(s.value), true);
    } catch (err) {
      throw new AicrError(ErrorCode.InvalidRequest, `invalid --set "${s.text}"`, { cause: err });
    }
  }
  injectScheduling(values, component.registry, options);
  injectStorageClass(values, component.registry, options.storageClass, new Set(component.set.map((s) => s.path.join("."))));
  return { all: values, ...splitDynamic(values, component.dynamic) };
}
