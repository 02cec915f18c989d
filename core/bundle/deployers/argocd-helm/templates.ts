/**
 * The Helm templates of an argocd-helm bundle. `aicr-stack.yaml` is the parent Application: it points Argo
 * CD at this chart (wherever it was published, from `.Values.repoURL`) and passes the install-time values
 * on, so Argo CD renders the chart again and creates the children. Each child keeps its folder's sync wave.
 * An upstream chart's child is a single source whose Helm values are the component's static values
 * (`static/<component>.yaml`) with `.Values.<key>` merged over them; a local chart's child is fetched by
 * path from the published chart.
 */
import { internal } from "../../../errors.ts";
import type { BundleFolder } from "../../bundle-plan.ts";
import type { Values } from "../../value-path.ts";
import { application, ARGOCD_NAMESPACE, CHILD_SYNC_OPTIONS, syncWave, upstreamChartSource } from "../argocd/application.ts";
import { goString, HelmTemplate } from "./helm-template.ts";
import { overrideKeyOf, REPO_URL_KEY, staticValuesPath, TARGET_REVISION_KEY } from "./values.ts";

export const TEMPLATES_DIR = "templates";
export const HELPERS_FILE = "_helpers.tpl";
/** Name of the parent Application (and of its template file). */
export const PARENT_APPLICATION = "aicr-stack";

const REPO_URL_DEFINE = "aicr-bundle.repoURL";
const TARGET_REVISION_DEFINE = "aicr-bundle.targetRevision";

/**
 * Named templates. repoURL: an `oci://` URL is the registry namespace the chart was pushed to, so the
 * chart name is appended (unless already there) for Argo CD's native OCI source; any other URL is a Git
 * repository holding the bundle at its root.
 */
export const helpersTemplate = `{{/*
Where Argo CD fetches this chart (the parent Application and the children deployed by path).
*/}}
{{- define "${REPO_URL_DEFINE}" -}}
{{- $url := required "repoURL is required: set it to where this chart is published, e.g. --set ${REPO_URL_KEY}=oci://<registry>/<namespace>" .Values.${REPO_URL_KEY} | trimSuffix "/" -}}
{{- if and (hasPrefix "oci://" $url) (not (hasSuffix (printf "/%s" .Chart.Name) $url)) -}}
{{- printf "%s/%s" $url .Chart.Name -}}
{{- else -}}
{{- $url -}}
{{- end -}}
{{- end -}}

{{/*
The revision Argo CD deploys: targetRevision, else this chart's version.
*/}}
{{- define "${TARGET_REVISION_DEFINE}" -}}
{{- .Values.${TARGET_REVISION_KEY} | default .Chart.Version -}}
{{- end -}}
`;

const repoURLExpr = `{{ include ${goString(REPO_URL_DEFINE)} . | quote }}`;
const targetRevisionExpr = `{{ include ${goString(TARGET_REVISION_DEFINE)} . | quote }}`;

/** The source fields pointing at a path of the published chart. */
function bundlePathSource(t: HelmTemplate, path: string): Values {
  return { repoURL: t.inline(repoURLExpr), targetRevision: t.inline(targetRevisionExpr), path };
}

export function parentTemplate(): string {
  const t = new HelmTemplate();
  const source = bundlePathSource(t, ".");
  source["helm"] = { valuesObject: t.block({ style: "map", lines: (col) => [`{{- toYaml .Values | nindent ${col} }}`] }) };
  return t.render(application({ name: PARENT_APPLICATION, destinationNamespace: ARGOCD_NAMESPACE, source, syncOptions: CHILD_SYNC_OPTIONS }));
}

/** `.Values.<key>` as a map (empty when unset). */
const overridesExpr = (key: string) => `(index .Values ${goString(key)} | default dict)`;

export function childTemplate(folder: BundleFolder): string {
  const t = new HelmTemplate();
  const key = overrideKeyOf(folder.component);
  let source: Values;
  if (folder.kind === "local-helm") {
    source = bundlePathSource(t, folder.dir);
    if (key !== undefined) {
      source["helm"] = { values: t.block({ style: "literal", lines: (col) => [`{{- ${overridesExpr(key)} | toYaml | nindent ${col} }}`] }) };
    }
  } else {
    const chart = folder.component.chart;
    if (!chart) throw internal(`folder ${folder.dir} is an upstream chart folder without a chart`);
    const merged = key === undefined ? "$static" : `mergeOverwrite $static ${overridesExpr(key)}`;
    source = {
      ...upstreamChartSource(chart),
      helm: {
        values: t.block({
          style: "literal",
          lines: (col) => [
            `{{- $static := .Files.Get ${goString(staticValuesPath(folder.component))} | fromYaml | default dict }}`,
            `{{- ${merged} | toYaml | nindent ${col} }}`,
          ],
        }),
      },
    };
  }
  return t.render(
    application({ name: folder.release, destinationNamespace: folder.namespace, wave: syncWave(folder), source, syncOptions: CHILD_SYNC_OPTIONS }),
  );
}

/** Template file of a folder's child. */
export const childTemplatePath = (folder: BundleFolder): string => `${TEMPLATES_DIR}/${folder.release}.yaml`;
