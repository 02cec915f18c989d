/** README.md of a Flux bundle: layout, releases and their dependencies, and how to hand it to Flux. */
import { stringifyYaml } from "../../../yaml.ts";
import type { BundlePlan } from "../../bundle-plan.ts";
import { cell, codeBlock, constraintLines, dynamicValuesLines, environmentLines, notesLines, versionLines } from "../../readme-sections.ts";
import { ASYNC_COMPONENTS } from "../../release-timing.ts";
import { FLUX_NAMESPACE, KUSTOMIZATION_API } from "./objects.ts";
import { ENTRY_KUSTOMIZATION, entryCommand, helmChartVersion, type FluxPlan, type FluxRelease } from "./releases.ts";

const chartText = (r: FluxRelease): string => {
  const c = r.folder.component.chart;
  if (r.kind === "manifests" || !c) return "-";
  return c.oci ? `\`${c.reference}\` (OCIRepository)` : `${c.name} (${c.repository})`;
};

const versionText = (r: FluxRelease): string => {
  const c = r.folder.component.chart;
  if (r.kind === "manifests" || !c) return "-";
  return cell((c.oci ? c.version : helmChartVersion(c)) || "(latest)");
};

function dynamicLines(fp: FluxPlan): string[] {
  const helmReleases: FluxRelease[] = [];
  for (const r of fp.releases) if (r.kind === "HelmRelease") helmReleases.push(r);
  return dynamicValuesLines(helmReleases, (r) => r.folder, (r) => r.dir, "configmap-values.yaml", [
    "These paths were declared dynamic when the bundle was built: they are not in the HelmRelease's inline",
    "`values`. Fill them in (the `values.yaml` key of each ConfigMap) for the target cluster before committing;",
    "the HelmRelease reads them through `valuesFrom`:",
  ]);
}

export function fluxReadme(plan: BundlePlan, fp: FluxPlan): string {
  const entry = stringifyYaml({
    apiVersion: KUSTOMIZATION_API,
    kind: "Kustomization",
    metadata: { name: ENTRY_KUSTOMIZATION, namespace: FLUX_NAMESPACE },
    spec: { interval: "10m", path: "./", prune: true, sourceRef: { kind: "GitRepository", name: fp.git.name } },
  }).trimEnd();
  const asyncNames: string[] = [];
  for (const r of fp.releases) if (r.kind === "HelmRelease" && ASYNC_COMPONENTS.has(r.folder.component.name)) asyncNames.push(r.dir);
  const lines = [
    "# AICR deployment bundle",
    "",
    ...versionLines(plan, "flux"),
    "Flux objects for every component of one AICR recipe, to be reconciled from a Git repository holding this",
    "bundle at its root. `checksums.txt` lists the SHA-256 digest of every other file (check it with",
    "`aicr verify <this directory>`).",
    "",
    "- `kustomization.yaml`: the Kustomize entry point, listing every source and Flux Kustomization.",
    "- `sources/`: the GitRepository of this bundle, a HelmRepository per chart repository, an OCIRepository per",
    "  OCI chart.",
    "- `kustomizations/<release>.yaml`: a Flux Kustomization that applies the folder `<release>/` once the",
    "  folders it depends on are ready.",
    "- `<release>/`: a HelmRelease (chart, values inline, cluster-specific values in a ConfigMap), or the",
    "  rendered manifests of a component under `manifests/` (a component that is only manifests also gets its",
    "  Namespace; a chart's `-post` manifests use the namespace its HelmRelease creates).",
    "",
    `Every Flux object lives in the \`${FLUX_NAMESPACE}\` namespace; releases install into their own namespace.`,
    "",
    ...environmentLines(plan),
    "## Releases",
    "",
    "Order comes from the recipe's component dependencies, not from position: a release's Kustomization",
    "`dependsOn` the Kustomizations of what it needs and waits until their objects are ready; a HelmRelease",
    "also `dependsOn` the HelmReleases of the charts it needs. A component's raw manifests (`-post`) follow",
    "its chart. Releases with nothing between them reconcile in parallel.",
    "",
    "| Release | Kind | Chart | Version | Namespace | Depends On |",
    "|---|---|---|---|---|---|",
    ...fp.releases.map(
      (r) =>
        `| ${r.dir} | ${r.kind === "HelmRelease" ? "HelmRelease" : "manifests"} | ${chartText(r)} | ${versionText(r)} | ${r.folder.namespace} | ${
          r.dependsOn.join(", ") || "-"
        } |`,
    ),
    "",
    ...constraintLines(plan),
    ...notesLines(plan),
    "## Deploy",
    "",
    "Requirements: a cluster with Flux 2.6 or later (`flux check`), `kubectl`, and a Git repository Flux can read.",
    "",
    ...dynamicLines(fp),
    `1. Commit this directory to the root of \`${fp.git.url}\`, branch \`${fp.git.branch}\`, and push it. To use`,
    `   another repository or branch, edit \`sources/gitrepo-${fp.git.name}.yaml\` first (add a \`secretRef\` for`,
    "   a private repository).",
    "2. Create the bundle's GitRepository and the entry Kustomization that reconciles the bundle root:",
    "",
    ...codeBlock("bash", [`kubectl apply -f sources/gitrepo-${fp.git.name}.yaml`, entryCommand(fp.git.name)]),
    "",
    "   or apply this Kustomization instead of the `flux create` command:",
    "",
    ...codeBlock("yaml", entry.split("\n")),
    "",
    "3. Follow the rollout:",
    "",
    ...codeBlock("bash", ["flux get kustomizations --watch", "flux get helmreleases -n " + FLUX_NAMESPACE]),
    "",
    "HelmReleases install their namespace when missing, replace CRDs on install and upgrade (`CreateReplace`),",
    "and retry a failed install or upgrade (remediation) before giving up.",
  ];
  if (asyncNames.length > 0) {
    lines.push(`Not waited for (their operators reconcile custom resources asynchronously): ${asyncNames.join(", ")}.`);
  }
  lines.push(
    "",
    "Installed is not the same as ready: node tuning, GPU operator operands and the DRA kubelet plugin",
    "registration continue in the background after the HelmReleases report ready.",
    "",
    "## Undeploy",
    "",
    ...codeBlock("bash", [`flux delete kustomization ${ENTRY_KUSTOMIZATION}`]),
    "",
    "Deleting the entry Kustomization prunes every Flux Kustomization, which uninstalls its HelmRelease or",
    "deletes its manifests, all at once (not in reverse order). Namespaces of manifest folders are kept",
    "(`kustomize.toolkit.fluxcd.io/prune: disabled`); Helm keeps CRDs and PersistentVolumeClaims.",
    "",
  );
  return lines.join("\n");
}
