/**
 * Rendered manifests become plain resources of a local chart whose folder number sets the order, so Helm
 * hook annotations for install/upgrade phases are removed (other phases such as `pre-delete` stay). When
 * the hook annotation goes, its `hook-weight` and `hook-delete-policy` go with it. Only the affected lines
 * change; comments and layout elsewhere are kept.
 */
import type { Document, Pair, YAMLMap } from "yaml";
import { invalid } from "../errors.ts";

/** The `yaml` package (only for the rare manifests the fast path cannot edit). */
const yamlLib = (): typeof import("yaml") => require("yaml") as typeof import("yaml");
const isMap = (n: unknown): n is YAMLMap => yamlLib().isMap(n);
const isScalar = (n: unknown) => yamlLib().isScalar(n);

export const HOOK = "helm.sh/hook";
export const HOOK_COMPANIONS = ["helm.sh/hook-weight", "helm.sh/hook-delete-policy"];
/** Hook phases that folder ordering replaces. */
export const syncHookPhases = new Set(["pre-install", "post-install", "pre-upgrade", "post-upgrade"]);

interface Edit {
  start: number;
  end: number;
  text: string;
}

const keyOf = (p: Pair) => (isScalar(p.key) ? String(p.key.value) : String(p.key));

/** Offsets of the whole lines spanning [from, to). */
function lineSpan(src: string, from: number, to: number): [number, number] {
  const start = src.lastIndexOf("\n", from - 1) + 1;
  const nl = src.indexOf("\n", Math.max(to - 1, from));
  return [start, nl < 0 ? src.length : nl + 1];
}

function pairRange(p: Pair): [number, number] | undefined {
  const k = (p.key as { range?: [number, number, number] } | null)?.range;
  const v = (p.value as { range?: [number, number, number] } | null)?.range;
  if (!k) return undefined;
  return [k[0], v ? v[1] : k[1]];
}

/** Edits for one document's `metadata.annotations`, or undefined when the map cannot be edited by lines. */
function editsFor(src: string, doc: Document): Edit[] | undefined {
  const root = doc.contents;
  if (!isMap(root)) return [];
  const meta = root.get("metadata", true);
  if (!isMap(meta)) return [];
  const ann = meta.get("annotations", true) as YAMLMap | undefined;
  if (!isMap(ann)) return [];
  const pairs = ann.items as Pair[];
  const hookPair = pairs.find((p) => keyOf(p) === HOOK);
  if (!hookPair) return [];
  const phases = String(isScalar(hookPair.value) ? hookPair.value.value : "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const kept = phases.filter((p) => !syncHookPhases.has(p));
  if (kept.length === phases.length) return [];
  if (ann.flow) return undefined;

  const edits: Edit[] = [];
  if (kept.length > 0) {
    const r = (hookPair.value as { range?: [number, number, number] }).range;
    if (!r) return undefined;
    edits.push({ start: r[0], end: r[1], text: kept.join(",") });
    return edits;
  }
  const remove = pairs.filter((p) => keyOf(p) === HOOK || HOOK_COMPANIONS.includes(keyOf(p)));
  const annPair = (meta.items as Pair[]).find((p) => keyOf(p) === "annotations");
  const targets = remove.length === pairs.length && annPair ? [annPair] : remove;
  for (const p of targets) {
    const r = pairRange(p);
    if (!r) return undefined;
    const [start, end] = lineSpan(src, r[0], r[1]);
    edits.push({ start, end, text: "" });
  }
  return edits;
}

export interface StrippedManifest {
  text: string;
  /** False when no document holds an object (only blanks, comments and `---`). */
  hasObjects: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** The document texts of a YAML stream, split at `---` marker lines (column 0). */
function splitDocuments(src: string): { docs: string[]; markers: string[] } {
  const docs: string[] = [];
  const markers: string[] = [];
  let start = 0; // where the current document's text starts
  for (let at = 0; at <= src.length; ) {
    let end = src.indexOf("\n", at);
    if (end < 0) end = src.length;
    if (src.startsWith("---", at) && /^---(\s.*)?$/.test(src.slice(at, end))) {
      docs.push(src.slice(start, Math.max(start, at - 1)));
      markers.push(src.slice(at, end));
      start = end + 1;
    }
    at = end + 1;
  }
  docs.push(start <= src.length ? src.slice(start) : "");
  return { docs, markers };
}

/** The annotations a document should end up with, or undefined when nothing changes. */
function strippedAnnotations(obj: Obj): Obj | null | undefined {
  const meta = obj["metadata"];
  if (!isObj(meta) || !isObj(meta["annotations"])) return undefined;
  const ann = meta["annotations"];
  const hook = ann[HOOK];
  if (hook === undefined) return undefined;
  const phases: string[] = [];
  const kept: string[] = [];
  for (const part of String(hook).split(",")) {
    const ph = part.trim();
    if (ph === "") continue;
    phases.push(ph);
    if (!syncHookPhases.has(ph)) kept.push(ph);
  }
  if (kept.length === phases.length) return undefined;
  const next: Obj = { ...ann };
  if (kept.length > 0) next[HOOK] = kept.join(",");
  else for (const k of [HOOK, ...HOOK_COMPANIONS]) delete next[k];
  return Object.keys(next).length > 0 ? next : null;
}

/** `  helm.sh/hook: …` lines of each key (the key optionally quoted): indentation, quote, value. */
const keyLines: Record<string, RegExp> = {
  "helm.sh/hook": /^(\s+)(["']?)helm\.sh\/hook\2\s*:(.*)$/,
  "helm.sh/hook-weight": /^(\s+)(["']?)helm\.sh\/hook-weight\2\s*:(.*)$/,
  "helm.sh/hook-delete-policy": /^(\s+)(["']?)helm\.sh\/hook-delete-policy\2\s*:(.*)$/,
};
export const keyLine = (key: string): RegExp => keyLines[key] as RegExp;

/** Edit one document's text by lines; the caller verifies the result. */
function editDocumentLines(text: string, want: Obj | null, keptHook: string | undefined): string | undefined {
  const lines = text.split("\n");
  // Every line that can matter names the hook key (the companions' keys start with it too).
  const candidates: number[] = [];
  for (let i = 0; i < lines.length; i++) if ((lines[i] as string).includes(HOOK)) candidates.push(i);
  const hookLines: number[] = [];
  for (const i of candidates) if (keyLine(HOOK).test(lines[i] as string)) hookLines.push(i);
  if (hookLines.length !== 1) return undefined;
  const hookIdx = hookLines[0] as number;
  const indent = (keyLine(HOOK).exec(lines[hookIdx] as string) as RegExpExecArray)[1] as string;
  if (keptHook !== undefined) {
    lines[hookIdx] = `${indent}${HOOK}: ${keptHook}`;
    return lines.join("\n");
  }
  const drop = new Set<number>([hookIdx]);
  for (const k of HOOK_COMPANIONS) {
    for (const i of candidates) {
      const m = keyLine(k).exec(lines[i] as string);
      if (m && m[1] === indent) drop.add(i);
    }
  }
  if (want === null) {
    // The annotations map empties: drop its key line, the nearest shallower `annotations:` above.
    for (let i = hookIdx - 1; i >= 0; i--) {
      const m = /^(\s*)annotations:\s*$/.exec(lines[i] as string);
      if (m && (m[1] as string).length < indent.length) {
        drop.add(i);
        break;
      }
      if (i === 0) return undefined;
    }
  }
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) if (!drop.has(i)) out.push(lines[i] as string);
  return out.join("\n");
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Fast path on Bun's native YAML parser: validates every document and strips hooks by editing lines,
 * checking each edit by parsing the result. Undefined when a document needs the full YAML library.
 */
function stripFast(src: string, name: string): StrippedManifest | undefined {
  const { docs, markers } = splitDocuments(src);
  let hasObjects = false;
  const outDocs: string[] = [];
  for (const [i, text] of docs.entries()) {
    let obj: unknown;
    try {
      obj = Bun.YAML.parse(text);
    } catch {
      return undefined;
    }
    if (Array.isArray(obj) && /^---/m.test(text)) return undefined;
    if (obj === null || obj === undefined) {
      outDocs.push(text);
      continue;
    }
    if (!isObj(obj)) throw invalid(`rendered manifest ${name}: document ${i + 1} is not a Kubernetes object (not a mapping)`);
    if (typeof obj["apiVersion"] !== "string" || typeof obj["kind"] !== "string") {
      throw invalid(`rendered manifest ${name}: document ${i + 1} has no apiVersion or kind`);
    }
    hasObjects = true;
    const want = strippedAnnotations(obj);
    if (want === undefined) {
      outDocs.push(text);
      continue;
    }
    const keptHook = want !== null && want[HOOK] !== undefined ? String(want[HOOK]) : undefined;
    const edited = editDocumentLines(text, want, keptHook);
    if (edited === undefined) return undefined;
    const meta = obj["metadata"] as Obj;
    const expected: Obj = { ...obj, metadata: { ...meta } };
    if (want === null) delete (expected["metadata"] as Obj)["annotations"];
    else (expected["metadata"] as Obj)["annotations"] = want;
    let check: unknown;
    try {
      check = Bun.YAML.parse(edited);
    } catch {
      return undefined;
    }
    if (!sameJson(check, expected)) return undefined;
    outDocs.push(edited);
  }
  // Re-join with the original markers.
  let text = outDocs[0] ?? "";
  for (let i = 0; i < markers.length; i++) text += `\n${markers[i]}\n${outDocs[i + 1] ?? ""}`;
  return { text, hasObjects };
}

/** Strip install/upgrade hook annotations; `name` is used in error messages. */
export function stripSyncHooks(src: string, name: string): StrippedManifest {
  return stripFast(src, name) ?? stripWithYamlLibrary(src, name);
}

function stripWithYamlLibrary(src: string, name: string): StrippedManifest {
  const docs = yamlLib().parseAllDocuments(src);
  if (!Array.isArray(docs)) return { text: src, hasObjects: false };
  const edits: Edit[] = [];
  let hasObjects = false;
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) {
      throw invalid(`rendered manifest ${name} is not valid YAML (document ${i + 1}): ${(doc.errors[0]?.message ?? "").split("\n")[0]}`);
    }
    const c = doc.contents;
    if (c === null || (isScalar(c) && c.value === null)) return;
    if (!isMap(c)) throw invalid(`rendered manifest ${name}: document ${i + 1} is not a Kubernetes object (not a mapping)`);
    const js = doc.toJS() as Record<string, unknown>;
    if (typeof js["apiVersion"] !== "string" || typeof js["kind"] !== "string") {
      throw invalid(`rendered manifest ${name}: document ${i + 1} has no apiVersion or kind`);
    }
    hasObjects = true;
    const e = editsFor(src, doc);
    if (e === undefined) throw invalid(`rendered manifest ${name}: cannot remove Helm hook annotations from a flow-style map (document ${i + 1})`);
    edits.push(...e);
  });
  let text = src;
  for (const e of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return { text, hasObjects };
}
