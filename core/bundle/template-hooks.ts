/**
 * Hook annotations taken out of a manifest *template* before it is rendered (build time, see
 * recipes/embed.ts): rendering the result gives what rendering the template and then stripping its
 * install/upgrade hooks (hook-annotations.ts) gives, so a bundle skips the stripping's edits and their
 * check. Done only when that holds by the template's shape; anything else is left to run time.
 */
import { HOOK, HOOK_COMPANIONS, keyLine, syncHookPhases } from "./hook-annotations.ts";

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isBlank = (line: string): boolean => line.trim() === "";
const isComment = (line: string): boolean => line.trimStart().startsWith("#");
const hasAction = (line: string): boolean => line.includes("{{") || line.includes("}}");

/** The phases of a hook annotation's value written on its line, or undefined when not plain text. */
function phasesOf(raw: string): string[] | undefined {
  let v = raw.trim();
  if (v.includes(" #") || hasAction(v)) return undefined;
  const q = v.charAt(0);
  if (q === '"' || q === "'") {
    if (v.length < 2 || !v.endsWith(q) || v.slice(1, -1).includes(q) || v.includes("\\")) return undefined;
    v = v.slice(1, -1);
  } else if (/^[|>[{&*!]/.test(v)) {
    return undefined;
  }
  const phases: string[] = [];
  for (const part of v.split(",")) if (part.trim() !== "") phases.push(part.trim());
  return phases;
}

/** Index of the nearest line above `from` that is not blank or a comment and is indented less than `indent`. */
function parentLine(lines: readonly string[], from: number, indent: number): number {
  for (let i = from - 1; i >= 0; i--) {
    const l = lines[i] as string;
    if (!isBlank(l) && !isComment(l) && indentOf(l) < indent) return i;
  }
  return -1;
}

/**
 * `text` without its install/upgrade hook annotations, when every one of them sits in a top-level
 * `metadata.annotations` block of plain lines (no template action in the block, on the lines above it up
 * to `metadata:`, or at the start of the line after it), is the only hook annotation of that block, and
 * has only install/upgrade phases. Their weight and delete policy go with them, and so does the
 * `annotations:` key when nothing else is left under it, as the run-time stripping does. Undefined when
 * any of that does not hold, or when the text has no hook annotation.
 */
export function templateWithoutSyncHooks(text: string): string | undefined {
  const lines = text.split("\n");
  const drop = new Set<number>();
  let hooks = 0;
  for (let h = 0; h < lines.length; h++) {
    const m = keyLine(HOOK).exec(lines[h] as string);
    if (!m) continue;
    hooks++;
    const phases = phasesOf(m[3] as string);
    if (!phases || phases.length === 0) return undefined;
    for (const p of phases) if (!syncHookPhases.has(p)) return undefined;
    const indent = (m[1] as string).length;

    const a = parentLine(lines, h, indent);
    const annotations = /^( *)annotations:\s*$/.exec(lines[a] ?? "");
    if (!annotations) return undefined;
    const meta = parentLine(lines, a, (annotations[1] as string).length);
    if (!/^metadata:\s*$/.test(lines[meta] ?? "")) return undefined;
    for (let i = meta; i <= a; i++) if (hasAction(lines[i] as string)) return undefined;

    // The block: the lines after `annotations:` indented deeper than it (comments anywhere, as in YAML).
    let end = a + 1;
    for (; end < lines.length; end++) {
      const l = lines[end] as string;
      if (!isBlank(l) && !isComment(l) && indentOf(l) <= (annotations[1] as string).length) break;
    }
    if (end < lines.length && (lines[end] as string).trimStart().startsWith("{{")) return undefined;
    let others = 0;
    for (let i = a + 1; i < end; i++) {
      const l = lines[i] as string;
      if (hasAction(l)) return undefined;
      if (isBlank(l) || isComment(l) || indentOf(l) !== indent) continue;
      if (i === h) continue;
      if (keyLine(HOOK).test(l)) return undefined;
      let companion = false;
      for (const k of HOOK_COMPANIONS) if (keyLine(k).test(l)) companion = true;
      if (companion) drop.add(i);
      else others++;
    }
    drop.add(h);
    // Each value dropped must be on its own line: a deeper line after it (blank lines between or not)
    // would continue it.
    for (const d of drop) {
      if (d <= a || d >= end) continue;
      let next = d + 1;
      while (next < end && isBlank(lines[next] as string)) next++;
      if (next < end && !drop.has(next) && indentOf(lines[next] as string) > indent) return undefined;
    }
    if (others === 0) drop.add(a);
  }
  if (hooks === 0) return undefined;
  // Nothing naming a hook may be left where the run-time stripping would still see it.
  for (let i = 0; i < lines.length; i++) if (!drop.has(i) && (lines[i] as string).includes(HOOK)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) if (!drop.has(i)) out.push(lines[i] as string);
  return out.join("\n");
}
