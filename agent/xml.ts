/**
 * A small, strict XML reader for command output such as `nvidia-smi -q -x`: elements, attributes, text
 * with the predefined and numeric entities, CDATA, comments, processing instructions and a DOCTYPE
 * (skipped, never fetched). No namespaces, no external entities. Malformed input is an error.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (all text nodes directly inside it, concatenated, untrimmed). */
  text: string;
}

export class XmlError extends Error {
  constructor(message: string, offset: number, src: string) {
    const before = src.slice(0, offset).split("\n");
    super(`${message} at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`);
    this.name = "XmlError";
  }
}

const entities: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const nameRe = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (msg: string, at = i): never => {
    throw new XmlError(msg, at, src);
  };

  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&\s]*);?/g, (m, ent: string) => {
      if (!m.endsWith(";")) return fail("unterminated entity reference", at);
      if (ent.startsWith("#")) {
        const code = ent.startsWith("#x") ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
        if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) return fail(`invalid character reference &${ent};`, at);
        return String.fromCodePoint(code);
      }
      const v = entities[ent];
      return v ?? fail(`unknown entity &${ent};`, at);
    });

  const readName = (): string => {
    nameRe.lastIndex = i;
    const m = nameRe.exec(src);
    if (!m) return fail("expected a name");
    i += m[0].length;
    return m[0];
  };
  const skipSpace = () => {
    while (i < src.length && /\s/.test(src[i] as string)) i++;
  };
  const skipPast = (end: string, what: string) => {
    const at = src.indexOf(end, i);
    if (at < 0) fail(`unterminated ${what}`);
    i = at + end.length;
  };
  const skipDoctype = () => {
    // <!DOCTYPE name ... [internal subset] >
    let depth = 0;
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === "[") depth++;
      else if (c === "]") depth--;
      else if (c === ">" && depth === 0) {
        i++;
        return;
      }
    }
    fail("unterminated DOCTYPE");
  };
  /** Skips comments, PIs and (outside the root) a DOCTYPE; returns true if something was skipped. */
  const skipMisc = (allowDoctype: boolean): boolean => {
    if (src.startsWith("<!--", i)) skipPast("-->", "comment");
    else if (src.startsWith("<?", i)) skipPast("?>", "processing instruction");
    else if (allowDoctype && src.startsWith("<!DOCTYPE", i)) skipDoctype();
    else return false;
    return true;
  };

  const parseElement = (): XmlElement => {
    const start = i;
    i++; // <
    const name = readName();
    const el: XmlElement = { name, attributes: {}, children: [], text: "" };
    for (;;) {
      skipSpace();
      if (src.startsWith("/>", i)) {
        i += 2;
        return el;
      }
      if (src[i] === ">") {
        i++;
        break;
      }
      if (i >= src.length) fail(`unterminated start tag <${name}>`, start);
      const attr = readName();
      skipSpace();
      if (src[i] !== "=") fail(`attribute ${attr} has no value`);
      i++;
      skipSpace();
      const q = src[i];
      if (q !== '"' && q !== "'") return fail(`attribute ${attr} value is not quoted`);
      const end = src.indexOf(q, i + 1);
      if (end < 0) fail(`unterminated value of attribute ${attr}`);
      if (attr in el.attributes) fail(`duplicate attribute ${attr}`);
      el.attributes[attr] = decode(src.slice(i + 1, end), i);
      i = end + 1;
    }
    for (;;) {
      if (i >= src.length) fail(`element <${name}> is not closed`, start);
      if (src.startsWith("</", i)) {
        i += 2;
        const close = readName();
        if (close !== name) fail(`expected </${name}>, found </${close}>`);
        skipSpace();
        if (src[i] !== ">") fail(`malformed end tag </${close}`);
        i++;
        return el;
      }
      if (src.startsWith("<![CDATA[", i)) {
        const end = src.indexOf("]]>", i);
        if (end < 0) fail("unterminated CDATA section");
        el.text += src.slice(i + 9, end);
        i = end + 3;
        continue;
      }
      if (skipMisc(false)) continue;
      if (src[i] === "<") {
        el.children.push(parseElement());
        continue;
      }
      const next = src.indexOf("<", i);
      const end = next < 0 ? src.length : next;
      el.text += decode(src.slice(i, end), i);
      i = end;
    }
  };

  if (src.charCodeAt(0) === 0xfeff) i = 1;
  for (;;) {
    skipSpace();
    if (!skipMisc(true)) break;
  }
  if (src[i] !== "<") fail(i >= src.length ? "no root element" : "expected the root element");
  const root = parseElement();
  for (;;) {
    skipSpace();
    if (!skipMisc(false)) break;
  }
  if (i < src.length) fail("content after the root element");
  return root;
}

/** The first direct child named `name`. */
export const childOf = (el: XmlElement | undefined, name: string): XmlElement | undefined => el?.children.find((c) => c.name === name);

/** Text of the element at `path` of child names below `el` (first match at each step); undefined if absent. */
export function textAt(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const p of path) cur = childOf(cur, p);
  return cur?.text;
}
