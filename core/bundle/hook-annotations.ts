/**
 * Rendered manifests become plain resources of a local chart whose folder number sets the order, so Helm
 * hook annotations for install/upgrade phases are removed (other phases such as `pre-delete` stay). When
 * the hook annotation goes, its `hook-weight` and `hook-delete-policy` go with it. Only the affected lines
 * change; comments and layout elsewhere are kept.
 */
import { isMap, isScalar, parseAllDocuments, type Document, type Pair, type YAMLMap } from "yaml";
import { invalid } from "../errors.ts";

const HOOK = "helm.sh/hook";
const HOOK_COMPANIONS = ["helm.sh/hook-weight", "helm.sh/hook-delete-policy"];
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

/** Strip install/upgrade hook annotations; `name` is used in error messages. */
export function stripSyncHooks(src: string, name: string): StrippedManifest {
  const docs = parseAllDocuments(src);
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
