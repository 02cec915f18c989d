/** README.md of a helmfile bundle: what is in it, the releases and their order, and the helmfile steps. */
import type { BundlePlan } from "../../bundle-plan.ts";
import { cell, codeBlock, constraintLines, dynamicValuesLines, environmentLines, notesLines, versionLines } from "../../readme-sections.ts";
import { RELEASE_TIMEOUT_SECONDS } from "../../release-timing.ts";
import type { HelmfileDocument } from "./schema.ts";

function dynamicLines(plan: BundlePlan): string[] {
  return dynamicValuesLines(plan.folders, (f) => f, (f) => f.dir, "cluster-values.yaml", [
    "These paths were declared dynamic when the bundle was built: they are not in `values.yaml`. Fill them in",
    "for the target cluster before `helmfile apply` (helmfile passes these files after `values.yaml`):",
  ]);
}

export function helmfileReadme(plan: BundlePlan, doc: HelmfileDocument): string {
  const byName = new Map(doc.releases.map((r) => [r.name, r]));
  const rows = plan.folders.map((f) => {
    const r = byName.get(f.release);
    const chart = f.kind === "local-helm" ? `local chart \`./${f.dir}\`` : `\`${r?.chart ?? ""}\``;
    return `| \`${f.dir}\` | ${f.release} | ${f.namespace} | ${chart} | ${cell(r?.version ?? "-")} | ${(r?.needs ?? []).join(", ") || "-"} |`;
  });
  const asyncReleases: string[] = [];
  let longest = 0;
  for (const r of doc.releases) {
    if (r.wait !== false) continue;
    asyncReleases.push(r.name);
    longest = Math.max(longest, r.timeout ?? RELEASE_TIMEOUT_SECONDS);
  }
  const lines = [
    "# AICR deployment bundle",
    "",
    ...versionLines(plan, "helmfile"),
    "Every component of one AICR recipe as a release of `helmfile.yaml`. Each numbered folder holds one",
    "release's values (`values.yaml`, and `cluster-values.yaml` for values supplied per cluster); folders with",
    "a `Chart.yaml` are local charts carrying the component's rendered manifests. `checksums.txt` lists the",
    "SHA-256 digest of every other file (check it with `aicr verify <this directory>`).",
    "",
    ...environmentLines(plan),
    "## Releases",
    "",
    "`needs` follows the recipe's component dependencies: helmfile installs a release only after the releases",
    "it needs, and releases with nothing between them in parallel. A component's raw manifests (`-post`) are",
    "installed after its chart.",
    "",
    "| Folder | Release | Namespace | Chart | Version | Needs |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    ...constraintLines(plan),
    ...notesLines(plan),
    "## Deploy",
    "",
    "Requirements: `helmfile` (v1), `helm` (v3) with the `helm-diff` plugin, and `kubectl`, configured for the",
    "target cluster. Run every command from this directory.",
    "",
    ...dynamicLines(plan),
    ...codeBlock("bash", [
      "helmfile diff     # preview what would change",
      "helmfile apply    # install or upgrade every release, in dependency order",
      "helmfile sync     # install or upgrade without the diff step",
    ]),
    "",
    `Each release is waited for (up to ${RELEASE_TIMEOUT_SECONDS / 60} minutes) and its namespace is created when missing.`,
  ];
  if (asyncReleases.length > 0) {
    lines.push(
      `Not waited for (their operators reconcile custom resources asynchronously; timeout ${longest / 60} minutes): ${asyncReleases.join(", ")}.`,
    );
  }
  lines.push(
    "",
    "Releases with `disableValidation: true` (local charts, and charts that create custom resources of their",
    "own CRDs) are diffed without checking their kinds against the cluster, so a first `helmfile diff` works",
    "before those CRDs exist.",
    "",
    "Installed is not the same as ready: node tuning, GPU operator operands and the DRA kubelet plugin",
    "registration continue in the background after helmfile ends.",
    "",
    "## Undeploy",
    "",
    ...codeBlock("bash", ["helmfile destroy  # uninstall every release, dependents first"]),
    "",
    "Helm keeps CRDs and PersistentVolumeClaims; delete them by hand when they are no longer wanted.",
    "",
  );
  return lines.join("\n");
}
