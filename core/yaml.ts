/**
 * The one place that owns YAML and JSON settings: how documents are read (with file, line and
 * column in every error, raw text kept for typed string fields) and how they are written
 * (deterministic key order, Go-compatible quoting and JSON escaping).
 */
import type { Document, LineCounter, Node } from "yaml";
import { invalid } from "./errors.ts";
import { jsonErrorOffset } from "./json-error-offset.ts";
import { readsAsNonString } from "./plain-scalar.ts";

/** The `yaml` package, loaded on first use so that commands which parse no YAML do not pay for it. */
let yamlLib: typeof import("yaml") | undefined;
function lib(): typeof import("yaml") {
  // `require` is what the bundler follows; build-time macros only have `import.meta.require`.
  if (!yamlLib) {
    try {
      yamlLib = require("yaml") as typeof import("yaml");
    } catch {
      yamlLib = import.meta.require("yaml") as typeof import("yaml");
    }
  }
  return yamlLib;
}

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
  const { isMap, isScalar, isSeq } = lib();
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

/** A key (a `#` belongs to it unless a space comes before it), then `:` and the value. */
const blockKey = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[&*!|>%@`,?:-](?:[^#]|(?<=\S)#)*?|[-?:][^\s#](?:[^#]|(?<=\S)#)*?)\s*:(?:\s+(.*))?$/;
const nonSpace = /\S/;

/** Net `[`/`{` nesting a piece of flow text opens (negative when it closes more than it opens). */
function flowDelta(s: string): number {
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 91 || c === 123) d++;
    else if (c === 93 || c === 125) d--;
  }
  return d;
}

/** A `---` or `...` marker line (after `first` spaces, nothing but spaces after it). */
const isMarkerLine = (raw: string, first: number): boolean =>
  (raw.startsWith("---", first) || raw.startsWith("...", first)) && raw.slice(first + 3).trim() === "";

/**
 * Whether a block mapping repeats a key, by scanning lines (block scalars and flow collections are
 * skipped). Used to decide whether the fast parser, which silently keeps the last duplicate, may be
 * trusted; anything it flags goes through the full parser, which reports it with its position.
 */
export function hasDuplicateBlockKey(text: string): boolean {
  const stack: { indent: number; keys: Set<string> }[] = [];
  let scalarParent = -1;
  let flowDepth = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    // A CRLF line without its CR (the key pattern's `.` stops at one).
    const raw = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    const first = raw.search(nonSpace); // -1: a blank line
    if (scalarParent >= 0) {
      if (first < 0 || first > scalarParent) continue;
      scalarParent = -1;
    }
    if (first < 0 || raw.charCodeAt(first) === 35 /* # */ || isMarkerLine(raw, first)) continue;
    if (flowDepth > 0) {
      flowDepth += flowDelta(raw);
      continue;
    }
    let indent = first;
    let rest = raw.slice(indent);
    while (rest.startsWith("- ") || rest === "-") {
      indent += 2;
      rest = rest.slice(2).trimStart();
      while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent >= indent) stack.pop();
      stack.push({ indent, keys: new Set() });
    }
    if (!rest.includes(":")) continue;
    const m = blockKey.exec(rest);
    if (!m) continue;
    let key = m[1] as string;
    if (key.startsWith('"')) key = JSON.parse(key) as string;
    else if (key.startsWith("'")) key = key.slice(1, -1).replace(/''/g, "'");
    while (stack.length > 0 && (stack[stack.length - 1] as { indent: number }).indent > indent) stack.pop();
    let top = stack[stack.length - 1];
    if (!top || top.indent !== indent) {
      top = { indent, keys: new Set() };
      stack.push(top);
    }
    if (key !== "<<") {
      if (top.keys.has(key)) return true;
      top.keys.add(key);
    }
    // The value starts with its first character (the pattern's \s+ takes every space before it).
    const v0 = m[2]?.charCodeAt(0);
    if (v0 === 124 || v0 === 62 /* | > */) {
      if (/^[|>][-+0-9]*$/.test((m[2] as string).replace(/\s+#.*$/, "").trim())) scalarParent = indent;
    } else if (v0 === 91 || v0 === 123 /* [ { */) {
      flowDepth += flowDelta((m[2] as string).replace(/\s+#.*$/, "").trim());
    }
  }
  return false;
}

/**
 * A number or boolean where a typed field expects text (its source text must then be kept). `path` is
 * the current location, extended and restored in place while walking.
 */
function typedScalarOutside(v: unknown, free: FreeFormPredicate, path: (string | number)[]): boolean {
  if (free(path)) return false;
  if (typeof v === "number" || typeof v === "boolean") return true;
  if (v === null || typeof v !== "object") return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      const found = typedScalarOutside(v[i], free, path);
      path.pop();
      if (found) return true;
    }
    return false;
  }
  for (const k in v) {
    path.push(k);
    const found = typedScalarOutside((v as Record<string, unknown>)[k], free, path);
    path.pop();
    if (found) return true;
  }
  return false;
}

/**
 * What the key count below cannot see through: flow collections with content, explicit keys, anchors,
 * aliases, tags, merge keys, a line starting with `:`, a `-` key.
 */
const uncountable = /\{(?!\})|\[(?!\])|[&*!?]|<<|^[ \t]*:|^[ \t]*(?:-[ \t]+)*-:/m;
/** A mapping entry's line: its key (after any `- ` items), then `:` and a space, a tab or the line end. */
const entryLine =
  /^[ \t]*(?:-[ \t]+)*(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|(?:[^\s#'"{}[\]&*!|>%@`,?:-]|[-?:][^\s#])(?:[^\n#]|(?<=\S)#)*?)[ \t]*:(?:[ \t\r]|$)/gm;
/** A key in JSON text: `":` closing a string (a quote not escaped by an odd run of backslashes). */
const jsonKey = /(?<!\\)(?:\\\\)*":/g;

/**
 * True when `text` certainly repeats no key, decided by native pattern matching: in block-style YAML
 * without the constructs `uncountable` names, every mapping entry is one line `entryLine` finds, so as
 * many such lines as keys in the parsed value means no key was repeated (a repeat leaves one key fewer).
 * False when it cannot tell (block scalars whose lines look like entries, for example).
 */
export function certainlyNoDuplicateKeys(text: string, value: unknown): boolean {
  if (uncountable.test(text)) return false;
  const entries = text.match(entryLine)?.length ?? 0;
  const keys = JSON.stringify(value ?? null).match(jsonKey)?.length ?? 0;
  return entries === keys;
}

/**
 * Bun's native YAML parser, used when its result is certain to equal the full parser's: one document,
 * no duplicate keys, and no typed field whose source text would be lost. Undefined otherwise.
 */
function parseFast(text: string, freeForm: FreeFormPredicate): { value: unknown } | undefined {
  if (/^(?:---|\.\.\.)/m.test(text.replace(/^(?:\s*#.*\n|\s*\n)*---[^\n]*\n/, ""))) return undefined;
  let value: unknown;
  try {
    value = Bun.YAML.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(value) && /^---/m.test(text)) return undefined;
  if (freeForm !== allFree && typedScalarOutside(value, freeForm, [])) return undefined;
  if (!certainlyNoDuplicateKeys(text, value) && hasDuplicateBlockKey(text)) return undefined;
  return { value: value ?? null };
}

/**
 * Parse the first YAML document of `text`. Syntax errors and duplicate keys are all reported at once,
 * each as `file:line:col: message`, in one INVALID_REQUEST error.
 */
export function parseYaml(text: string, file: string, freeForm: FreeFormPredicate = allFree): ParsedYaml {
  const fast = parseFast(text, freeForm);
  if (fast) {
    // Positions (for schema error messages) come from the full parser, only when asked for.
    let slow: ParsedYaml | undefined;
    return { value: fast.value, position: (path) => (slow ??= parseYamlFully(text, file, freeForm)).position(path) };
  }
  return parseYamlFully(text, file, freeForm);
}

function parseYamlFully(text: string, file: string, freeForm: FreeFormPredicate): ParsedYaml {
  const { LineCounter, parseDocument } = lib();
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
    const offset = m ? Number(m[1]) : jsonErrorOffset(text);
    if (offset >= 0) {
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

const unicodeLetter = /\p{L}/u;
/** A UTF-16 code unit that is a letter (ASCII fast path). */
const isLetterCode = (c: number): boolean => {
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return unicodeLetter.test(String.fromCharCode(c));
};
/** A code unit that is an ASCII digit (false for NaN, i.e. past the end). */
const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/**
 * The key order upstream's YAML writer uses for free-form maps: letters by code point, digit runs by
 * numeric value (`a2 < a10`), non-letters before letters unless they follow a digit.
 */
export function naturalCompare(a: string, b: string): number {
  // Code units, not code points: they differ only for characters outside the BMP, which keys do not use.
  const la = a.length;
  const lb = b.length;
  let prevDigit = false;
  for (let i = 0; i < la && i < lb; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) {
      prevDigit = ca >= 48 && ca <= 57;
      continue;
    }
    // ASCII letters inline ((c | 32) folds A-Z onto a-z); other characters through isLetterCode.
    const lta = ca < 128 ? (ca | 32) >= 97 && (ca | 32) <= 122 : isLetterCode(ca);
    const ltb = cb < 128 ? (cb | 32) >= 97 && (cb | 32) <= 122 : isLetterCode(cb);
    if (lta && ltb) return ca < cb ? -1 : 1;
    if (lta || ltb) {
      if (prevDigit) return lta ? -1 : 1;
      return lta ? 1 : -1;
    }
    // Neither is a letter: compare the digit runs that start here.
    let nonZeroBefore = false;
    for (let j = i - 1; j >= 0 && isDigitCode(a.charCodeAt(j)); j--) if (a.charCodeAt(j) !== 48) nonZeroBefore = true;
    const start = (ca === 48 || cb === 48) && nonZeroBefore ? 1 : 0;
    let na = start;
    let nb = start;
    let ja = i;
    let jb = i;
    while (isDigitCode(a.charCodeAt(ja))) na = na * 10 + (a.charCodeAt(ja++) - 48);
    while (isDigitCode(b.charCodeAt(jb))) nb = nb * 10 + (b.charCodeAt(jb++) - 48);
    if (na !== nb) return na < nb ? -1 : 1;
    if (ja - i !== jb - i) return ja - i < jb - i ? -1 : 1;
    return ca < cb ? -1 : 1;
  }
  return la === lb ? 0 : la < lb ? -1 : 1;
}

export const byteCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `xs` sorted in place by byteCompare's order. The default sort compares the same UTF-16 code units
 * without calling back into JavaScript, several times faster than `sort(byteCompare)`.
 */
export const byteSorted = (xs: string[]): string[] => xs.sort();

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

// eslint-disable-next-line no-control-regex
const needsEscape = /[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\t]/;

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (c === 0x85 || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

function plainIllegal(s: string): boolean {
  if (s !== s.trim()) return true;
  if (s.startsWith("---") || s.startsWith("...")) return true;
  if ("#,[]{}&*!|>'\"%@`".includes(s[0] as string)) return true;
  if ("-?:".includes(s[0] as string) && (s.length === 1 || s[1] === " ")) return true;
  return s.includes(": ") || s.endsWith(":") || s.includes(" #");
}

/** Words a YAML reader types as null or boolean. */
const reservedWords = new Set(
  "null Null NULL true True TRUE false False FALSE y Y yes Yes YES n N no No NO on On ON off Off OFF".split(" "),
);
const simpleWord = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

/** A one-line string scalar, quoted only where a reader would misread it. */
function stringScalar(s: string): string {
  if (simpleWord.test(s) && !reservedWords.has(s)) return s;
  // A line break is escaped too: a multi-line string that cannot be a literal block is one quoted line.
  if (needsEscape.test(s) || s.includes("\n")) return doubleQuoted(s);
  if (readsAsNonString(s)) return doubleQuoted(s);
  if (plainIllegal(s)) return `'${s.replace(/'/g, "''")}'`;
  return s;
}

/** Go's shortest `%v` text of a float64: exponent form below 1e-4 and from 1e6 (`1e+06`, `1.5e-05`). */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return ".nan";
  if (!Number.isFinite(x)) return x > 0 ? ".inf" : "-.inf";
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return String(x);
  const [mant, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(x);
}

function scalarText(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return formatFloat(v);
  if (v instanceof Date) return doubleQuoted(v.toISOString());
  return stringScalar(String(v));
}

function literalBlock(s: string, indent: number, step: number): string {
  const trailing = /\n+$/.exec(s)?.[0].length ?? 0;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const indicator = s.startsWith(" ") ? String(step) : "";
  const body = trailing > 0 ? s.slice(0, s.length - trailing) : s;
  const pad = " ".repeat(indent);
  const lines = body.split("\n").map((l) => (l === "" ? "" : pad + l));
  for (let i = 1; i < trailing; i++) lines.push("");
  return `|${indicator}${chomp}\n${lines.join("\n")}\n`;
}

/** A multi-line string that can be a literal block (no trailing spaces before breaks, printable). */
const blockable = (s: string) => s.includes("\n") && !/ \n/.test(s) && !needsEscape.test(s.replace(/\n/g, ""));

export interface YamlWriteOptions {
  /** Spaces per level: 2 for documents on stdout, 4 for `query` values, ConfigMap payloads and bundles. */
  indent?: number;
  /** Write every map's keys in this order (as `sortKeysDeep` would) instead of their own order. */
  order?: KeyOrder;
}

type Comparator = ((a: string, b: string) => number) | undefined;

/** A map's keys sorted by `cmp` (in place); keys already in order, as they often are, cost one pass. */
function inOrderKeys(keys: string[], cmp: (a: string, b: string) => number): void {
  for (let i = 1; i < keys.length; i++) {
    if (cmp(keys[i - 1] as string, keys[i] as string) > 0) {
      keys.sort(cmp);
      return;
    }
  }
}

/** Written form of short one-line strings seen so far (keys and values repeat across documents); emptied when it grows large. */
const scalarTexts = new Map<string, string>();
const MAX_SCALAR_TEXTS = 10_000;
const MAX_CACHED_LENGTH = 64;

/**
 * `stringScalar` of a string, remembered when it is short and on one line (a multi-line value may be
 * written as a block instead, so the cache never answers for one).
 */
function cachedScalar(s: string): string {
  if (s.length > MAX_CACHED_LENGTH) return stringScalar(s);
  let t = scalarTexts.get(s);
  if (t === undefined) {
    t = stringScalar(s);
    if (!s.includes("\n")) {
      if (scalarTexts.size >= MAX_SCALAR_TEXTS) scalarTexts.clear();
      scalarTexts.set(s, t);
    }
  }
  return t;
}

/** A map to be written by stringifyYaml with its keys (and its descendants' keys) in `order`. */
export class InKeyOrder {
  constructor(
    readonly value: Record<string, unknown>,
    readonly order: KeyOrder,
  ) {}
}

const comparator = (order: KeyOrder | undefined) => (order === undefined ? undefined : order === "natural" ? naturalCompare : byteCompare);

/** Spaces per level of the document being written (set by stringifyYaml for the length of a call). */
let unit = 2;
/** Runs of spaces, made once per width. */
const pads: string[] = [""];
const pad = (i: number): string => pads[i] ?? (pads[i] = " ".repeat(i));

// The writer below is written for the interpreter that short runs of this program stay in: module-level
// functions (nothing created per call), few calls per node, the scalar cache consulted inline, each
// map's keys listed once.

/**
 * `v` after "key:" (`inItem` false) or after "- " (`inItem` true), with its leading space or line break;
 * `indent` is where its nested lines start.
 */
function writeAfter(v: unknown, indent: number, inItem: boolean, cmp: Comparator): string {
  if (typeof v === "string") {
    // Short one-line strings (most values) come from the cache; it never holds a multi-line one.
    const known = v.length <= MAX_CACHED_LENGTH ? scalarTexts.get(v) : undefined;
    if (known !== undefined) return ` ${known}\n`;
    if (v.includes("\n")) return blockable(v) ? ` ${literalBlock(v, indent, unit)}` : ` ${stringScalar(v)}\n`;
    return ` ${cachedScalar(v)}\n`;
  }
  if (typeof v !== "object" || v === null || v instanceof Date) return ` ${scalarText(v)}\n`;
  if (v instanceof InKeyOrder) return writeAfter(v.value, indent, inItem, comparator(v.order));
  if (Array.isArray(v)) {
    if (v.length === 0) return " []\n";
    return inItem ? ` ${writeSeq(v, indent, true, cmp)}` : `\n${writeSeq(v, indent, false, cmp)}`;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return " {}\n";
  const body = writeMap(v as Record<string, unknown>, keys, indent, inItem, cmp);
  return inItem ? ` ${body}` : `\n${body}`;
}

/** A map's entries, its `keys` (reordered here when `cmp` says), the first on the current line when `firstInline`. */
function writeMap(map: Record<string, unknown>, keys: string[], indent: number, firstInline: boolean, cmp: Comparator): string {
  if (cmp) inOrderKeys(keys, cmp);
  // Nested lines start at the next multiple of the indent (a map inside a sequence item included).
  const childIndent = indent + unit - (indent % unit);
  const p = pads[indent] ?? pad(indent);
  let text = "";
  let bare = firstInline;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = map[k];
    if (v === undefined) continue;
    const lead = bare ? "" : p;
    bare = false;
    if (k.length > 128) {
      text += `${lead}? ${stringScalar(k)}\n${p}:${writeAfter(v, childIndent, false, cmp)}`;
      continue;
    }
    const kt = scalarTexts.get(k) ?? cachedScalar(k);
    text += `${lead}${kt}:${writeAfter(v, childIndent, false, cmp)}`;
  }
  return text;
}

/** A sequence's items, the first on the current line when `firstInline`. */
function writeSeq(a: unknown[], indent: number, firstInline: boolean, cmp: Comparator): string {
  const p = pads[indent] ?? pad(indent);
  const itemIndent = indent + 2;
  let text = "";
  for (let i = 0; i < a.length; i++) {
    const item = a[i];
    text += `${i === 0 && firstInline ? "" : p}-${item === undefined ? " null\n" : writeAfter(item, itemIndent, true, cmp)}`;
  }
  return text;
}

/**
 * YAML text of a value, laid out as Go's yaml.v3 writes it: sequences indented under their key, strings
 * quoted only when needed, no line folding, newline at the end. Keys keep their order unless `order`
 * says, or an InKeyOrder inside the value does for its part.
 */
export function stringifyYaml(value: unknown, opts: YamlWriteOptions = {}): string {
  if (value instanceof InKeyOrder) return stringifyYaml(value.value, { indent: opts.indent, order: value.order });
  const outer = unit;
  unit = opts.indent ?? 2;
  try {
    const top = comparator(opts.order);
    if (typeof value === "object" && value !== null && !(value instanceof Date)) {
      if (Array.isArray(value)) return value.length === 0 ? "[]\n" : writeSeq(value, 0, false, top);
      const keys = Object.keys(value);
      return keys.length > 0 ? writeMap(value as Record<string, unknown>, keys, 0, false, top) : "{}\n";
    }
    if (typeof value === "string" && blockable(value)) return literalBlock(value, unit, unit);
    return `${scalarText(value)}\n`;
  } finally {
    unit = outer;
  }
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
