/**
 * Documents kept in ConfigMaps (`cm://namespace/name`): parsing the URI, writing a serialised
 * document with server-side apply (data keys `snapshot.<ext>`, `format`, `timestamp`) and reading
 * it back. A document too large for a ConfigMap is stored gzip-compressed in `binaryData`
 * (`snapshot.<ext>.gz`, annotated) and decompressed on read: never truncated.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { AicrError, ErrorCode, invalid } from "../../core/errors.ts";
import type { CallOptions, KubeClient, KubeObject } from "./client.ts";
import { ConfigMaps } from "./paths.ts";

export const CM_SCHEME = "cm://";
/** Time allowed for writing or reading a ConfigMap document. */
export const DEFAULT_CONFIGMAP_TIMEOUT_MS = 30_000;
/** What the API server accepts in one ConfigMap: keys plus values of data and binaryData. */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;
/** Largest document accepted when decompressing one (guards against gzip bombs). */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;
/** Annotation telling how the document is encoded when it is not plain text in `data`. */
export const CONTENT_ENCODING_ANNOTATION = "aicr.nvidia.com/content-encoding";
/** Label (and annotation, for names a label cannot hold) naming the node a snapshot was taken on. */
export const SOURCE_NODE_LABEL = "aicr.nvidia.com/source-node";

export type DocumentFormat = "yaml" | "json" | "table";

export interface ConfigMapRef {
  namespace: string;
  name: string;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const isConfigMapUri = (s: string | undefined): boolean => (s ?? "").trim().startsWith(CM_SCHEME);

/** `cm://namespace/name` → its parts (trimmed). INVALID_REQUEST when malformed, naming what is wrong. */
export function parseConfigMapUri(uri: string): ConfigMapRef {
  const s = uri.trim();
  const usage = `expected ${CM_SCHEME}<namespace>/<name>`;
  if (!s.startsWith(CM_SCHEME)) throw invalid(`invalid ConfigMap URI "${uri}": ${usage}`);
  const rest = s.slice(CM_SCHEME.length);
  const slash = rest.indexOf("/");
  if (slash < 0) throw invalid(`invalid ConfigMap URI "${uri}": missing "/" between namespace and name (${usage})`);
  const namespace = rest.slice(0, slash).trim();
  const name = rest.slice(slash + 1).trim();
  if (namespace === "") throw invalid(`invalid ConfigMap URI "${uri}": the namespace is empty (${usage})`);
  if (name === "") throw invalid(`invalid ConfigMap URI "${uri}": the name is empty (${usage})`);
  if (namespace.length > 63 || !dnsLabel.test(namespace)) {
    throw invalid(`invalid ConfigMap URI "${uri}": namespace "${namespace}" is not a valid namespace name (lower-case letters, digits and "-", at most 63 characters)`);
  }
  if (name.length > 253 || !dnsSubdomain.test(name)) {
    throw invalid(`invalid ConfigMap URI "${uri}": name "${name}" is not a valid ConfigMap name (lower-case letters, digits, "-" and ".", at most 253 characters)`);
  }
  return { namespace, name };
}

export const formatConfigMapUri = (ref: ConfigMapRef): string => `${CM_SCHEME}${ref.namespace}/${ref.name}`;

const extOf = (f: DocumentFormat | string) => (f === "table" ? "txt" : f);
const rfc3339Seconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const sizeOf = (m: Record<string, string>) => Object.entries(m).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

export interface WriteDocumentOptions extends CallOptions {
  /** The document, already serialised in `format`. */
  content: string;
  format: DocumentFormat;
  /** Document kind, recorded in app.kubernetes.io/component ("Snapshot" → "snapshot", "RecipeResult" → "recipe"). */
  kind: string;
  /** Version of the program that made the document (app.kubernetes.io/version). */
  version: string;
  /** Node the document describes, recorded as a label when given. */
  nodeName?: string;
  /** Time of the write (default: now). */
  now?: Date;
  fieldManager?: string;
}

export interface WriteResult {
  ref: ConfigMapRef;
  /** The document was stored gzip-compressed in binaryData. */
  compressed: boolean;
  /** Bytes the ConfigMap's data and binaryData take. */
  bytes: number;
}

/** The ConfigMap object that holds a document (what `writeConfigMapDocument` applies). */
export function configMapForDocument(ref: ConfigMapRef, opts: WriteDocumentOptions): { object: KubeObject; compressed: boolean; bytes: number } {
  // "Snapshot" → "snapshot", "RecipeResult" → "recipe".
  const component = opts.kind.trim().replace(/Result$/, "").toLowerCase();
  if (!labelValue.test(component) || component === "" || component.length > 63) throw invalid(`document kind "${opts.kind}" cannot be used as a label value`);
  const version = opts.version.trim();
  if (version === "" || version.length > 63 || !labelValue.test(version)) throw invalid(`version "${opts.version}" cannot be used as a label value`);
  const labels: Record<string, string> = {
    "app.kubernetes.io/name": "aicr",
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/version": version,
  };
  const annotations: Record<string, string> = {};
  const node = opts.nodeName?.trim();
  if (node) {
    if (node.length <= 63 && labelValue.test(node)) labels[SOURCE_NODE_LABEL] = node;
    annotations[SOURCE_NODE_LABEL] = node;
  }
  const key = `snapshot.${extOf(opts.format)}`;
  const meta = { format: opts.format, timestamp: rfc3339Seconds(opts.now ?? new Date()) };
  const plain = { [key]: opts.content, ...meta };
  const object: KubeObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: ref.name, namespace: ref.namespace, labels, ...(Object.keys(annotations).length ? { annotations } : {}) },
  };
  const plainBytes = sizeOf(plain);
  if (plainBytes <= MAX_CONFIGMAP_BYTES) {
    object["data"] = plain;
    return { object, compressed: false, bytes: plainBytes };
  }
  const gz = gzipSync(Buffer.from(opts.content, "utf8"), { level: 9 });
  const gzKey = `${key}.gz`;
  const bytes = sizeOf(meta) + Buffer.byteLength(gzKey) + gz.length;
  if (bytes > MAX_CONFIGMAP_BYTES) {
    throw invalid(
      `the document is too large for ConfigMap ${ref.namespace}/${ref.name}: ${plainBytes} bytes, still ${bytes} bytes gzip-compressed (a ConfigMap holds at most ${MAX_CONFIGMAP_BYTES}); write it to a file instead`,
    );
  }
  object.metadata!.annotations = { ...annotations, [CONTENT_ENCODING_ANNOTATION]: "gzip" };
  object["data"] = meta;
  object["binaryData"] = { [gzKey]: gz.toString("base64") };
  return { object, compressed: true, bytes };
}

/** Write a serialised document to `cm://namespace/name` with server-side apply (field manager aicr, forced). */
export async function writeConfigMapDocument(client: KubeClient, uri: string, opts: WriteDocumentOptions): Promise<WriteResult> {
  const ref = parseConfigMapUri(uri);
  const { object, compressed, bytes } = configMapForDocument(ref, opts);
  try {
    await client.apply(ConfigMaps, object, {
      namespace: ref.namespace,
      fieldManager: opts.fieldManager ?? "aicr",
      force: true,
      timeoutMs: opts.timeoutMs ?? DEFAULT_CONFIGMAP_TIMEOUT_MS,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    const code = err instanceof AicrError ? err.code : ErrorCode.Internal;
    throw new AicrError(code, `cannot write ConfigMap ${ref.namespace}/${ref.name}`, { cause: err });
  }
  return { ref, compressed, bytes };
}

export interface ConfigMapDocument {
  ref: ConfigMapRef;
  /** The document text, decompressed when it was stored compressed. */
  text: string;
  /** "yaml", "json" or "txt" (a table, which cannot be read back into a document). */
  format: string;
  compressed: boolean;
  /** A file-like name for parsers and messages: `cm://ns/name/snapshot.yaml`. */
  source: string;
}

/**
 * Read a document back: format = data.format (default yaml); content = `snapshot.<format>`, else the
 * first of snapshot.yaml, snapshot.json, snapshot.txt, each also looked for gzip-compressed in
 * binaryData. NOT_FOUND when the ConfigMap or its document is missing.
 */
export async function readConfigMapDocument(client: KubeClient, uri: string, opts: CallOptions = {}): Promise<ConfigMapDocument> {
  const ref = parseConfigMapUri(uri);
  let cm: KubeObject;
  try {
    cm = await client.get(ConfigMaps, ref.name, { namespace: ref.namespace, timeoutMs: opts.timeoutMs ?? DEFAULT_CONFIGMAP_TIMEOUT_MS, ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (err) {
    const code = err instanceof AicrError ? err.code : ErrorCode.Internal;
    const msg = code === ErrorCode.NotFound ? `ConfigMap ${ref.namespace}/${ref.name} not found` : `cannot read ConfigMap ${ref.namespace}/${ref.name}`;
    throw new AicrError(code, msg, { cause: err });
  }
  const data = (cm["data"] ?? {}) as Record<string, string>;
  const binary = (cm["binaryData"] ?? {}) as Record<string, string>;
  const declared = typeof data["format"] === "string" && data["format"].trim() !== "" ? data["format"].trim() : "yaml";
  const candidates = [declared, "yaml", "json", "txt"].map(extOf);
  for (const fmt of [...new Set(candidates)]) {
    const key = `snapshot.${fmt}`;
    const base = { ref, format: fmt, source: `${formatConfigMapUri(ref)}/${key}` };
    if (typeof data[key] === "string") return { ...base, text: data[key], compressed: false };
    const gz = binary[`${key}.gz`];
    if (typeof gz === "string") {
      let text: string;
      try {
        text = gunzipSync(Buffer.from(gz, "base64"), { maxOutputLength: MAX_DECOMPRESSED_BYTES }).toString("utf8");
      } catch (err) {
        throw invalid(`ConfigMap ${ref.namespace}/${ref.name}: ${key}.gz is not a readable gzip document (or is larger than ${MAX_DECOMPRESSED_BYTES} bytes)`, err);
      }
      return { ...base, text, compressed: true };
    }
  }
  throw new AicrError(ErrorCode.NotFound, `ConfigMap ${ref.namespace}/${ref.name} has no snapshot data`);
}
