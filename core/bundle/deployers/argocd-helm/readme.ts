/** README.md of an argocd-helm bundle: publishing the chart, installing it, the install-time values. */
import type { BundlePlan } from "../../bundle-plan.ts";
import { syncWave } from "../argocd/application.ts";
import { codeBlock as code, environmentLines, notesLines, versionLines } from "../../readme-sections.ts";
import { applicationsTable } from "../argocd/readme.ts";
import { BUNDLE_CHART_NAME, bundleChartVersion } from "./chart.ts";
import { PARENT_APPLICATION } from "./templates.ts";
import { overrideKeyOf, staticValuesPath } from "./values.ts";

function valuesTable(plan: BundlePlan): string[] {
  const rows = [
    "| `repoURL` | required | Where the chart is published: an `oci://` registry namespace (the `helm push` target) or a Git repository holding this directory at its root |",
    "| `targetRevision` | chart version | Chart version (OCI) or Git revision to deploy |",
  ];
  for (const c of plan.components) {
    const key = overrideKeyOf(c);
    if (key === undefined) continue;
    const dynamic = c.dynamic.map((d) => `\`${key}.${d.path.join(".")}\``).join(", ");
    const meaning = c.chart
      ? `Values of ${c.name}, merged over \`${staticValuesPath(c)}\``
      : `Values given to the local chart of ${c.name} (its manifests were rendered when the bundle was built)`;
    rows.push(`| \`${key}\` | ${dynamic === "" ? "-" : dynamic} | ${meaning} |`);
  }
  return ["| Value | Default / declared paths | Meaning |", "|---|---|---|", ...rows];
}

export function bundleReadme(plan: BundlePlan): string {
  const version = bundleChartVersion(plan);
  const tgz = `${BUNDLE_CHART_NAME}-${version}.tgz`;
  const lines: string[] = [
    "# AICR deployment bundle as an Argo CD Helm chart",
    "",
    ...versionLines(plan, "argocd-helm"),
    `This directory is the Helm chart \`${BUNDLE_CHART_NAME}\` (version ${version}). Installed, it creates the`,
    `Argo CD Application \`${PARENT_APPLICATION}\`, which makes Argo CD render the same chart again from where it`,
    "is published and create one child Application per numbered folder, synced in wave order (wave 0 first).",
    "The bundle names no repository: where it is published is given at install time (`repoURL`), and every",
    "component value can be overridden then. `checksums.txt` lists the SHA-256 digest of every other file",
    "(check it with `aicr verify <this directory>`).",
    "",
    ...environmentLines(plan),
    "## Applications",
    "",
    ...applicationsTable(plan),
    "",
    "## Install-time values",
    "",
    ...valuesTable(plan),
    "",
    "Paths declared with `--dynamic` are listed in `values.yaml` with the recipe's value (or `\"\"` when it has",
    "none); set them for the target cluster. Components of an upstream chart take their bundled values from",
    "`static/<component>.yaml`; local charts (raw manifests) were rendered when the bundle was built.",
    "",
    ...notesLines(plan),
    "## Deploy",
    "",
    "Requirements: Argo CD running in the `argocd` namespace of the target cluster, with read access to where",
    "the chart is published and to the chart repositories above; `helm` (v3.8 or later) and `kubectl`.",
    "",
    "1. Publish the chart to an OCI registry:",
    "",
    ...code("bash", ["helm package .", `helm push ${tgz} oci://<registry>/<namespace>`]),
    "",
    "   or push this directory to the root of a Git repository.",
    "",
    "2. Install the parent Application, giving the same location:",
    "",
    ...code("bash", [
      `helm install ${PARENT_APPLICATION} oci://<registry>/<namespace>/${BUNDLE_CHART_NAME} --version ${version} -n argocd \\`,
      "  --set repoURL=oci://<registry>/<namespace> -f cluster-values.yaml",
      "# from Git:",
      `helm install ${PARENT_APPLICATION} . -n argocd --set repoURL=https://github.com/<org>/<repo>.git --set targetRevision=main`,
    ]),
    "",
    "   (`cluster-values.yaml`: your install-time values, e.g. the dynamic paths of the table above.)",
    "",
    "3. Follow the rollout:",
    "",
    ...code("bash", ["kubectl get applications -n argocd", `argocd app get ${PARENT_APPLICATION}`]),
    "",
    "Installing from this directory without publishing works only when every Application deploys an upstream",
    "chart: Argo CD fetches local charts (raw manifests) by path from `repoURL`.",
    "",
    "## Sync waves",
    "",
    ...plan.folders.map((f) => `- **Wave ${syncWave(f)}**: ${f.release} (\`templates/${f.release}.yaml\`)`),
    "",
    "## Files",
    "",
    "- `Chart.yaml`, `values.yaml`: the chart and its install-time values.",
    `- \`templates/${PARENT_APPLICATION}.yaml\`: the parent Application; \`templates/<name>.yaml\`: one child Application per folder.`,
    "- `static/<component>.yaml`: the bundled values of each upstream chart.",
    "- `NNN-<name>/`: the folder layout shared with the argocd deployer (values, and the local charts Argo CD deploys by path).",
    "",
    "## Remove",
    "",
    "Every Application carries the `resources-finalizer.argocd.argoproj.io` finalizer, so removing the parent",
    "deletes the children and everything they deployed:",
    "",
    ...code("bash", [`helm uninstall ${PARENT_APPLICATION} -n argocd`]),
    "",
  ];
  return lines.join("\n");
}
