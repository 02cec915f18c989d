/**
 * The deployers as the CLI loads them: only the module of the deployer asked for (the others cost
 * start-up time for nothing). core/bundle/deployers/index.ts has them all, for the server and tests.
 */
import type { Deployer } from "../core/bundle/deployer.ts";
import type { DeployerName } from "../core/bundle/options.ts";

export const deployerModules: Record<DeployerName, () => Promise<Deployer>> = {
  helm: () => import("../core/bundle/deployers/helm.ts").then((m) => m.helmDeployer),
  helmfile: () => import("../core/bundle/deployers/helmfile.ts").then((m) => m.helmfileDeployer),
  flux: () => import("../core/bundle/deployers/flux.ts").then((m) => m.fluxDeployer),
  argocd: () => import("../core/bundle/deployers/argocd.ts").then((m) => m.argocdDeployer),
  "argocd-helm": () => import("../core/bundle/deployers/argocd-helm.ts").then((m) => m.argocdHelmDeployer),
};

export const loadDeployer = (name: DeployerName): Promise<Deployer> => deployerModules[name]();
