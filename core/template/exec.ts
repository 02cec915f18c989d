/**
 * Execution of parsed templates with Go's semantics: pipelines pass their value as the last argument,
 * variables are scoped to the enclosing control structure, missing map keys are "no value", a field
 * through nil is an error, `and`/`or` stop at the deciding argument, `range` walks maps in sorted key
 * order. Errors are INVALID_REQUEST
 * `template: name:line:col: executing "name" at <action>: message`.
 */
import { AicrError, invalid } from "../errors.ts";
import {
  nodeString,
  type AnyNode,
  type ArgNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type RangeNode,
  type TemplateNode,
  type VariableNode,
} from "./ast.ts";
import { formatValue } from "./format.ts";
import { paramTypeName, type CallContext, type FunctionDef, type ParamType } from "./functions.ts";
import { timeMethods } from "./gotime.ts";
import { parseTrees, isEmptyTree, type Tree } from "./parser.ts";
import { isIntNumber, isMap, isStruct, sortedKeys, structMember, truth, typeName, underlying } from "./values.ts";

/** Marks "no value piped in" (distinct from a piped-in missing value). */
const MISSING: unique symbol = Symbol("missing");
type Final = unknown;

const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");

/** How deep `{{template}}` / `include` may nest. */
export const MAX_TEMPLATE_DEPTH = 200;

export interface ExecOptions {
  readonly now: () => Date;
}

/** A set of named templates sharing one function map (Go's associated templates). */
export class TemplateSet {
  private readonly trees = new Map<string, Tree>();

  constructor(
    readonly funcs: ReadonlyMap<string, FunctionDef>,
    private readonly parent?: TemplateSet,
  ) {}

  lookup(name: string): Tree | undefined {
    return this.trees.get(name) ?? this.parent?.lookup(name);
  }

  names(): string[] {
    return [...this.trees.keys()];
  }

  /** Parse `text` as template `name`, adding it and the templates it defines (a non-empty body replaces an older one). */
  parse(text: string, name: string): void {
    this.adopt(parseTrees(text, name, { hasFunction: (n) => this.funcs.has(n) }).values());
  }

  /** Add trees parsed earlier (by `parse` or a build step), with the same rule as `parse`. */
  adopt(trees: Iterable<Tree>): void {
    for (const tree of trees) {
      const n = tree.name;
      const existing = this.trees.get(n);
      if (existing && !isEmptyTree(existing.root) && isEmptyTree(tree.root)) continue;
      this.trees.set(n, tree);
    }
  }
}

interface Variable {
  name: string;
  value: unknown;
}

const isExported = (name: string) => /^\p{Lu}/u.test(name);

function messageOf(err: unknown): string {
  if (err instanceof AicrError || err instanceof Error) return err.message;
  return String(err);
}

class State {
  private node: AnyNode | undefined;

  constructor(
    private readonly set: TemplateSet,
    private readonly tree: Tree,
    private readonly vars: Variable[],
    private readonly depth: number,
    private readonly opts: ExecOptions,
    private readonly out: string[],
  ) {}

  private at(node: AnyNode): void {
    this.node = node;
  }

  private errorf(message: string): never {
    const n = this.node;
    if (!n) throw invalid(`template: ${this.tree.name}: ${message}`);
    const where = this.tree.source.location(n.pos);
    throw invalid(`template: ${where}: executing ${JSON.stringify(this.tree.name)} at <${nodeString(n)}>: ${message}`);
  }

  // -------------------------------------------------------------------------------------------
  // Variables

  private push(name: string, value: unknown): void {
    this.vars.push({ name, value });
  }

  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: unknown): void {
    (this.vars[this.vars.length - n] as Variable).value = value;
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) return v.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // -------------------------------------------------------------------------------------------
  // Walking

  walk(dot: unknown, node: Node): void {
    this.at(node);
    switch (node.type) {
      case "action": {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.out.push(this.printValue(node, val));
        return;
      }
      case "break":
        throw BREAK;
      case "continue":
        throw CONTINUE;
      case "if":
      case "with":
        this.walkIfOrWith(node.type, dot, node.pipe, node.list, node.elseList);
        return;
      case "list":
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case "range":
        this.walkRange(dot, node);
        return;
      case "template":
        this.walkTemplate(dot, node);
        return;
      case "text":
        this.out.push(node.text);
        return;
    }
  }

  private walkIfOrWith(kind: "if" | "with", dot: unknown, pipe: PipeNode, list: ListNode, elseList?: ListNode): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, pipe);
      if (truth(val)) this.walk(kind === "with" ? val : dot, list);
      else if (elseList) this.walk(dot, elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, r: RangeNode): void {
    this.at(r);
    const outer = this.vars.length;
    try {
      const val = underlying(this.evalPipeline(dot, r.pipe));
      const mark = this.vars.length;
      const decl = r.pipe.decl;
      const one = (index: unknown, elem: unknown) => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]?.ident[0] as string, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]?.ident[0] as string, elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = mark;
        }
      };
      try {
        if (Array.isArray(val)) {
          if (val.length > 0) {
            val.forEach((e, i) => one(i, e));
            return;
          }
        } else if (isMap(val)) {
          const keys = sortedKeys(val);
          if (keys.length > 0) {
            for (const k of keys) one(k, val[k]);
            return;
          }
        } else if ((typeof val === "number" && isIntNumber(val)) || typeof val === "bigint") {
          if (decl.length > 1) this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
          const n = Number(val);
          if (n > 0) {
            for (let i = 0; i < n; i++) one(i, i);
            return;
          }
        } else if (val !== undefined && val !== null) {
          this.at(r);
          this.errorf(`range can't iterate over ${formatValue(val)}`);
        }
      } catch (e) {
        if (e === BREAK) return;
        throw e;
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.vars.length = outer;
    }
  }

  private walkTemplate(dot: unknown, t: TemplateNode): void {
    this.at(t);
    const tree = this.set.lookup(t.name);
    if (!tree) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= MAX_TEMPLATE_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    new State(this.set, tree, [{ name: "$", value: newDot }], this.depth + 1, this.opts, this.out).walk(newDot, tree.root);
  }

  private printValue(node: AnyNode, v: unknown): string {
    if (v === undefined || v === null) return "<no value>";
    if (typeof v === "function") {
      this.at(node);
      this.errorf(`can't print ${nodeString(node)} of type func`);
    }
    return formatValue(v);
  }

  // -------------------------------------------------------------------------------------------
  // Evaluation

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A nil interface{} becomes "no value" between commands, as in Go.
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0] as string, value);
      else this.push(v.ident[0] as string, value);
    }
    return value;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0] as ArgNode)}`);
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0] as ArgNode;
    switch (first.type) {
      case "field":
        return this.evalFieldNode(dot, first, cmd.args, final);
      case "chain":
        return this.evalChainNode(dot, first, cmd.args, final);
      case "identifier":
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case "variable":
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        this.errorf("nil is not a command");
      // eslint-disable-next-line no-fallthrough
      case "number":
        return this.idealConstant(first);
      case "string":
        return first.text;
    }
  }

  private idealConstant(n: NumberNode): number | bigint {
    this.at(n);
    if (n.isFloat && !/^[+-]?0[xX]/.test(n.text)) return n.float;
    const int = n.int;
    if (typeof int === "number") return int;
    if (int !== undefined && int >= -(2n ** 63n) && int < 2n ** 63n) return int;
    this.errorf(`${n.text} overflows int`);
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(chain);
    if (chain.node.type === "nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = this.evalArg(dot, "value", chain.node);
    return this.evalFieldChain(dot, receiver, chain, chain.fields, args, final);
  }

  private evalVariableNode(dot: unknown, v: VariableNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(v);
    const value = this.varValue(v.ident[0] as string);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: unknown, receiver: unknown, node: AnyNode, ident: readonly string[], args: readonly ArgNode[], final: Final): unknown {
    let r = receiver;
    for (let i = 0; i < ident.length - 1; i++) r = this.evalField(dot, ident[i] as string, node, [], MISSING, r);
    return this.evalField(dot, ident[ident.length - 1] as string, node, args, final, r);
  }

  private evalField(dot: unknown, name: string, node: AnyNode, args: readonly ArgNode[], final: Final, receiver: unknown): unknown {
    this.at(node);
    if (receiver === undefined) return undefined;
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    if (receiver instanceof Date) {
      const m = timeMethods[name];
      if (m) {
        const method: FunctionDef = { params: [], variadic: "any", call: (a) => m(receiver, ...a) };
        return this.evalCall(dot, method, node, name, args, final);
      }
    }
    const hasArgs = args.length > 1 || final !== MISSING;
    if (isStruct(receiver)) {
      const m = structMember(receiver, name);
      if (m.found && typeof m.value === "function" && isExported(name)) {
        const fn = m.value as (...a: unknown[]) => unknown;
        const method: FunctionDef = { params: [], variadic: "any", call: (a) => fn.apply(receiver, a) };
        return this.evalCall(dot, method, node, name, args, final);
      }
      if (m.found) {
        if (!isExported(name)) this.errorf(`${name} is an unexported field of struct type ${typeName(receiver)}`);
        if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
        return m.value;
      }
    }
    if (isMap(receiver)) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      return Object.hasOwn(receiver, name) ? receiver[name] : undefined;
    }
    this.errorf(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  private evalFunction(dot: unknown, node: IdentifierNode, cmd: AnyNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(node);
    const fn = this.set.funcs.get(node.name);
    if (!fn) this.errorf(`${JSON.stringify(node.name)} is not a defined function`);
    return this.evalCall(dot, fn, cmd, node.name, args, final);
  }

  private evalCall(dot: unknown, fn: FunctionDef, node: AnyNode, name: string, args: readonly ArgNode[], final: Final): unknown {
    const argNodes = args.slice(1);
    const numIn = argNodes.length + (final === MISSING ? 0 : 1);
    const fixed = fn.params.length;
    if (fn.variadic !== undefined) {
      if (numIn < fixed) this.errorf(`wrong number of args for ${name}: want at least ${fixed} got ${numIn}`);
    } else if (numIn !== fixed) {
      this.errorf(`wrong number of args for ${name}: want ${fixed} got ${numIn}`);
    }
    const typeAt = (i: number): ParamType => (i < fixed ? (fn.params[i] as ParamType) : (fn.variadic ?? "any"));

    if (fn.shortCircuit) {
      // `and` returns the first false argument, `or` the first true one, else the last one.
      let v: unknown;
      for (const a of argNodes) {
        v = this.evalArg(dot, "value", a);
        if (truth(v) === (fn.shortCircuit === "or")) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }

    const argv: unknown[] = argNodes.map((a, i) => this.evalArg(dot, typeAt(i), a));
    if (final !== MISSING) argv.push(this.coerce(final, typeAt(argv.length)));
    try {
      return fn.call(argv, this.context());
    } catch (err) {
      this.at(node);
      this.errorf(`error calling ${name}: ${messageOf(err)}`);
    }
  }

  /** What functions may ask of this execution: the clock, and running other templates. */
  private context(): CallContext {
    return {
      now: this.opts.now,
      include: (name, data) => {
        const tree = this.set.lookup(name);
        if (!tree) throw new Error(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(this.tree.name)}`);
        if (this.depth >= MAX_TEMPLATE_DEPTH) throw new Error(`exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`);
        const out: string[] = [];
        new State(this.set, tree, [{ name: "$", value: data }], this.depth + 1, this.opts, out).walk(data, tree.root);
        return out.join("");
      },
      tpl: (text, data) => {
        if (this.depth >= MAX_TEMPLATE_DEPTH) throw new Error(`exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`);
        const child = new TemplateSet(this.set.funcs, this.set);
        child.parse(text, this.tree.name);
        const tree = child.lookup(this.tree.name) as Tree;
        const out: string[] = [];
        new State(child, tree, [{ name: "$", value: data }], this.depth + 1, this.opts, out).walk(data, tree.root);
        return out.join("");
      },
    };
  }

  private evalArg(dot: unknown, type: ParamType, n: ArgNode): unknown {
    this.at(n);
    switch (n.type) {
      case "dot":
        return this.coerce(dot, type);
      case "nil":
        if (type === "any" || type === "value" || type === "list" || type === "map") return null;
        this.errorf(`cannot assign nil to ${paramTypeName(type)}`);
      // eslint-disable-next-line no-fallthrough
      case "field":
        return this.coerce(this.evalFieldNode(dot, n, [n], MISSING), type);
      case "variable":
        return this.coerce(this.evalVariableNode(dot, n, [n], MISSING), type);
      case "pipe":
        return this.coerce(this.evalPipeline(dot, n), type);
      case "identifier":
        return this.coerce(this.evalFunction(dot, n, n, [n], MISSING), type);
      case "chain":
        return this.coerce(this.evalChainNode(dot, n, [n], MISSING), type);
    }
    switch (type) {
      case "bool":
        if (n.type === "bool") return n.value;
        break;
      case "string":
        if (n.type === "string") return n.text;
        break;
      case "int":
        if (n.type === "number" && n.int !== undefined) return n.int;
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // eslint-disable-next-line no-fallthrough
      case "float":
        if (n.type === "number") return n.float;
        this.errorf(`expected float; found ${nodeString(n)}`);
      // eslint-disable-next-line no-fallthrough
      case "any":
      case "value":
        if (n.type === "bool") return n.value;
        if (n.type === "string") return n.text;
        return this.idealConstant(n);
      default:
        this.errorf(`can't handle ${nodeString(n)} for arg of type ${paramTypeName(type)}`);
    }
    this.errorf(`expected ${type}; found ${nodeString(n)}`);
  }

  /** Go's `validateType`: check (and convert) a value for a parameter. */
  private coerce(v: unknown, type: ParamType): unknown {
    if (type === "value") return v;
    if (v === undefined || v === null) {
      if (type === "any" || type === "list" || type === "map") return null;
      if (v === undefined) this.errorf(`invalid value; expected ${paramTypeName(type)}`);
      this.errorf(`wrong type for value; expected ${paramTypeName(type)}; got <nil>`);
    }
    const u = underlying(v);
    switch (type) {
      case "any":
        return v;
      case "string":
        if (typeof u === "string") return u;
        break;
      case "bool":
        if (typeof u === "boolean") return u;
        break;
      case "int":
        if (typeof u === "number" && isIntNumber(u)) return u;
        if (typeof u === "bigint") return u >= BigInt(Number.MIN_SAFE_INTEGER) && u <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(u) : u;
        break;
      case "float":
        if (typeof u === "number") return u;
        if (typeof u === "bigint") return Number(u);
        break;
      case "list":
        if (Array.isArray(u)) return u;
        break;
      case "map":
        if (isMap(u)) return u;
        break;
    }
    this.errorf(`wrong type for value; expected ${paramTypeName(type)}; got ${typeName(v)}`);
  }
}

/** Execute template `name` of `set` with `data` as dot and `$`. */
export function executeTree(set: TemplateSet, name: string, data: unknown, opts: ExecOptions): string {
  const tree = set.lookup(name);
  if (!tree) throw invalid(`template: no template ${JSON.stringify(name)} defined`);
  const out: string[] = [];
  new State(set, tree, [{ name: "$", value: data }], 0, opts, out).walk(data, tree.root);
  return out.join("");
}
