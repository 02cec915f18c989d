/**
 * Parser of Go `text/template` source into trees (the main template plus every `{{define}}` /
 * `{{block}}`), with Go's parse-time checks: functions must exist, variables must be declared,
 * `{{break}}`/`{{continue}}` only inside `{{range}}`, control structures closed by `{{end}}`.
 * Errors are INVALID_REQUEST `template: name:line:col: message`.
 */
import { invalid } from "../errors.ts";
import { nodeString, type ArgNode, type CommandNode, type ListNode, type Node, type NumberNode, type PipeNode, type VariableNode } from "./ast.ts";
import { keywords, lex, type Token, type TokenType } from "./lexer.ts";
import { Source } from "./source.ts";

/** One named template: its body and the source it was parsed from. */
export interface Tree {
  readonly name: string;
  readonly root: ListNode;
  readonly source: Source;
}

export interface ParseOptions {
  /** Whether a function name is defined (unknown names are parse errors, as in Go). */
  readonly hasFunction: (name: string) => boolean;
}

/** True when a tree contains nothing but whitespace text. */
export function isEmptyTree(n: Node): boolean {
  switch (n.type) {
    case "list":
      return n.nodes.every(isEmptyTree);
    case "text":
      return n.text.trim() === "";
    default:
      return false;
  }
}

const simpleEscapes: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/** Go's `strconv.Unquote` for "…", `…` and '…' literals; undefined when the literal is malformed. */
export function unquote(lit: string): string | undefined {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q) return undefined;
  const body = lit.slice(1, -1);
  if (q === "`") return body.includes("`") ? undefined : body.replace(/\r/g, "");
  if (q !== '"' && q !== "'") return undefined;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === q || c === "\n") return undefined;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (e in simpleEscapes) out += simpleEscapes[e];
    else if (e === q) out += q;
    else if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) return undefined;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (e !== "x" && cp >= 0xd800 && cp <= 0xdfff)) return undefined;
      out += String.fromCodePoint(cp);
      i += n;
    } else if (e >= "0" && e <= "7") {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else return undefined;
  }
  if (q === "'" && [...out].length !== 1) return undefined;
  return out;
}

const intSyntax = /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/;
const floatSyntax = /^[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.(?:[0-9](?:_?[0-9])*)?|[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;

function parseIntLiteral(text: string): bigint {
  const neg = text.startsWith("-");
  let t = text.replace(/^[+-]/, "").replace(/_/g, "");
  if (/^0[0-7]+$/.test(t)) t = `0o${t.slice(1)}`;
  const v = BigInt(t);
  return neg ? -v : v;
}

/** Use a number when exact, a bigint otherwise. */
const intValue = (v: bigint): number | bigint => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

function tokenText(t: Token): string {
  if (t.type === "eof") return "EOF";
  if (t.type === "error") return t.value;
  if ((keywords as readonly string[]).includes(t.type)) return `<${t.value}>`;
  const runes = [...t.value];
  if (runes.length > 10) return `${JSON.stringify(runes.slice(0, 10).join(""))}...`;
  return JSON.stringify(t.value);
}

/** An `{{end}}` or `{{else}}` met while reading a list. */
interface Terminator {
  readonly kind: "end" | "else";
  readonly pos: number;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  /** Furthest token read: errors are reported at it, as Go reports them at its lookahead. */
  private hi = 0;
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  readonly trees = new Map<string, Tree>();

  constructor(
    private readonly source: Source,
    private readonly opts: ParseOptions,
  ) {
    this.tokens = lex(source.text);
  }

  private fail(message: string, pos = this.tokens[this.hi]?.pos ?? this.source.text.length): never {
    throw invalid(`template: ${this.source.location(pos)}: ${message}`);
  }

  private next(): Token {
    const t = this.tokens[this.i] ?? (this.tokens[this.tokens.length - 1] as Token);
    if (this.i < this.tokens.length - 1) this.i++;
    else this.i = this.tokens.length; // stay at the final eof/error token
    this.hi = Math.max(this.hi, Math.min(this.i - 1, this.tokens.length - 1));
    if (t.type === "error") this.fail(t.value, t.pos);
    return t;
  }

  private backup(n = 1): void {
    this.i -= n;
  }

  private peek(): Token {
    const t = this.next();
    this.backup();
    return t;
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === "space") t = this.next();
    return t;
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  private unexpected(t: Token, context: string): never {
    if (t.type === "error") this.fail(t.value, t.pos);
    this.fail(`unexpected ${tokenText(t)} in ${context}`, t.pos);
  }

  // -------------------------------------------------------------------------------------------

  parse(name: string): void {
    const root: ListNode = { type: "list", pos: 0, nodes: [] };
    while (this.peek().type !== "eof") {
      if (this.peek().type === "leftDelim") {
        const mark = this.i;
        this.next();
        if (this.nextNonSpace().type === "define") {
          this.parseDefinition();
          continue;
        }
        this.i = mark;
      }
      const n = this.textOrAction();
      if ("kind" in n) this.fail(`unexpected {{${n.kind}}}`, n.pos);
      root.nodes.push(n);
    }
    this.add({ name, root, source: this.source });
  }

  private add(tree: Tree): void {
    const existing = this.trees.get(tree.name);
    if (existing && !isEmptyTree(existing.root)) {
      if (isEmptyTree(tree.root)) return;
      this.fail(`template: multiple definition of template ${JSON.stringify(tree.name)}`, tree.root.pos);
    }
    this.trees.set(tree.name, tree);
  }

  private parseDefinition(): void {
    const context = "define clause";
    const t = this.nextNonSpace();
    if (t.type !== "string" && t.type !== "rawString") this.unexpected(t, context);
    const name = unquote(t.value);
    if (name === undefined) this.fail("invalid syntax", t.pos);
    this.expect("rightDelim", context);
    const saved = this.vars;
    this.vars = ["$"];
    const [root, end] = this.itemList();
    this.vars = saved;
    if (end.kind !== "end") this.fail(`unexpected {{${end.kind}}} in ${context}`, end.pos);
    this.add({ name, root, source: this.source });
  }

  /** Nodes up to the next `{{end}}` or `{{else}}`. */
  private itemList(): [ListNode, Terminator] {
    const list: ListNode = { type: "list", pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== "eof") {
      const n = this.textOrAction();
      if ("kind" in n) return [list, n];
      list.nodes.push(n);
    }
    this.fail("unexpected EOF");
  }

  private textOrAction(): Node | Terminator {
    const t = this.nextNonSpace();
    if (t.type === "text") return { type: "text", pos: t.pos, text: t.value };
    if (t.type === "leftDelim") return this.action();
    this.unexpected(t, "input");
  }

  private action(): Node | Terminator {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "block":
        return this.blockControl(t.pos);
      case "break":
      case "continue": {
        const close = this.nextNonSpace();
        if (close.type !== "rightDelim") this.unexpected(close, `{{${t.type}}}`);
        if (this.rangeDepth === 0) this.fail(`{{${t.type}}} outside {{range}}`, t.pos);
        return { type: t.type, pos: t.pos };
      }
      case "else": {
        const p = this.peekNonSpace();
        if (p.type === "if" || p.type === "with") return { kind: "else", pos: p.pos };
        const close = this.expect("rightDelim", "else");
        return { kind: "else", pos: close.pos };
      }
      case "end": {
        const close = this.expect("rightDelim", "end");
        return { kind: "end", pos: close.pos };
      }
      case "if":
      case "with":
      case "range":
        return this.control(t.type, t.pos);
      case "template":
        return this.templateControl(t.pos);
    }
    this.backup();
    const start = this.peek();
    return { type: "action", pos: start.pos, pipe: this.pipeline("command", "rightDelim") };
  }

  private control(kind: "if" | "with" | "range", pos: number): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, "rightDelim");
    if (kind === "range") this.rangeDepth++;
    const [list, next] = this.itemList();
    if (kind === "range") this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (next.kind === "else") {
      const p = this.peek();
      if ((kind === "if" && p.type === "if") || (kind === "with" && p.type === "with")) {
        // `{{else if …}}` is `{{else}}{{if …}}…{{end}}` sharing the outer `{{end}}`.
        const t = this.next();
        elseList = { type: "list", pos: next.pos, nodes: [this.control(kind, t.pos)] };
      } else {
        const [l, end] = this.itemList();
        if (end.kind !== "end") this.fail(`expected end; found {{${end.kind}}}`, end.pos);
        elseList = l;
      }
    }
    this.vars.length = mark;
    return { type: kind, pos, pipe, list, elseList };
  }

  private templateName(context: string): string {
    const t = this.nextNonSpace();
    if (t.type !== "string" && t.type !== "rawString") this.unexpected(t, context);
    const name = unquote(t.value);
    if (name === undefined) this.fail("invalid syntax", t.pos);
    return name;
  }

  private templateControl(pos: number): Node {
    const context = "template clause";
    const name = this.templateName(context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== "rightDelim") {
      this.backup();
      pipe = this.pipeline(context, "rightDelim");
    }
    return { type: "template", pos, name, pipe };
  }

  /** `{{block "name" pipeline}} body {{end}}`: defines `name` and executes it in place. */
  private blockControl(pos: number): Node {
    const context = "block clause";
    const name = this.templateName(context);
    const pipe = this.pipeline(context, "rightDelim");
    const saved = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ["$"];
    this.rangeDepth = 0;
    const [root, end] = this.itemList();
    this.vars = saved;
    this.rangeDepth = savedDepth;
    if (end.kind !== "end") this.fail(`unexpected {{${end.kind}}} in ${context}`, end.pos);
    this.add({ name, root, source: this.source });
    return { type: "template", pos, name, pipe };
  }

  // -------------------------------------------------------------------------------------------
  // Pipelines

  private pipeline(context: string, end: "rightDelim" | "rightParen"): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { type: "pipe", pos: start.pos, isAssign: false, decl: [], cmds: [] };
    // Declarations: `$x :=`, `$x =`, and in range `$i, $e :=`.
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== "variable") break;
      const mark = this.i;
      this.next();
      const following = this.peekNonSpace();
      if (following.type === "assign" || following.type === "declare") {
        this.nextNonSpace();
        pipe.decl.push(this.variableNode(v.pos, v.value));
        (pipe as { isAssign: boolean }).isAssign = following.type === "assign";
        this.vars.push(v.value);
        break;
      }
      if (following.type === "char" && following.value === ",") {
        this.nextNonSpace();
        pipe.decl.push(this.variableNode(v.pos, v.value));
        this.vars.push(v.value);
        if (context === "range" && pipe.decl.length < 2) {
          const n = this.peekNonSpace().type;
          if (n === "variable" || n === "rightDelim" || n === "rightParen") continue;
          this.fail("range can only initialize variables");
        }
        this.fail(`too many declarations in ${context}`);
      }
      this.i = mark;
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context, t.pos);
        return pipe;
      }
      switch (t.type) {
        case "bool":
        case "charConstant":
        case "dot":
        case "field":
        case "identifier":
        case "number":
        case "nil":
        case "rawString":
        case "string":
        case "variable":
        case "leftParen":
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, pos: number): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, pos);
    pipe.cmds.slice(1).forEach((c, i) => {
      const first = c.args[0] as ArgNode;
      if (["bool", "dot", "nil", "number", "string"].includes(first.type)) {
        this.fail(`non executable command in pipeline stage ${i + 2}`, c.pos);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === "space") continue;
      if (t.type === "rightDelim" || t.type === "rightParen") this.backup();
      else if (t.type !== "pipe") this.unexpected(t, "operand");
      break;
    }
    if (cmd.args.length === 0) this.fail("empty command");
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().type !== "field") return node;
    const fields: string[] = [];
    const chainPos = this.peek().pos;
    while (this.peek().type === "field") fields.push(this.next().value.slice(1));
    switch (node.type) {
      case "field":
        return { type: "field", pos: node.pos, ident: [...node.ident, ...fields] };
      case "variable":
        return { type: "variable", pos: node.pos, ident: [...node.ident, ...fields] };
      case "bool":
      case "string":
      case "number":
      case "nil":
      case "dot":
        this.fail(`unexpected . after term ${JSON.stringify(nodeString(node))}`, chainPos);
      // eslint-disable-next-line no-fallthrough
      default:
        return { type: "chain", pos: node.pos, node, fields };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case "identifier":
        if (!this.opts.hasFunction(t.value)) this.fail(`function ${JSON.stringify(t.value)} not defined`, t.pos);
        return { type: "identifier", pos: t.pos, name: t.value };
      case "dot":
        return { type: "dot", pos: t.pos };
      case "nil":
        return { type: "nil", pos: t.pos };
      case "variable":
        return this.useVar(t.pos, t.value);
      case "field":
        return { type: "field", pos: t.pos, ident: t.value.slice(1).split(".") };
      case "bool":
        return { type: "bool", pos: t.pos, value: t.value === "true" };
      case "charConstant":
      case "number":
        return this.numberNode(t);
      case "leftParen":
        return this.pipeline("parenthesized pipeline", "rightParen");
      case "string":
      case "rawString": {
        const text = unquote(t.value);
        if (text === undefined) this.fail("invalid syntax", t.pos);
        return { type: "string", pos: t.pos, quoted: t.value, text };
      }
    }
    this.backup();
    return undefined;
  }

  private variableNode(pos: number, name: string): VariableNode {
    return { type: "variable", pos, ident: name.split(".") };
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = this.variableNode(pos, name);
    if (!this.vars.includes(v.ident[0] as string)) this.fail(`undefined variable ${JSON.stringify(v.ident[0])}`, pos);
    return v;
  }

  private numberNode(t: Token): NumberNode {
    const text = t.value;
    if (t.type === "charConstant") {
      const s = unquote(text);
      if (s === undefined) this.fail(`malformed character constant: ${text}`, t.pos);
      const cp = s.codePointAt(0) as number;
      return { type: "number", pos: t.pos, text, int: cp, float: cp, isFloat: false };
    }
    if (text.endsWith("i")) this.fail(`complex numbers are not supported: ${JSON.stringify(text)}`, t.pos);
    if (intSyntax.test(text)) {
      const v = parseIntLiteral(text);
      return { type: "number", pos: t.pos, text, int: intValue(v), float: Number(v), isFloat: false };
    }
    if (floatSyntax.test(text) && /[0-9]/.test(text)) {
      const f = Number(text.replace(/_/g, ""));
      const int = Number.isInteger(f) && Math.abs(f) <= Number.MAX_SAFE_INTEGER ? f : undefined;
      return { type: "number", pos: t.pos, text, int, float: f, isFloat: true };
    }
    this.fail(`illegal number syntax: ${JSON.stringify(text)}`, t.pos);
  }
}

/** Parse `text` into its trees: the main template under `name`, plus every template it defines. */
export function parseTrees(text: string, name: string, opts: ParseOptions): Map<string, Tree> {
  const p = new Parser(new Source(name, text), opts);
  p.parse(name);
  return p.trees;
}
