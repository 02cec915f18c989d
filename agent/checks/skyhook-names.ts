/**
 * The names of the Skyhook (nodewright) custom resources a component's manifests declare. The
 * manifests are Helm templates; a name is taken only when it is literal (`name: tuning`), from a
 * document whose top-level kind is Skyhook or Nodewright. Template-only lines and comments are
 * ignored; a templated name cannot be known and is left out.
 */

export const SKYHOOK_KINDS: readonly string[] = ["Skyhook", "Nodewright"];

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const unquote = (s: string) => s.trim().replace(/^(["'])(.*)\1$/, "$2").trim();
const indentOf = (l: string) => l.length - l.trimStart().length;

/** Literal metadata.name of every Skyhook/Nodewright document in one manifest text. */
export function skyhookNamesIn(text: string): string[] {
  const names: string[] = [];
  for (const doc of text.split(/^---[ \t]*$/m)) {
    const lines = doc
      .split("\n")
      .map((l) => l.replace(/\r$/, ""))
      .filter((l) => !/^\s*#/.test(l) && !/^\s*\{\{-?.*-?\}\}\s*$/.test(l) && l.trim() !== "");
    const kindLine = lines.find((l) => /^kind:/.test(l));
    if (!kindLine || !SKYHOOK_KINDS.includes(unquote(kindLine.slice("kind:".length)))) continue;
    const meta = lines.findIndex((l) => /^metadata:\s*$/.test(l));
    if (meta < 0) continue;
    let childIndent: number | undefined;
    for (const l of lines.slice(meta + 1)) {
      const ind = indentOf(l);
      if (ind === 0) break;
      childIndent ??= ind;
      if (ind !== childIndent) continue;
      const m = /^\s+name:\s*(.*)$/.exec(l);
      if (!m) continue;
      const name = unquote(m[1] ?? "");
      if (name !== "" && !name.includes("{{") && dnsSubdomain.test(name)) names.push(name);
      break;
    }
  }
  return names;
}

/** The names across a component's manifest files (in order, without repeats) and the files that could not be read. */
export function skyhookNames(files: readonly string[], texts: Readonly<Record<string, string>>): { names: string[]; unreadable: string[] } {
  const names: string[] = [];
  const unreadable: string[] = [];
  for (const f of files) {
    const text = texts[f];
    if (text === undefined) {
      unreadable.push(f);
      continue;
    }
    for (const n of skyhookNamesIn(text)) if (!names.includes(n)) names.push(n);
  }
  return { names, unreadable };
}
