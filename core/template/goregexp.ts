/**
 * Go (RE2) regular expressions on top of JavaScript's engine: leading flag groups (`(?i)`, `(?s)`,
 * `(?m)`), `(?P<name>…)`, `\A`, `\z` and POSIX classes are translated; Go's replacement templates
 * (`$1`, `${1}`, `$name`, `$$`) are expanded as `Regexp.Expand` does.
 */

const posixClasses: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const cache = new Map<string, RegExp>();

/** Compile a Go regular expression; throws `error parsing regexp: …` when JavaScript rejects it. */
export function goRegExp(pattern: string, global = false): RegExp {
  const key = `${global ? "g" : "-"}${pattern}`;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  let src = pattern;
  let flags = global ? "g" : "";
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1] as string) if (f !== "U" && !flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  src = src
    .replace(/\(\?P</g, "(?<")
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$(?![\\s\\S])")
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
      const cls = posixClasses[name];
      if (!cls) return m;
      return neg ? `^${cls}` : cls;
    });
  if (/\\[pP]/.test(src)) flags += "u";
  try {
    const re = new RegExp(src, flags);
    cache.set(key, re);
    return re;
  } catch (err) {
    throw new Error(`error parsing regexp: ${err instanceof Error ? err.message : String(err)}: \`${pattern}\``);
  }
}

/** Go's `Regexp.Expand` of a replacement template for one match. */
export function expandReplacement(template: string, match: RegExpExecArray | string[], groups?: Record<string, string | undefined>): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== "$") {
      out += c;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest.startsWith("$")) {
      out += "$";
      i++;
      continue;
    }
    let name: string | undefined;
    let len = 0;
    const braced = /^\{([A-Za-z0-9_]+)\}/.exec(rest);
    if (braced) {
      name = braced[1];
      len = braced[0].length;
    } else {
      const bare = /^[A-Za-z0-9_]+/.exec(rest);
      if (bare) {
        name = bare[0];
        len = bare[0].length;
      }
    }
    if (name === undefined) {
      out += "$";
      continue;
    }
    i += len;
    if (/^\d+$/.test(name)) out += match[Number(name)] ?? "";
    else out += groups?.[name] ?? "";
  }
  return out;
}

/** `ReplaceAllString` (template expansion) or `ReplaceAllLiteralString`. */
export function goReplaceAll(pattern: string, s: string, repl: string, literal: boolean): string {
  const re = goRegExp(pattern, true);
  return s.replace(re, (...args: unknown[]) => {
    if (literal) return repl;
    const hasGroups = typeof args[args.length - 1] === "object" && args[args.length - 1] !== null;
    const groups = hasGroups ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
    const captureCount = args.length - (hasGroups ? 3 : 2);
    const match = args.slice(0, captureCount).map((x) => (x === undefined ? "" : String(x)));
    return expandReplacement(repl, match, groups);
  });
}

/** `FindAllString(s, n)`: all matches when n < 0. */
export function goFindAll(pattern: string, s: string, n: number): string[] {
  if (n === 0) return [];
  const re = goRegExp(pattern, true);
  const out: string[] = [];
  let prevEnd = -1;
  for (const m of s.matchAll(re)) {
    // Go ignores an empty match right after the previous match.
    if (m[0] === "" && m.index === prevEnd) continue;
    out.push(m[0]);
    prevEnd = (m.index ?? 0) + m[0].length;
    if (n > 0 && out.length >= n) break;
  }
  return out;
}

/** `Regexp.Split(s, n)`. */
export function goSplit(pattern: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (pattern.length > 0 && s.length === 0) return [""];
  const re = goRegExp(pattern, true);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of s.matchAll(re)) {
    if (n > 0 && out.length === n - 1) break;
    const start = m.index ?? 0;
    end = start;
    if (m[0].length === 0 && start === 0) continue;
    out.push(s.slice(beg, end));
    beg = start + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}
