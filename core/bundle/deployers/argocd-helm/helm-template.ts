/**
 * Writing a Helm template from an object: the object is written as YAML with placeholder scalars where
 * template expressions go, then each placeholder is replaced by its expression (inline) or by template
 * lines below its key (a block). Literal text of the object is escaped, so only the expressions placed
 * here are ever evaluated by Helm.
 */
import { internal } from "../../../errors.ts";
import { stringifyYaml } from "../../../yaml.ts";
import { escapeForHelm } from "../../manifests.ts";
import type { Values } from "../../value-path.ts";

/**
 * A block below a key: `literal` makes the key a YAML literal block string (`key: |`), `map` leaves the key
 * open for a mapping. `lines` gets the column of the block's content and returns the template lines, each
 * starting with `{{-` so that Helm's output starts on a fresh line (e.g. with `nindent <column>`).
 */
export interface TemplateBlock {
  style: "literal" | "map";
  lines: (column: number) => string[];
}

type Expression = { inline: string } | { block: TemplateBlock };

/** A Go string literal (the strings quoted here are paths and keys: plain printable text). */
export const goString = (s: string): string => JSON.stringify(s);

export class HelmTemplate {
  private readonly expressions = new Map<string, Expression>();

  private placeholder(e: Expression): string {
    const token = `__AICR_TEMPLATE_${this.expressions.size}__`;
    this.expressions.set(token, e);
    return token;
  }

  /** A placeholder for a scalar written as `expr` (e.g. `{{ .Values.x | quote }}`). */
  inline(expr: string): string {
    return this.placeholder({ inline: expr });
  }

  /** A placeholder for a key's value written as template lines below it. */
  block(block: TemplateBlock): string {
    return this.placeholder({ block });
  }

  /** The template text of `object`, with every placeholder of this builder replaced. */
  render(object: Values): string {
    let text = escapeForHelm(stringifyYaml(object));
    for (const [token, e] of this.expressions) {
      const at = new RegExp(`^( *)([^\\n]*?): ${token}$`, "m");
      const m = at.exec(text);
      if (!m || text.indexOf(token) !== text.lastIndexOf(token)) throw internal(`template placeholder ${token} not found once as a key's value`);
      const [line, indent, key] = m as unknown as [string, string, string];
      let replacement: string;
      if ("inline" in e) {
        replacement = `${indent}${key}: ${e.inline}`;
      } else {
        const column = indent.length + 2;
        const header = e.block.style === "literal" ? `${indent}${key}: |` : `${indent}${key}:`;
        replacement = [header, ...e.block.lines(column).map((l) => `${" ".repeat(column)}${l}`)].join("\n");
      }
      text = text.replace(line, () => replacement);
    }
    return text;
  }
}
