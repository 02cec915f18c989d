/**
 * The parse tree of a template, node for node as Go's `text/template/parse` builds it, and the text
 * form of a node (Go's `Node.String()`) that execution errors quote as `at <…>`.
 */

interface At {
  /** Offset of the node in its source text. */
  readonly pos: number;
}

export interface ListNode extends At {
  readonly type: "list";
  readonly nodes: Node[];
}
export interface TextNode extends At {
  readonly type: "text";
  readonly text: string;
}
export interface ActionNode extends At {
  readonly type: "action";
  readonly pipe: PipeNode;
}
export interface IfNode extends At {
  readonly type: "if";
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList?: ListNode;
}
export interface WithNode extends At {
  readonly type: "with";
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList?: ListNode;
}
export interface RangeNode extends At {
  readonly type: "range";
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList?: ListNode;
}
export interface TemplateNode extends At {
  readonly type: "template";
  readonly name: string;
  readonly pipe?: PipeNode;
}
export interface BreakNode extends At {
  readonly type: "break";
}
export interface ContinueNode extends At {
  readonly type: "continue";
}

export type Node = ListNode | TextNode | ActionNode | IfNode | WithNode | RangeNode | TemplateNode | BreakNode | ContinueNode;

export interface PipeNode extends At {
  readonly type: "pipe";
  /** `$x = …` rather than `$x := …`. */
  readonly isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode extends At {
  readonly type: "command";
  readonly args: ArgNode[];
}
/** `.a.b`: a field chain on dot. */
export interface FieldNode extends At {
  readonly type: "field";
  readonly ident: string[];
}
/** `$x` or `$x.a.b`; `ident[0]` is the variable name with its `$`. */
export interface VariableNode extends At {
  readonly type: "variable";
  readonly ident: string[];
}
/** `(pipeline).a.b`: fields of a term that is not dot or a variable. */
export interface ChainNode extends At {
  readonly type: "chain";
  readonly node: ArgNode;
  readonly fields: string[];
}
export interface IdentifierNode extends At {
  readonly type: "identifier";
  readonly name: string;
}
export interface DotNode extends At {
  readonly type: "dot";
}
export interface NilNode extends At {
  readonly type: "nil";
}
export interface BoolNode extends At {
  readonly type: "bool";
  readonly value: boolean;
}
export interface NumberNode extends At {
  readonly type: "number";
  /** Source text, e.g. `0x1F`, `1.5`, `'a'`. */
  readonly text: string;
  /** Integer value when the constant is an integer (`1`, `1.0`, `'a'`), bigint beyond 2^53. */
  readonly int?: number | bigint;
  readonly float: number;
  /** Written as a float (`.`, exponent) rather than an integer. */
  readonly isFloat: boolean;
}
export interface StringNode extends At {
  readonly type: "string";
  /** Source text with its quotes. */
  readonly quoted: string;
  readonly text: string;
}

export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type AnyNode = Node | ArgNode | CommandNode;

/** Go's `Node.String()`: the node written back as template source. */
export function nodeString(n: AnyNode): string {
  switch (n.type) {
    case "list":
      return n.nodes.map(nodeString).join("");
    case "text":
      return n.text;
    case "action":
      return `{{${nodeString(n.pipe)}}}`;
    case "if":
    case "with":
    case "range": {
      const elsePart = n.elseList ? `{{else}}${nodeString(n.elseList)}` : "";
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${elsePart}{{end}}`;
    }
    case "template":
      return n.pipe ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${JSON.stringify(n.name)}}}`;
    case "break":
      return "{{break}}";
    case "continue":
      return "{{continue}}";
    case "pipe": {
      const decl = n.decl.length > 0 ? `${n.decl.map(nodeString).join(", ")} ${n.isAssign ? "=" : ":="} ` : "";
      return decl + n.cmds.map(nodeString).join(" | ");
    }
    case "command":
      return n.args.map((a) => (a.type === "pipe" ? `(${nodeString(a)})` : nodeString(a))).join(" ");
    case "field":
      return n.ident.map((i) => `.${i}`).join("");
    case "variable":
      return n.ident.join(".");
    case "chain": {
      const head = n.node.type === "pipe" ? `(${nodeString(n.node)})` : nodeString(n.node);
      return head + n.fields.map((f) => `.${f}`).join("");
    }
    case "identifier":
      return n.name;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return n.value ? "true" : "false";
    case "number":
      return n.text;
    case "string":
      return n.quoted;
  }
}
