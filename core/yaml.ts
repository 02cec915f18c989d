/**
 * The one place that owns YAML and JSON settings: how documents are read (with file, line and
 * column in every error, raw text kept for typed string fields) and how they are written
 * (deterministic key order, Go-compatible quoting and JSON escaping).
 */
import { Document, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type Node } from "yaml";
import { invalid } from "./errors.ts";

export type YamlPath = readonly (string | number)[];

/** Which parts of a document are free-form (Helm values, overrides): they keep YAML types. */
export type FreeFormPredicate = (path: YamlPath) => boolean;

export interface ParsedYaml {
  /** The decoded value. Outside free-form parts, plain scalars that YAML would type as a number or boolean
   *  keep their source text (`version: 1.10` stays "1.10"), as typed string fields require. */
  readonly value: unknown;
  /** Line and column (1-based) of the node at a path, for error messages; undefined when unknown. */
  position(path: YamlPath): { line: number; col: number } | undefined;
}

const allFree: FreeFormPredicate = () => true;

function positionOf(doc: Document, lc: LineCounter, path: YamlPath) {
  let node: unknown = doc.contents;
  let last: unknown = node;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(key));
      last = pair?.key ?? last;
      node = pair?.value;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key];
    } else {
      node = undefined;
    }
    if (node === undefined || node === null) break;
    last = node;
  }
  const range = (last as Node | undefined)?.range;
  if (!range) return undefined;
  return lc.linePos(range[0]);
}

/** Replace number/boolean scalars outside free-form parts by their source text. */
function keepRawText(typed: unknown, raw: unknown, free: FreeFormPredicate, path: (string | number)[]): unknown {
  if (free(path)) return typed;
  if (Array.isArray(typed)) {
    const rawArr = Array.isArray(raw) ? raw : [];
    return typed.map((v, i) => keepRawText(v, rawArr[i], free, [...path, i]));
  }
  if (typed !== null && typeof typed === "object") {
    const rawObj = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(typed)) out[k] = keepRawText(v, rawObj[k], free, [...path, k]);
    return out;
  }
  if ((typeof typed === "number" || typeof typed === "boolean") && typeof raw === "string") return raw;
  return typed;
}

/**
 * Parse the first YAML document of `text`. Syntax errors and duplicate keys are all reported at once,
 * each as `file:line:col: message`, in one INVALID_REQUEST error.
 */
export function parseYaml(text: string, file: string, freeForm: FreeFormPredicate = allFree): ParsedYaml {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, merge: true, prettyErrors: true, version: "1.2" });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      const msg = (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
      return `${where}: ${msg}`;
    });
    throw invalid(`malformed YAML in ${lines[0]}`, undefined, lines.length > 1 ? lines : []);
  }
  const typed = doc.toJS({ maxAliasCount: 1000 }) ?? null;
  let value = typed;
  if (freeForm !== allFree) {
    const rawDoc = parseDocument(text, { schema: "failsafe", merge: true, uniqueKeys: false });
    value = keepRawText(typed, rawDoc.toJS({ maxAliasCount: 1000 }), freeForm, []);
  }
  return { value, position: (path) => positionOf(doc, lc, path) };
}

/** JSON input with the same error style as YAML (file:line:col). */
export function parseJson(text: string, file: string): ParsedYaml {
  try {
    return { value: JSON.parse(text), position: () => undefined };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /position (\d+)/.exec(msg);
    let where = file;
    if (m) {
      const offset = Number(m[1]);
      const before = text.slice(0, offset).split("\n");
      where = `${file}:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
    }
    throw invalid(`malformed JSON in ${where}: ${msg}`);
  }
}

/** Parse by file name: `.json` is JSON, everything else YAML. */
export function parseByName(text: string, file: string, freeForm?: FreeFormPredicate): ParsedYaml {
  return /\.json$/i.test(file.split(/[?#]/)[0] ?? file) ? parseJson(text, file) : parseYaml(text, file, freeForm);
}

// ---------------------------------------------------------------------------------------------
// Output

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/**
 * The key order upstream's YAML writer uses for free-form maps: letters by code point, digit runs by
 * numeric value (`a2 < a10`), non-letters before letters unless they follow a digit.
 */
export function naturalCompare(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  let prevDigit = false;
  let i = 0;
  for (; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      prevDigit = isDigit(ar[i]);
      continue;
    }
    const ca = ar[i] as string;
    const cb = br[i] as string;
    const la = isLetter(ca);
    const lb = isLetter(cb);
    if (la && lb) return ca < cb ? -1 : 1;
    if (la || lb) {
      if (prevDigit) return la ? -1 : 1;
      return la ? 1 : -1;
    }
    // Neither is a letter: compare the digit runs that start here.
    let nonZeroBefore = false;
    for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) if (ar[j] !== "0") nonZeroBefore = true;
    const start = (ca === "0" || cb === "0") && nonZeroBefore ? 1 : 0;
    let na = start;
    let nb = start;
    let ja = i;
    let jb = i;
    while (isDigit(ar[ja])) na = na * 10 + Number(ar[ja++]);
    while (isDigit(br[jb])) nb = nb * 10 + Number(br[jb++]);
    if (na !== nb) return na < nb ? -1 : 1;
    if (ja - i !== jb - i) return ja - i < jb - i ? -1 : 1;
    return ca < cb ? -1 : 1;
  }
  return ar.length === br.length ? 0 : ar.length < br.length ? -1 : 1;
}

export const byteCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export type KeyOrder = "natural" | "byte";

/** A deep copy of a free-form value with every map's keys sorted. */
export function sortKeysDeep(value: unknown, order: KeyOrder): unknown {
  const cmp = order === "natural" ? naturalCompare : byteCompare;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort(cmp)) out[k] = walk((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return walk(value);
}

/** Strings a YAML 1.1 reader (Go, Python) would take for a non-string: always quoted on output. */
const yaml11Ambiguous =
  /^(?:|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?0x[0-9a-fA-F_]+|[-+]?0o[0-7]+|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?0[0-7_]+|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?|\d{4}-\d\d?-\d\d?.*)$/;

export interface YamlWriteOptions {
  /** Spaces per level: 2 for documents, 4 for `query` values and ConfigMap payloads. */
  indent?: number;
}

/** YAML text of a value whose key order is already final. Ends with a newline; no `---` marker. */
export function stringifyYaml(value: unknown, opts: YamlWriteOptions = {}): string {
  const doc = new Document(value, { version: "1.2" });
  visit(doc, {
    Scalar(key, node) {
      if (key === "key") return;
      if (typeof node.value === "string" && yaml11Ambiguous.test(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return doc.toString({
    indent: opts.indent ?? 2,
    indentSeq: true,
    lineWidth: 0,
    minContentWidth: 0,
    singleQuote: true,
    nullStr: "null",
    flowCollectionPadding: false,
  });
}

/** JSON as Go's encoder writes it: 2-space indent, `<`, `>`, `&`, U+2028 and U+2029 escaped, newline at the end. */
export function stringifyJson(value: unknown, opts: { trailingNewline?: boolean } = {}): string {
  const text = JSON.stringify(value, null, 2)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return opts.trailingNewline === false ? text : `${text}\n`;
}
