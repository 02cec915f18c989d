/** README.md of an Argo CD bundle, and the parts of it the argocd-helm README shares. */
import type { BundleFolder, BundlePlan } from "../../bundle-plan.ts";
import { codeBlock as code, environmentLines, notesLines, versionLines } from "../../readme-sections.ts";
import type { BundleSource } from "./application.ts";
import { syncWave, upstreamChartSource } from "./application.ts";
import { APP_OF_APPS_FILE, PARENT_APPLICATION } from "./app-of-apps.ts";
import { PLACEHOLDER_REPO_URL } from "./repository.ts";

/** What a folder's Application deploys, for the tables. */
export function sourceText(folder: BundleFolder): string {
  const chart = folder.component.chart;
  if (folder.kind === "local-helm" || !chart) {
    return folder.role === "post" ? `local chart \`${folder.dir}\` (manifests of ${folder.component.name})` : `local chart \`${folder.dir}\``;
  }
  return chart.oci ? `${chart.reference} (OCI)` : `${chart.name} from ${chart.repository}`;
}

/** The revision an upstream chart is deployed at, as the Application gives it; `-` for local charts. */
export function versionText(folder: BundleFolder): string {
  const chart = folder.component.chart;
  if (folder.kind === "local-helm" || !chart) return "-";
  return String(upstreamChartSource(chart)["targetRevision"]);
}

/** The Applications table, one row per folder in wave order. */
export function applicationsTable(plan: BundlePlan): string[] {
  return [
    "| Sync wave | Application | Deploys | Version | Namespace |",
    "|---|---|---|---|---|",
    ...plan.folders.map((f) => `| ${syncWave(f)} | ${f.release} | ${sourceText(f)} | ${versionText(f)} | ${f.namespace} |`),
  ];
}

export function bundleReadme(plan: BundlePlan, bundle: BundleSource): string {
  const placeholder = bundle.repoURL === PLACEHOLDER_REPO_URL;
  const lines: string[] = [
    "# AICR deployment bundle for Argo CD",
    "",
    ...versionLines(plan, "argocd"),
    "Argo CD Applications for every component of one AICR recipe. Each numbered folder holds one",
    "`application.yaml`; `app-of-apps.yaml` creates them all, and Argo CD syncs them in wave order",
    "(wave 0 first). Upstream charts are fetched from their own repositories with the folder's",
    "`values.yaml` taken from this repository; local charts (raw manifests) are fetched from this",
    "repository by path. `checksums.txt` lists the SHA-256 digest of every other file (check it with",
    "`aicr verify <this directory>`).",
    "",
    ...environmentLines(plan),
    "## Applications",
    "",
    ...applicationsTable(plan),
    "",
    ...notesLines(plan),
    "## Deploy",
    "",
    "Requirements: Argo CD running in the `argocd` namespace of the target cluster, with read access to",
    `the repository \`${bundle.repoURL}\` and to the chart repositories above; \`kubectl\` for that cluster.`,
    "",
  ];
  if (placeholder) {
    lines.push(
      "This bundle was generated without `--repo`: replace the placeholder URL with your repository first,",
      "or generate the bundle again with `--repo <url>` (preferred: `checksums.txt` stays valid).",
      "",
      ...code("bash", [
        `grep -rl '${PLACEHOLDER_REPO_URL}' --include='*.yaml' . | xargs sed -i 's|${PLACEHOLDER_REPO_URL}|https://github.com/<org>/<repo>.git|g'`,
      ]),
      "",
    );
  }
  lines.push(
    `1. Push the contents of this directory to the root of \`${bundle.repoURL}\`, branch \`${bundle.targetRevision}\`.`,
    "2. Create the parent Application:",
    "",
    ...code("bash", [`kubectl apply -f ${APP_OF_APPS_FILE}`]),
    "",
    "3. Follow the rollout:",
    "",
    ...code("bash", ["kubectl get applications -n argocd", `argocd app get ${PARENT_APPLICATION}`, "argocd app list"]),
    "",
    "Every Application syncs automatically (prune and self-heal), creates its namespace, and applies its",
    "objects server-side (large CRDs do not fit a client-side apply annotation).",
    "",
    "## Sync waves",
    "",
    ...plan.folders.map((f) => `- **Wave ${syncWave(f)}**: ${f.release} (\`${f.dir}/application.yaml\`)`),
    "",
    "## Files",
    "",
    `- \`${APP_OF_APPS_FILE}\`: the parent Application \`${PARENT_APPLICATION}\`.`,
    "- `NNN-<name>/application.yaml`: the child Application of a folder.",
    "- `NNN-<name>/values.yaml`: the Helm values of the folder's chart.",
    "- `NNN-<name>/Chart.yaml`, `NNN-<name>/templates/`: a local chart wrapping the component's rendered manifests.",
    "",
    "## Remove",
    "",
    "Every Application carries the `resources-finalizer.argocd.argoproj.io` finalizer, so deleting the",
    "parent deletes the children and everything they deployed:",
    "",
    ...code("bash", [`kubectl delete application ${PARENT_APPLICATION} -n argocd`]),
    "",
    "To keep the deployed objects, remove the finalizers from the Applications first.",
    "",
  );
  return lines.join("\n");
}
