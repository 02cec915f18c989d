/**
 * Go's `fmt` as templates see it: `%v` text of any value (maps `map[a:1 b:2]`, lists `[1 2]`, nil
 * `<nil>`, floats in Go's shortest form), `Sprint`/`Sprintln`/`Sprintf` with the common verbs and flags,
 * and `strconv.Quote`.
 */
import { goTimeString } from "./gotime.ts";
import { GO_UNDERLYING, isIntNumber, isMap, isStruct, sortedKeys, structFields, structMember, typeName, underlying } from "./values.ts";

// ---------------------------------------------------------------------------------------------
// Floats

/** A non-negative decimal: value = 0.d × 10^dp; `d` has no leading or trailing zeros ("" is zero). */
interface Decimal {
  d: string;
  dp: number;
}

/** The exact decimal value of a finite non-negative double. */
function exactDecimal(x: number): Decimal {
  if (x === 0) return { d: "", dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp = -1074;
  if (expBits !== 0) {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return { d: digits.replace(/0+$/, ""), dp };
}

/** The shortest decimal that reads back as `x` (finite, non-negative). */
function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: "", dp: 0 };
  const [mant, e] = x.toExponential().split("e") as [string, string];
  const d = mant.replace(".", "").replace(/0+$/, "");
  return { d, dp: Number(e) + 1 };
}

/** Round to `nd` significant digits, ties to even (the decimal is exact, so ties are real ties). */
function roundDecimal(dec: Decimal, nd: number): Decimal {
  if (nd < 0) return { d: "", dp: 0 };
  if (dec.d.length <= nd) return dec;
  const next = dec.d.charCodeAt(nd) - 48;
  let up = next > 5;
  if (next === 5) {
    const rest = dec.d.slice(nd + 1);
    const prev = nd > 0 ? dec.d.charCodeAt(nd - 1) - 48 : 0;
    up = /[1-9]/.test(rest) || prev % 2 === 1;
  }
  let digits = dec.d.slice(0, nd);
  let dp = dec.dp;
  if (up) {
    const arr = digits.split("");
    let i = arr.length - 1;
    while (i >= 0 && arr[i] === "9") {
      arr[i] = "0";
      i--;
    }
    if (i < 0) {
      arr.unshift("1");
      dp++;
    } else arr[i] = String(Number(arr[i]) + 1);
    digits = arr.join("");
  }
  digits = digits.replace(/0+$/, "");
  return digits === "" ? { d: "", dp: 0 } : { d: digits, dp };
}

const digitAt = (dec: Decimal, i: number) => (i >= 0 && i < dec.d.length ? (dec.d[i] as string) : "0");

function fixed(dec: Decimal, prec: number): string {
  let int = "";
  if (dec.dp <= 0) int = "0";
  else for (let i = 0; i < dec.dp; i++) int += digitAt(dec, i);
  if (prec <= 0) return int;
  let frac = "";
  for (let i = 0; i < prec; i++) frac += digitAt(dec, dec.dp + i);
  return `${int}.${frac}`;
}

function expForm(dec: Decimal, prec: number, upper: boolean): string {
  const exp = dec.d === "" ? 0 : dec.dp - 1;
  let text = digitAt(dec, 0);
  if (prec > 0) {
    text += ".";
    for (let i = 1; i <= prec; i++) text += digitAt(dec, i);
  }
  const e = upper ? "E" : "e";
  return `${text}${e}${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** `strconv.FormatFloat(|x|, verb, prec, 64)` for finite x; prec -1 means shortest. */
function formatAbsFloat(x: number, verb: "e" | "E" | "f" | "F" | "g" | "G", prec: number): string {
  const shortest = prec < 0;
  switch (verb) {
    case "e":
    case "E": {
      const dec = shortest ? shortestDecimal(x) : roundDecimal(exactDecimal(x), prec + 1);
      return expForm(dec, shortest ? Math.max(dec.d.length - 1, 0) : prec, verb === "E");
    }
    case "f":
    case "F": {
      const dec = shortest ? shortestDecimal(x) : roundDecimal(exactDecimal(x), exactDecimal(x).dp + prec);
      return fixed(dec, shortest ? Math.max(dec.d.length - dec.dp, 0) : prec);
    }
    default: {
      let p = prec;
      let dec: Decimal;
      if (shortest) {
        dec = shortestDecimal(x);
        p = dec.d.length;
      } else {
        if (p === 0) p = 1;
        dec = roundDecimal(exactDecimal(x), p);
      }
      const nd = Math.max(dec.d.length, 1);
      let eprec = p;
      if (eprec > nd && nd >= dec.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = dec.d === "" ? 0 : dec.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (p > nd) p = nd;
        return expForm(dec, p - 1, verb === "G");
      }
      if (p > dec.dp) p = nd;
      return fixed(dec, Math.max(p - dec.dp, 0));
    }
  }
}

/** Go's `%v` of a float64: shortest digits, exponent form below 1e-4 and from 1e6 (`1e+06`, `1.5e-05`). */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  const text = formatAbsFloat(Math.abs(x), "g", -1);
  return x < 0 || Object.is(x, -0) ? `-${text}` : text;
}

// ---------------------------------------------------------------------------------------------
// Quoting

const printableOther = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function isPrintable(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  return printableOther.test(String.fromCodePoint(cp));
}

function escapeRune(cp: number, quote: string, asciiOnly: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (ch === quote || ch === "\\") return `\\${ch}`;
  if (isPrintable(cp) && (!asciiOnly || cp < 0x80)) return ch;
  switch (cp) {
    case 7:
      return "\\a";
    case 8:
      return "\\b";
    case 12:
      return "\\f";
    case 10:
      return "\\n";
    case 13:
      return "\\r";
    case 9:
      return "\\t";
    case 11:
      return "\\v";
  }
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, "0")}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return "\\ufffd";
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, "0")}`;
  return `\\U${cp.toString(16).padStart(8, "0")}`;
}

/** `strconv.Quote` (or `QuoteToASCII`). */
export function goQuote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0) as number, '"', asciiOnly);
  return `${out}"`;
}

/** `strconv.QuoteRune`. */
export function goQuoteRune(cp: number): string {
  return `'${escapeRune(cp, "'", false)}'`;
}

// ---------------------------------------------------------------------------------------------
// %v

/** The text `String()` gives for a Stringer, or undefined when `v` is not one. */
function stringerText(v: unknown): string | undefined {
  if (v instanceof Date) return goTimeString(v);
  if (v instanceof Error) return v.message;
  if (isStruct(v)) {
    const m = structMember(v, "String");
    if (m.found && m.method) {
      const out = (m.value as () => unknown).call(v);
      return typeof out === "string" ? out : formatValue(out);
    }
  }
  return undefined;
}

/** Go's `fmt.Sprint(v)` / `%v` of one value. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return "<nil>";
  switch (typeof v) {
    case "string":
      return v;
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "number":
      return isIntNumber(v) ? String(v === 0 ? 0 : v) : goFloat(v);
    case "function":
      return "<func>";
  }
  const s = stringerText(v);
  if (s !== undefined) return s;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(" ")}]`;
  if (isMap(v)) return `map[${sortedKeys(v).map((k) => `${k}:${formatValue(v[k])}`).join(" ")}]`;
  if (typeof v === "object" && GO_UNDERLYING in v) return formatValue(underlying(v));
  return `{${structFields(v as object).map((k) => formatValue((v as Record<string, unknown>)[k])).join(" ")}}`;
}

/** `fmt.Sprint`: operands separated by a space when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = "";
  let prevString = false;
  args.forEach((a, i) => {
    const isString = typeof underlying(a) === "string";
    if (i > 0 && !isString && !prevString) out += " ";
    out += formatValue(a);
    prevString = isString;
  });
  return out;
}

/** `fmt.Sprintln`: operands always separated by a space, newline at the end. */
export const sprintln = (args: readonly unknown[]): string => `${args.map(formatValue).join(" ")}\n`;

// ---------------------------------------------------------------------------------------------
// Sprintf

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

const runeCount = (s: string) => [...s].length;

function pad(s: string, spec: Spec, zeroOk = true): string {
  if (spec.width === undefined) return s;
  const n = spec.width - runeCount(s);
  if (n <= 0) return s;
  if (spec.minus) return s + " ".repeat(n);
  if (spec.zero && zeroOk) {
    const sign = /^[+\- ]/.test(s) ? (s[0] as string) : "";
    return sign + "0".repeat(n) + s.slice(sign.length);
  }
  return " ".repeat(n) + s;
}

function badVerb(verb: string, v: unknown): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

function fmtInteger(n: bigint, verb: string, spec: Spec): string | undefined {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let digits: string;
  let prefix = "";
  switch (verb) {
    case "v":
    case "d":
      digits = abs.toString(10);
      break;
    case "b":
      digits = abs.toString(2);
      if (spec.sharp) prefix = "0b";
      break;
    case "o":
    case "O":
      digits = abs.toString(8);
      if (verb === "O") prefix = "0o";
      else if (spec.sharp && digits[0] !== "0") prefix = "0";
      break;
    case "x":
      digits = abs.toString(16);
      if (spec.sharp) prefix = "0x";
      break;
    case "X":
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = "0X";
      break;
    case "c":
      return pad(String.fromCodePoint(Number(n)), spec, false);
    case "q":
      return pad(goQuoteRune(Number(n)), spec, false);
    case "U": {
      const hex = abs.toString(16).toUpperCase().padStart(4, "0");
      return pad(spec.sharp ? `U+${hex} '${String.fromCodePoint(Number(n))}'` : `U+${hex}`, spec, false);
    }
    default:
      return undefined;
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && n === 0n) digits = "";
    digits = digits.padStart(spec.prec, "0");
  }
  const sign = neg ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  if (spec.zero && !spec.minus && spec.prec === undefined && spec.width !== undefined) {
    const width = spec.width - sign.length - prefix.length;
    digits = digits.padStart(width, "0");
  }
  return pad(sign + prefix + digits, { ...spec, zero: false });
}

function fmtFloat(x: number, verb: string, spec: Spec): string | undefined {
  let f: "e" | "E" | "f" | "F" | "g" | "G";
  let prec: number;
  switch (verb) {
    case "v":
      f = "g";
      prec = spec.prec ?? -1;
      break;
    case "g":
    case "G":
      f = verb;
      prec = spec.prec ?? -1;
      break;
    case "e":
    case "E":
    case "f":
    case "F":
      f = verb;
      prec = spec.prec ?? 6;
      break;
    default:
      return undefined;
  }
  if (Number.isNaN(x)) return pad(spec.plus ? "+NaN" : spec.space ? " NaN" : "NaN", spec, false);
  if (!Number.isFinite(x)) return pad(x > 0 ? (spec.space && !spec.plus ? " Inf" : "+Inf") : "-Inf", spec, false);
  const neg = x < 0 || Object.is(x, -0);
  const body = formatAbsFloat(Math.abs(x), f, prec);
  const sign = neg ? "-" : spec.plus ? "+" : spec.space ? " " : "";
  return pad(sign + body, spec);
}

/** Strings and their quoted / hex forms; the `0` flag does not apply to them (current Go). */
function fmtString(s: string, verb: string, spec: Spec): string | undefined {
  let text = s;
  switch (verb) {
    case "v":
    case "s":
      if (spec.prec !== undefined) text = [...s].slice(0, spec.prec).join("");
      return pad(text, spec, false);
    case "q":
      if (spec.sharp && !/[`\u0000-\u0008\u000a-\u001f\u007f]/.test(s)) return pad(`\`${s}\``, spec, false);
      return pad(goQuote(s, spec.plus), spec, false);
    case "x":
    case "X": {
      const bytes = [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, "0"));
      const hex = bytes.join(spec.space ? " " : "");
      return pad(verb === "X" ? hex.toUpperCase() : hex, spec, false);
    }
    default:
      return undefined;
  }
}

/** One operand formatted with one verb, recursing into lists and maps as `fmt` does. */
function formatArg(v: unknown, verb: string, spec: Spec): string {
  if (verb === "T") return pad(v === undefined || v === null ? "<nil>" : typeName(v), spec);
  if (v === undefined || v === null) return verb === "v" ? pad("<nil>", spec) : badVerb(verb, v);
  if ("vsqxX".includes(verb)) {
    const s = stringerText(v);
    if (s !== undefined) return fmtString(s, verb, spec) ?? badVerb(verb, v);
  }
  const u = underlying(v);
  switch (typeof u) {
    case "boolean":
      return verb === "v" || verb === "t" ? pad(u ? "true" : "false", spec) : badVerb(verb, v);
    case "bigint":
      return fmtInteger(u, verb, spec) ?? badVerb(verb, v);
    case "number":
      if (isIntNumber(u) && !"eEfFgG".includes(verb)) {
        return fmtInteger(BigInt(u), verb, spec) ?? badVerb(verb, v);
      }
      // Integral numbers with a float verb are formatted as floats (JavaScript does not keep the Go type).
      return fmtFloat(u, verb, spec) ?? badVerb(verb, v);
    case "string":
      return fmtString(u, verb, spec) ?? badVerb(verb, v);
    case "function":
      return verb === "v" || verb === "p" ? pad("<func>", spec) : badVerb(verb, v);
  }
  if (Array.isArray(u)) return `[${u.map((e) => formatArg(e, verb, spec)).join(" ")}]`;
  if (isMap(u)) {
    return `map[${sortedKeys(u)
      .map((k) => `${formatArg(k, verb, spec)}:${formatArg(u[k], verb, spec)}`)
      .join(" ")}]`;
  }
  return `{${structFields(u as object)
    .map((k) => formatArg((u as Record<string, unknown>)[k], verb, spec))
    .join(" ")}}`;
}

/** Go's `fmt.Sprintf` for the verbs templates use (`%v %s %d %q %f %e %g %t %x %X %o %b %c %U %T %%`). */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = "";
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === "-") spec.minus = true;
      else if (c === "+") spec.plus = true;
      else if (c === "#") spec.sharp = true;
      else if (c === " ") spec.space = true;
      else if (c === "0") spec.zero = true;
      else break;
    }
    const num = (): number | undefined => {
      if (format[i] === "*") {
        i++;
        const a = args[argi++];
        return typeof a === "number" ? Math.trunc(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = num();
    if (spec.width !== undefined && spec.width < 0) {
      spec.minus = true;
      spec.width = -spec.width;
    }
    if (format[i] === ".") {
      i++;
      spec.prec = num() ?? 0;
    }
    if (i >= format.length) {
      out += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) as number);
    i += verb.length;
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argi++], verb, spec);
  }
  if (argi < args.length) {
    const extra = args.slice(argi).map((a) => (a === undefined || a === null ? "<nil>" : `${typeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(", ")})`;
  }
  return out;
}
