/**
 * Tokens of Go `text/template` source: text between actions, and inside `{{ }}` the words, literals
 * and punctuation of pipelines. Trim markers (`{{- ` and ` -}}`) remove the whitespace next to the action
 * while lexing; comments (slash-star ... star-slash right inside the delimiters) produce no token. A lexing error ends the token list with an
 * `error` token whose value is the message.
 */

export const keywords = ["block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"] as const;
export type Keyword = (typeof keywords)[number];

export type TokenType =
  | "text"
  | "leftDelim"
  | "rightDelim"
  | "space"
  | "identifier"
  | "field"
  | "variable"
  | "dot"
  | "string"
  | "rawString"
  | "charConstant"
  | "char"
  | "number"
  | "bool"
  | "nil"
  | "pipe"
  | "leftParen"
  | "rightParen"
  | "assign"
  | "declare"
  | "eof"
  | "error"
  | Keyword;

export interface Token {
  readonly type: TokenType;
  /** Offset of the token's first character in the source. */
  readonly pos: number;
  readonly value: string;
}

const leftDelim = "{{";
const rightDelim = "}}";

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";
const isAlphaNumeric = (c: string | undefined) => c !== undefined && (c === "_" || /^[\p{L}\p{Nd}]$/u.test(c));

/** `U+0040 '@'`, as Go's `%#U` prints a character. */
export function describeRune(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")} '${c}'`;
}

const hasLeftTrimMarker = (s: string, at: number) => s[at] === "-" && isSpace(s[at + 1]);
const hasRightTrimMarker = (s: string, at: number) => isSpace(s[at]) && s[at + 1] === "-";

/** Length of the whitespace run at the end of `s`. */
const rightTrimLength = (s: string) => s.length - s.replace(/[ \t\r\n]+$/, "").length;
/** Length of the whitespace run at the start of `s` from `at`. */
function leftTrimLength(s: string, at: number): number {
  let n = 0;
  while (isSpace(s[at + n])) n++;
  return n;
}

class Lexer {
  readonly tokens: Token[] = [];
  private pos = 0;
  private start = 0;
  private parenDepth = 0;

  constructor(private readonly input: string) {}

  run(): Token[] {
    let state: (() => unknown) | undefined = this.lexText;
    while (state) state = state.call(this) as (() => unknown) | undefined;
    return this.tokens;
  }

  private emit(type: TokenType, value = this.input.slice(this.start, this.pos)): void {
    this.tokens.push({ type, pos: this.start, value });
    this.start = this.pos;
  }

  private errorf(message: string): undefined {
    this.tokens.push({ type: "error", pos: this.start, value: message });
    return undefined;
  }

  private next(): string | undefined {
    if (this.pos >= this.input.length) {
      this.pos++; // so that backup() is symmetric at EOF
      return undefined;
    }
    const cp = this.input.codePointAt(this.pos) as number;
    const c = String.fromCodePoint(cp);
    this.pos += c.length;
    this.lastWidth = c.length;
    return c;
  }

  private lastWidth = 1;

  private backup(): void {
    this.pos -= this.pos > this.input.length ? 1 : this.lastWidth;
  }

  private peek(): string | undefined {
    const c = this.next();
    this.backup();
    return c;
  }

  private atRightDelim(): { delim: boolean; trim: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(rightDelim, this.pos + 2)) return { delim: true, trim: true };
    if (this.input.startsWith(rightDelim, this.pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  }

  private lexText(): unknown {
    const x = this.input.indexOf(leftDelim, this.pos);
    if (x < 0) {
      this.pos = this.input.length;
      if (this.pos > this.start) this.emit("text");
      this.emit("eof", "");
      return undefined;
    }
    const trim = hasLeftTrimMarker(this.input, x + leftDelim.length) ? rightTrimLength(this.input.slice(this.start, x)) : 0;
    const text = this.input.slice(this.start, x - trim);
    if (text.length > 0) this.tokens.push({ type: "text", pos: this.start, value: text });
    this.pos = x;
    this.start = x;
    return this.lexLeftDelim;
  }

  private lexLeftDelim(): unknown {
    this.pos += leftDelim.length;
    const trim = hasLeftTrimMarker(this.input, this.pos);
    const after = trim ? 2 : 0;
    if (this.input.startsWith("/*", this.pos + after)) {
      this.pos += after;
      this.start = this.pos;
      return this.lexComment;
    }
    this.emit("leftDelim", leftDelim);
    this.pos += after;
    this.start = this.pos;
    this.parenDepth = 0;
    return this.lexInsideAction;
  }

  private lexComment(): unknown {
    this.pos += 2;
    const x = this.input.indexOf("*/", this.pos);
    if (x < 0) return this.errorf("unclosed comment");
    this.pos = x + 2;
    const { delim, trim } = this.atRightDelim();
    if (!delim) return this.errorf("comment ends before closing delimiter");
    if (trim) this.pos += 2;
    this.pos += rightDelim.length;
    if (trim) this.pos += leftTrimLength(this.input, this.pos);
    this.start = this.pos;
    return this.lexText;
  }

  private lexRightDelim(): unknown {
    const { trim } = this.atRightDelim();
    if (trim) {
      this.pos += 2;
      this.start = this.pos;
    }
    this.pos += rightDelim.length;
    this.emit("rightDelim");
    if (trim) {
      this.pos += leftTrimLength(this.input, this.pos);
      this.start = this.pos;
    }
    return this.lexText;
  }

  private lexInsideAction(): unknown {
    const { delim } = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) return this.lexRightDelim;
      return this.errorf("unclosed left paren");
    }
    const r = this.next();
    if (r === undefined) return this.errorf("unclosed action");
    if (isSpace(r)) {
      this.backup();
      return this.lexSpace;
    }
    switch (r) {
      case "=":
        this.emit("assign");
        return this.lexInsideAction;
      case ":":
        if (this.next() !== "=") return this.errorf("expected :=");
        this.emit("declare");
        return this.lexInsideAction;
      case "|":
        this.emit("pipe");
        return this.lexInsideAction;
      case '"':
        return this.lexQuote;
      case "`":
        return this.lexRawQuote;
      case "$":
        return this.lexVariable;
      case "'":
        return this.lexChar;
      case "(":
        this.parenDepth++;
        this.emit("leftParen");
        return this.lexInsideAction;
      case ")":
        this.parenDepth--;
        if (this.parenDepth < 0) return this.errorf("unexpected right paren");
        this.emit("rightParen");
        return this.lexInsideAction;
    }
    if (r === ".") {
      const c = this.input[this.pos];
      if (c === undefined || c < "0" || c > "9") return this.lexField;
    }
    if (r === "." || r === "+" || r === "-" || (r >= "0" && r <= "9")) {
      this.backup();
      return this.lexNumber;
    }
    if (isAlphaNumeric(r)) {
      this.backup();
      return this.lexIdentifier;
    }
    const cp = r.codePointAt(0) as number;
    if (cp < 0x80 && cp >= 0x20 && cp < 0x7f) {
      this.emit("char");
      return this.lexInsideAction;
    }
    return this.errorf(`unrecognized character in action: ${describeRune(r)}`);
  }

  private lexSpace(): unknown {
    let n = 0;
    while (isSpace(this.peek())) {
      this.next();
      n++;
    }
    // A space followed by `-}}` belongs to the trim marker of the closing delimiter.
    if (hasRightTrimMarker(this.input, this.pos - 1) && this.input.startsWith(rightDelim, this.pos + 1)) {
      this.pos--;
      if (n === 1) return this.lexRightDelim;
    }
    this.emit("space");
    return this.lexInsideAction;
  }

  private atTerminator(): boolean {
    const r = this.peek();
    if (r === undefined || isSpace(r)) return true;
    if (".,|:)(".includes(r)) return true;
    return this.input.startsWith(rightDelim, this.pos);
  }

  private lexIdentifier(): unknown {
    let r: string | undefined;
    for (;;) {
      r = this.next();
      if (!isAlphaNumeric(r)) {
        this.backup();
        break;
      }
    }
    if (!this.atTerminator()) return this.errorf(`bad character ${describeRune(r ?? "")}`);
    const word = this.input.slice(this.start, this.pos);
    if ((keywords as readonly string[]).includes(word)) this.emit(word as Keyword);
    else if (word === "nil") this.emit("nil");
    else if (word === "true" || word === "false") this.emit("bool");
    else this.emit("identifier");
    return this.lexInsideAction;
  }

  private lexField(): unknown {
    return this.lexFieldOrVariable("field");
  }

  private lexVariable(): unknown {
    if (this.atTerminator()) {
      this.emit("variable");
      return this.lexInsideAction;
    }
    return this.lexFieldOrVariable("variable");
  }

  private lexFieldOrVariable(type: "field" | "variable"): unknown {
    if (this.atTerminator()) {
      this.emit(type === "variable" ? "variable" : "dot");
      return this.lexInsideAction;
    }
    let r: string | undefined;
    for (;;) {
      r = this.next();
      if (!isAlphaNumeric(r)) {
        this.backup();
        break;
      }
    }
    if (!this.atTerminator()) return this.errorf(`bad character ${describeRune(r ?? "")}`);
    this.emit(type);
    return this.lexInsideAction;
  }

  private lexQuote(): unknown {
    for (;;) {
      let r = this.next();
      if (r === "\\") {
        r = this.next();
        if (r !== undefined && r !== "\n") continue;
      }
      if (r === undefined || r === "\n") return this.errorf("unterminated quoted string");
      if (r === '"') break;
    }
    this.emit("string");
    return this.lexInsideAction;
  }

  private lexChar(): unknown {
    for (;;) {
      let r = this.next();
      if (r === "\\") {
        r = this.next();
        if (r !== undefined && r !== "\n") continue;
      }
      if (r === undefined || r === "\n") return this.errorf("unterminated character constant");
      if (r === "'") break;
    }
    this.emit("charConstant");
    return this.lexInsideAction;
  }

  private lexRawQuote(): unknown {
    const x = this.input.indexOf("`", this.pos);
    if (x < 0) return this.errorf("unterminated raw quoted string");
    this.pos = x + 1;
    this.emit("rawString");
    return this.lexInsideAction;
  }

  private accept(valid: string): boolean {
    const c = this.input[this.pos];
    if (c !== undefined && valid.includes(c)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  private lexNumber(): unknown {
    this.accept("+-");
    let digits = "0123456789_";
    if (this.accept("0")) {
      if (this.accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (this.accept("oO")) digits = "01234567_";
      else if (this.accept("bB")) digits = "01_";
    }
    this.acceptRun(digits);
    if (this.accept(".")) this.acceptRun(digits);
    if (digits.length === 11 && this.accept("eE")) {
      this.accept("+-");
      this.acceptRun("0123456789_");
    }
    if (digits.length === 23 && this.accept("pP")) {
      this.accept("+-");
      this.acceptRun("0123456789_");
    }
    this.accept("i");
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return this.errorf(`bad number syntax: ${JSON.stringify(this.input.slice(this.start, this.pos))}`);
    }
    this.emit("number");
    return this.lexInsideAction;
  }
}

/** All tokens of `input`, ending with `eof` or, on the first lexing error, with an `error` token. */
export function lex(input: string): Token[] {
  return new Lexer(input).run();
}
