/**
 * The registered deployers. Every name in `deployerNames` is accepted on the command line; a name with no
 * deployer here fails clearly until its implementation is registered below.
 */
import { invalid } from "../../errors.ts";
import type { Deployer } from "../deployer.ts";
import type { DeployerName } from "../options.ts";
import { argocdDeployer } from "./argocd.ts";
import { argocdHelmDeployer } from "./argocd-helm.ts";
import { fluxDeployer } from "./flux.ts";
import { helmDeployer } from "./helm.ts";
import { helmfileDeployer } from "./helmfile.ts";

export const deployers: Partial<Record<DeployerName, Deployer>> = {
  helm: helmDeployer,
  helmfile: helmfileDeployer,
  flux: fluxDeployer,
  argocd: argocdDeployer,
  "argocd-helm": argocdHelmDeployer,
};

export function deployerFor(name: DeployerName): Deployer {
  const d = deployers[name];
  if (!d) {
    const available = Object.keys(deployers).sort().join(", ");
    throw invalid(`deployer "${name}" is not available in this build yet (available: ${available})`);
  }
  return d;
}
