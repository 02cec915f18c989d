/**
 * How a YAML reader types an unquoted (plain) scalar: whether yaml.v3 or a YAML 1.1 reader would take the
 * text for something other than a string (null, a boolean, a number in any base, infinity, NaN, a
 * sexagesimal number or a timestamp). The writer quotes such strings.
 *
 * Hand-written rather than one large regular expression: compiling that expression cost a short command
 * more time than it then spent matching. Only timestamps use a (small) expression, compiled the first
 * time a text starts like a date.
 */

/** Words read as null or a boolean, and the empty text (null). */
const nonStringWords = new Set([
  ..."~ null Null NULL true True TRUE false False FALSE y Y yes Yes YES n N no No NO on On ON off Off OFF".split(" "),
  "",
]);
const infinities = new Set([".inf", ".Inf", ".INF"]);
const nans = new Set([".nan", ".NaN", ".NAN"]);

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const COLON = 58;
const UNDERSCORE = 95;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isDigitOrUnderscore = (c: number) => isDigit(c) || c === UNDERSCORE;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === UNDERSCORE;
const isOctal = (c: number) => (c >= 48 && c <= 55) || c === UNDERSCORE;
const isBinary = (c: number) => c === 48 || c === 49 || c === UNDERSCORE;

/** Index of the first code unit at or after `i` that `ok` rejects (or the length). */
function skip(s: string, i: number, ok: (c: number) => boolean): number {
  while (i < s.length && ok(s.charCodeAt(i))) i++;
  return i;
}

/** `[eE][-+]?[0-9]+` from `i` to the end of `s` (or nothing at all at the end). */
function exponentToEnd(s: string, i: number): boolean {
  if (i === s.length) return true;
  const e = s.charCodeAt(i);
  if (e !== 101 && e !== 69) return false;
  let j = i + 1;
  const sign = s.charCodeAt(j);
  if (sign === PLUS || sign === MINUS) j++;
  const end = skip(s, j, isDigit);
  return end > j && end === s.length;
}

/** `(?::[0-5]?[0-9])+(?:\.[0-9_]*)?` from `i` (at a colon) to the end of `s`. */
function sexagesimalToEnd(s: string, i: number): boolean {
  while (i < s.length && s.charCodeAt(i) === COLON) {
    const a = s.charCodeAt(i + 1);
    const b = s.charCodeAt(i + 2);
    if (!isDigit(a)) return false;
    // Two digits when both are there (the first at most 5); a lone digit otherwise.
    if (isDigit(b)) {
      if (a > 53) return false;
      i += 3;
    } else i += 2;
  }
  if (i === s.length) return true;
  return s.charCodeAt(i) === DOT && skip(s, i + 1, isDigitOrUnderscore) === s.length;
}

/** A number in any of the forms either reader accepts, with an optional sign. */
function numberLike(s: string): boolean {
  let i = 0;
  const first = s.charCodeAt(0);
  if (first === PLUS || first === MINUS) i = 1;
  if (i >= s.length) return false;
  const c = s.charCodeAt(i);
  if (c === DOT) {
    if (infinities.has(i === 0 ? s : s.slice(i)) || (i === 0 && nans.has(s))) return true;
    // `.5`, `.5e3`, `-.5_0`
    if (!isDigit(s.charCodeAt(i + 1))) return false;
    return exponentToEnd(s, skip(s, i + 2, isDigitOrUnderscore));
  }
  if (!isDigit(c)) return false;
  if (c === 48) {
    const base = s.charCodeAt(i + 1);
    const digits = base === 120 ? isHex : base === 111 ? isOctal : base === 98 ? isBinary : undefined;
    if (digits) {
      const end = skip(s, i + 2, digits);
      return end > i + 2 && end === s.length;
    }
  }
  const j = skip(s, i + 1, isDigitOrUnderscore);
  if (j === s.length) return true;
  const next = s.charCodeAt(j);
  if (next === COLON) return sexagesimalToEnd(s, j);
  if (next === DOT) return exponentToEnd(s, skip(s, j + 1, isDigitOrUnderscore));
  return exponentToEnd(s, j);
}

let timestamp: RegExp | undefined;
/** `2001-12-14`, `2001-12-14t21:59:43.10-05:00`, `2001-12-14 21:59:43.10 -5`. */
function timestampLike(s: string): boolean {
  if (s.length < 8 || s.charCodeAt(4) !== MINUS || !isDigit(s.charCodeAt(0)) || !isDigit(s.charCodeAt(3))) return false;
  timestamp ??= /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/;
  return timestamp.test(s);
}

/** Whether a YAML reader would read `s`, written plain, as something other than this string. */
export function readsAsNonString(s: string): boolean {
  return nonStringWords.has(s) || numberLike(s) || timestampLike(s);
}
