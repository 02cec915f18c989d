/**
 * Where a JSON text first goes wrong. The JavaScript engine's JSON.parse error does not always say
 * (Bun's never does), so this small scanner finds the offset of the first character that breaks the
 * grammar (RFC 8259), for `file:line:col` in messages.
 */

const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const hex4 = /[0-9a-fA-F]{4}/y;

/** Offset of the first syntax error in `text` (its length for an unexpected end); -1 if it is valid JSON. */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(Math.min(i, n));
  };
  const ws = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const str = () => {
    i++;
    for (;;) {
      if (i >= n) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else if (e === "u") {
          i++;
          hex4.lastIndex = i;
          if (!hex4.test(text)) fail();
          i += 4;
        } else fail();
      } else if (c < 0x20) fail();
      else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') str();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else {
      number.lastIndex = i;
      const m = number.exec(text);
      if (!m) fail();
      i += (m as RegExpExecArray)[0].length;
    }
  };
  try {
    value();
    ws();
    if (i < n) fail();
    return -1;
  } catch (err) {
    if (err instanceof SyntaxAt) return err.offset;
    return -1; // nesting too deep to scan: position unknown
  }
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}
