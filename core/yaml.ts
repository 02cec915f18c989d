/**
 * The one place that owns YAML and JSON settings: how documents are read (with file, line and
 * column in every error, raw text kept for typed string fields) and how they are written
 * (deterministic key order, Go-compatible quoting and JSON escaping).
 */
import type { Document, LineCounter, Node } from "yaml";
import { invalid } from "./errors.ts";
import { jsonErrorOffset } from "./json-error-offset.ts";

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

const indentOf = (line: string) => line.length - line.trimStart().length;
const blockKey = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[&*!|>%@`,?:-][^#]*?|[-?:][^\s#][^#]*?)\s*:(?:\s+(.*))?$/;

/**
 * Whether a block mapping repeats a key, by scanning lines (block scalars and flow collections are
 * skipped). Used to decide whether the fast parser, which silently keeps the last duplicate, may be
 * trusted; anything it flags goes through the full parser, which reports it with its position.
 */
export function hasDuplicateBlockKey(text: string): boolean {
  const stack: { indent: number; keys: Set<string> }[] = [];
  let scalarParent = -1;
  let flowDepth = 0;
  for (const raw of text.split("\n")) {
    const trimmed = raw.trim();
    if (scalarParent >= 0) {
      if (trimmed === "" || indentOf(raw) > scalarParent) continue;
      scalarParent = -1;
    }
    if (trimmed === "" || trimmed.startsWith("#") || trimmed === "---" || trimmed === "...") continue;
    if (flowDepth > 0) {
      for (const ch of trimmed) flowDepth += ch === "[" || ch === "{" ? 1 : ch === "]" || ch === "}" ? -1 : 0;
      continue;
    }
    let indent = indentOf(raw);
    let rest = raw.slice(indent);
    while (rest.startsWith("- ") || rest === "-") {
      indent += 2;
      rest = rest.slice(2).trimStart();
      while (stack.length > 0 && (stack.at(-1) as { indent: number }).indent >= indent) stack.pop();
      stack.push({ indent, keys: new Set() });
    }
    const m = blockKey.exec(rest);
    if (!m) continue;
    let key = m[1] as string;
    if (key.startsWith('"')) key = JSON.parse(key) as string;
    else if (key.startsWith("'")) key = key.slice(1, -1).replace(/''/g, "'");
    while (stack.length > 0 && (stack.at(-1) as { indent: number }).indent > indent) stack.pop();
    let top = stack.at(-1);
    if (!top || top.indent !== indent) {
      top = { indent, keys: new Set() };
      stack.push(top);
    }
    if (key !== "<<") {
      if (top.keys.has(key)) return true;
      top.keys.add(key);
    }
    const value = (m[2] ?? "").replace(/\s+#.*$/, "").trim();
    if (/^[|>][-+0-9]*$/.test(value)) scalarParent = indent;
    else if (value.startsWith("[") || value.startsWith("{")) {
      for (const ch of value) flowDepth += ch === "[" || ch === "{" ? 1 : ch === "]" || ch === "}" ? -1 : 0;
    }
  }
  return false;
}

/** A number or boolean where a typed field expects text (its source text must then be kept). */
function typedScalarOutside(v: unknown, free: FreeFormPredicate, path: (string | number)[]): boolean {
  if (free(path)) return false;
  if (typeof v === "number" || typeof v === "boolean") return true;
  if (Array.isArray(v)) return v.some((x, i) => typedScalarOutside(x, free, [...path, i]));
  if (v !== null && typeof v === "object") return Object.entries(v).some(([k, x]) => typedScalarOutside(x, free, [...path, k]));
  return false;
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
  if (hasDuplicateBlockKey(text)) return undefined;
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
      prevDigit = isDigitCode(ca);
      continue;
    }
    const lta = isLetterCode(ca);
    const ltb = isLetterCode(cb);
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

/** Plain text a YAML reader (yaml.v3 or a YAML 1.1 reader) would take for something other than a string. */
const nonString =
  /^(?:|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?0x[0-9a-fA-F_]+|[-+]?0o[0-7_]+|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?)$/;

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
  if (needsEscape.test(s)) return doubleQuoted(s);
  if (nonString.test(s)) return doubleQuoted(s);
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

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);

function isEmptyCollection(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
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

/** `keys` sorted by `cmp` (in place); keys already in order, as they often are, cost one pass. */
function inOrder(keys: string[], cmp: (a: string, b: string) => number): string[] {
  for (let i = 1; i < keys.length; i++) if (cmp(keys[i - 1] as string, keys[i] as string) > 0) return keys.sort(cmp);
  return keys;
}

/** True when an object has at least one own enumerable key (without listing them). */
function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * YAML text of a value, laid out as Go's yaml.v3 writes it: sequences indented under their key, strings
 * quoted only when needed, no line folding, newline at the end. Keys keep their order unless `order` says.
 */
export function stringifyYaml(value: unknown, opts: YamlWriteOptions = {}): string {
  const n = opts.indent ?? 2;
  const cmp = opts.order === undefined ? undefined : opts.order === "natural" ? naturalCompare : byteCompare;
  const next = (i: number) => n * Math.floor((i + n) / n);
  const pads: string[] = [];
  const pad = (i: number): string => (pads[i] ??= " ".repeat(i));

  /** Block text of a non-empty collection, or undefined for anything else. */
  const collection = (v: unknown, indent: number, firstInline: boolean): string | undefined => {
    if (typeof v !== "object" || v === null || v instanceof Date) return undefined;
    if (Array.isArray(v)) return v.length === 0 ? undefined : seqBody(v, indent, firstInline);
    return hasKeys(v) ? mapBody(v as Record<string, unknown>, indent, firstInline) : undefined;
  };

  /** A scalar, an empty collection or a literal block, after "key:" or "- " (with its leading space). */
  const inlineText = (v: unknown, blockIndent: number): string => {
    if (typeof v === "string") {
      if (v.includes("\n") && blockable(v)) return ` ${literalBlock(v, blockIndent, n)}`;
      return ` ${stringScalar(v)}\n`;
    }
    if (Array.isArray(v)) return " []\n";
    if (typeof v === "object" && v !== null && !(v instanceof Date)) return " {}\n";
    return ` ${scalarText(v)}\n`;
  };

  // Writes `v` as the value after "key:"; `childIndent` is where nested content starts.
  const valueAfter = (v: unknown, childIndent: number): string => {
    const body = collection(v, childIndent, false);
    return body === undefined ? inlineText(v, childIndent) : `\n${body}`;
  };

  function mapBody(m: Record<string, unknown>, indent: number, firstInline: boolean): string {
    let text = "";
    let first = true;
    const childIndent = next(indent);
    const keys = cmp ? inOrder(Object.keys(m), cmp) : undefined;
    const write = (k: string) => {
      const v = m[k];
      if (v === undefined) return;
      const p = first && firstInline ? "" : pad(indent);
      first = false;
      if (k.length > 128) {
        text += `${p}? ${stringScalar(k)}\n${pad(indent)}:${valueAfter(v, childIndent)}`;
        return;
      }
      text += `${p}${stringScalar(k)}:${valueAfter(v, childIndent)}`;
    };
    if (keys) for (const k of keys) write(k);
    else for (const k in m) write(k);
    return text;
  }

  function seqBody(a: unknown[], indent: number, firstInline: boolean): string {
    let text = "";
    for (let i = 0; i < a.length; i++) {
      const p = i === 0 && firstInline ? "" : pad(indent);
      text += `${p}-${itemText(a[i], indent + 2)}`;
    }
    return text;
  }

  function itemText(item: unknown, inner: number): string {
    if (item === undefined) return " null\n";
    const body = collection(item, inner, true);
    return body === undefined ? inlineText(item, inner) : ` ${body}`;
  }

  const top = collection(value, 0, false);
  if (top !== undefined) return top;
  if (Array.isArray(value)) return "[]\n";
  if (typeof value === "object" && value !== null && !(value instanceof Date)) return "{}\n";
  if (typeof value === "string" && blockable(value)) return literalBlock(value, n, n);
  return `${scalarText(value)}\n`;
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
