/**
 * Where documents come from and go to: local files, http(s) URLs, and Kubernetes ConfigMaps
 * (`cm://namespace/name`, through the agent's Kubernetes client, loaded only when used).
 */
import { invalid } from "../core/errors.ts";
import { readInput, writeOutput } from "./io.ts";

export const isConfigMap = (s: string | undefined): boolean => (s ?? "").trim().startsWith("cm://");

export interface SourceText {
  text: string;
  /** A name whose suffix tells the format (`cm://ns/name/snapshot.yaml` for ConfigMaps). */
  name: string;
}

async function client(kubeconfig: string | undefined) {
  const { createKubeClient } = await import("../agent/kube/client.ts");
  return createKubeClient(kubeconfig ? { kubeconfig } : {});
}

/** Read a document: file, URL or ConfigMap. */
export async function readSource(source: string, what: string, opts: { kubeconfig?: string } = {}): Promise<SourceText> {
  const s = source.trim();
  if (isConfigMap(s)) {
    const { readConfigMapDocument } = await import("../agent/kube/configmap.ts");
    const doc = await readConfigMapDocument(await client(opts.kubeconfig), s);
    if (doc.format !== "yaml" && doc.format !== "json") {
      throw invalid(`cannot read ${what} from ${s}: it holds ${doc.format} output, which is not a document (write it again with -t yaml or -t json)`);
    }
    return { text: doc.text, name: doc.source };
  }
  const input = await readInput(s, `${what} file`);
  return { text: input.text, name: s };
}

export interface OutputDocument {
  /** Text for stdout and files. */
  text: string;
  /** Text for a ConfigMap payload (4-space YAML, JSON without the trailing newline). */
  configMapText: string;
  format: "yaml" | "json" | "table";
  /** Document kind, recorded as a ConfigMap label (Snapshot, RecipeResult, ...). */
  kind: string;
}

/** Before any work: a ConfigMap destination must be a valid URI with a cluster to reach (fails fast). */
export async function checkDestination(dest: string | undefined, opts: { kubeconfig?: string } = {}): Promise<void> {
  if (!isConfigMap(dest)) return;
  const { parseConfigMapUri } = await import("../agent/kube/configmap.ts");
  parseConfigMapUri((dest as string).trim());
  await client(opts.kubeconfig);
}

/** Write a document to stdout, a file (atomically) or a ConfigMap (server-side apply). */
export async function writeDocument(dest: string | undefined, doc: OutputDocument, opts: { kubeconfig?: string; version: string }): Promise<void> {
  if (isConfigMap(dest)) {
    const { writeConfigMapDocument } = await import("../agent/kube/configmap.ts");
    await writeConfigMapDocument(await client(opts.kubeconfig), (dest as string).trim(), {
      content: doc.configMapText,
      format: doc.format,
      kind: doc.kind,
      version: opts.version,
    });
    return;
  }
  await writeOutput(dest, doc.text);
}
