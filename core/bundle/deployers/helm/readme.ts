/** README.md of a Helm bundle (the ordered steps) and of each of its folders. */
import type { BundleFolder, BundlePlan } from "../../bundle-plan.ts";
import { codeBlock, constraintLines, dynamicValuesLines, environmentLines, notesLines, versionLines } from "../../readme-sections.ts";
import { installCommand } from "./install-script.ts";

/** Wait arguments deploy.sh gives a chart by default (README examples). */
export const DEFAULT_WAIT_ARGS = "--wait --timeout 10m";

const kindText = (f: BundleFolder) =>
  f.kind === "upstream-helm" ? "upstream chart" : f.role === "post" ? `local chart (manifests of ${f.component.name})` : "local chart (manifests)";

const chartText = (f: BundleFolder) => {
  const c = f.component.chart;
  if (f.kind === "local-helm" || !c) return "-";
  return c.oci ? c.reference : `${c.name} (${c.repository})`;
};

const code = (lines: readonly string[]) => codeBlock("bash", lines);

function dynamicLines(plan: BundlePlan): string[] {
  return dynamicValuesLines(plan.folders, (f) => f, (f) => f.dir, "cluster-values.yaml", [
    "These values were declared dynamic when the bundle was built. Fill them in for the target cluster before deploying",
    "(they are not part of the bundle's defaults):",
  ]);
}

export function bundleReadme(plan: BundlePlan): string {
  const lines: string[] = [
    "# AICR deployment bundle",
    "",
    ...versionLines(plan, "helm"),
    "Helm charts and manifests for every component of one AICR recipe: one numbered folder per Helm release,",
    "installed in folder order. `recipe.yaml` is the recipe the bundle was built from; `checksums.txt` lists",
    "the SHA-256 digest of every other file (check it with `aicr verify <this directory>`).",
    "",
    ...environmentLines(plan),
    "## Components",
    "",
    "| Step | Folder | Component | Kind | Chart | Version | Namespace |",
    "|---|---|---|---|---|---|---|",
    ...plan.folders.map(
      (f) =>
        `| ${f.index} | \`${f.dir}\` | ${f.component.name} | ${kindText(f)} | ${chartText(f)} | ${
          f.kind === "upstream-helm" ? f.component.chart?.version || "-" : "-"
        } | ${f.namespace} |`,
    ),
    "",
    ...constraintLines(plan),
    ...notesLines(plan),
  ];
  lines.push(
    "## Deploy",
    "",
    "Requirements: `kubectl` and `helm` (v3) configured for the target cluster; `jq` for the pre-flight checks.",
    "",
    ...dynamicLines(plan),
    ...code([
      "./deploy.sh                        # every folder in order, waiting for each chart",
      "./deploy.sh --no-wait              # do not wait for chart readiness",
      "./deploy.sh --best-effort          # keep going past failed components, list them at the end",
      "./deploy.sh --retries 0            # fail fast (default: 5 retries, backoff 5, 20, 45, 80, 120 s)",
    ]),
    "",
    "`deploy.sh` checks the cluster first (namespaces still terminating, webhooks without a service,",
    "unavailable API services, CRDs left over from an earlier install), then runs each folder's `install.sh`.",
    "Set `KUBECONFIG_FLAG=\"--kubeconfig <file>\"`, `DRY_RUN_FLAG=\"--dry-run=server\"` or",
    "`HELM_DEBUG_FLAG=--debug` in the environment to pass those flags to every helm command.",
    "Installed is not the same as ready: node tuning, GPU operator operands and the DRA kubelet plugin",
    "registration continue in the background after the script ends.",
    "",
    "### Step by step",
    "",
    "Each folder's `install.sh` runs one `helm upgrade --install`. To install by hand, run them in this order",
    "(deploy.sh also sets `COMPONENT_WAIT_ARGS=\"--wait --timeout 10m\"`; export it to wait the same way):",
    "",
    ...code(plan.folders.map((f) => `./${f.dir}/install.sh`)),
    "",
    "## Undeploy",
    "",
    ...code([
      "./undeploy.sh                      # reverse order; keeps PersistentVolumeClaims",
      "./undeploy.sh --delete-pvcs        # also delete the PVCs of the bundle's namespaces",
      "./undeploy.sh --keep-namespaces    # leave the namespaces in place",
      "./undeploy.sh --timeout 300        # helm uninstall timeout per release, in seconds (default 120)",
      "./undeploy.sh --skip-preflight     # skip the check for custom resources with blocking finalizers",
    ]),
    "",
    "PVCs in kube-system, kube-public, kube-node-lease and default are never deleted. By hand, in reverse order",
    "(Helm keeps CRDs and PersistentVolumeClaims):",
    "",
    ...code([...plan.folders].reverse().map((f) => `helm uninstall ${f.release} -n ${f.namespace}`)),
    "",
  );
  return lines.join("\n");
}

export function folderReadme(folder: BundleFolder, plan: BundlePlan): string {
  const c = folder.component;
  const lines = [`# ${folder.dir}`, "", `Step ${folder.index} of ${plan.folders.length}: Helm release \`${folder.release}\` of component ${c.name}.`, ""];
  if (folder.kind === "upstream-helm" && c.chart) {
    lines.push(
      `- Chart: ${c.chart.name}`,
      `- Repository: ${c.chart.repository}`,
      `- Version: ${c.chart.version || "(latest)"}`,
      `- Namespace: ${folder.namespace}`,
      "",
      "Files: `values.yaml` (the bundle's values), `cluster-values.yaml` (values to fill in per cluster; applied",
      "last), `upstream.env` (chart, repository and version) and `install.sh`.",
    );
  } else {
    lines.push(
      `- Kind: ${folder.role === "post" ? `local chart with the raw manifests of ${c.name}, installed after its chart` : "local chart with the component's manifests"}`,
      `- Namespace: ${folder.namespace}`,
      `- Templates: ${folder.templates.map((t) => `\`templates/${t.name}\``).join(", ")} (rendered from ${folder.templates.map((t) => t.source).join(", ")})`,
      "",
      "Files: `Chart.yaml` and `templates/` (the chart), `values.yaml`, `cluster-values.yaml` and `install.sh`.",
    );
  }
  lines.push(
    "",
    "## Install",
    "",
    ...code(["./install.sh"]),
    "",
    "which runs (deploy.sh supplies the wait arguments):",
    "",
    ...code([installCommand(folder, DEFAULT_WAIT_ARGS)]),
    "",
    "## Uninstall",
    "",
    ...code([`helm uninstall ${folder.release} -n ${folder.namespace}`]),
    "",
  );
  return lines.join("\n");
}
