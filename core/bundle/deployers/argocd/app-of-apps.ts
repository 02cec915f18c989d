/**
 * `app-of-apps.yaml`: the parent Application of an Argo CD bundle. It reads every
 * `NNN-<release>/application.yaml` from the bundle repository and creates those children, which Argo CD
 * then syncs in wave order.
 */
import type { Values } from "../../value-path.ts";
import { APPLICATION_FILE, application, ARGOCD_NAMESPACE, type BundleSource } from "./application.ts";

export const APP_OF_APPS_FILE = "app-of-apps.yaml";
/** Name of the parent Application. */
export const PARENT_APPLICATION = "nvidia-stack";

export function appOfApps(bundle: BundleSource): Values {
  return application({
    name: PARENT_APPLICATION,
    destinationNamespace: ARGOCD_NAMESPACE,
    source: {
      repoURL: bundle.repoURL,
      targetRevision: bundle.targetRevision,
      path: ".",
      directory: { recurse: true, include: `*/${APPLICATION_FILE}` },
    },
  });
}
