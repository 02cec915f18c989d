/**
 * Templates compiled into the binaries (recipes/templates/*.tmpl, inlined at build time), named by
 * `builtin:NAME`: the file name without `.md.tmpl`/`.tmpl`, e.g. `builtin:snapshot-report`, or
 * `builtin:report` for short.
 */
import { embeddedTemplates } from "../recipes/embed.ts" with { type: "macro" };

const files = JSON.parse(embeddedTemplates()) as Record<string, string>;

/** Short names that stand for a file. */
const aliases: Record<string, string> = { report: "snapshot-report" };

const stem = (file: string) => file.replace(/(\.md)?\.tmpl$/, "");

/** Names a `builtin:` source accepts. */
export function builtinTemplateNames(): string[] {
  return [...Object.keys(files).map(stem), ...Object.keys(aliases)].sort();
}

/** Text of a built-in template; undefined when there is none of that name. */
export function builtinTemplate(name: string): { file: string; text: string } | undefined {
  const want = aliases[name] ?? name;
  const file = Object.keys(files).find((f) => stem(f) === want || f === want);
  return file === undefined ? undefined : { file, text: files[file] as string };
}
